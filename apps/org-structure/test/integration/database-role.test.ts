import { assertLeastPrivilege, createDataSource, migrateServiceDatabase } from '@platform/persistence';
import { createTestDatabase, type TestDatabase } from '@platform/testing';
import { Client } from 'pg';
import { loadOrgStructureCliConfig } from '../../src/config';
import { orgDatabasePlan, orgDataSource } from '../../src/service';

/*
 * The service's database role (security hardening, item 9): its own login, never a superuser; it owns its tables
 * but neither its schema nor its audit table, which it may only read and append to.
 */
let database: TestDatabase;
let serviceUrl: string;
const config = () => loadOrgStructureCliConfig({ DATABASE_URL: serviceUrl });

async function asService<T>(sql: string): Promise<T[]> {
  const client = new Client({ connectionString: serviceUrl });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

async function asAdmin(sql: string): Promise<void> {
  const client = new Client({ connectionString: database.url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  database = await createTestDatabase('roles');
  serviceUrl = database.serviceUrl('org_structure');
  const result = await migrateServiceDatabase({
    plan: orgDatabasePlan(config()),
    serviceUrl,
    adminUrl: database.url,
    dataSource: () => orgDataSource(config()),
  });
  expect(result.sealed).toEqual(['audit_log']);
  // Another service's schema in the same database, as in every deployment.
  await asAdmin('CREATE SCHEMA identity; CREATE TABLE identity.app_user (id int)');
});

afterAll(async () => {
  await database?.drop();
});

describe('the org-structure database role', () => {
  it('appends to and reads its audit table, and works its own tables', async () => {
    await expect(asService(`SELECT count(*) FROM org_structure.audit_log`)).resolves.toHaveLength(1);
    await expect(asService(`SELECT count(*) FROM org_structure.unit_version`)).resolves.toHaveLength(1);
    await expect(asService(`CREATE TABLE org_structure.scratch (id int)`)).resolves.toEqual([]);
    await expect(asService(`DROP TABLE org_structure.scratch`)).resolves.toEqual([]);
  });

  it.each([
    ['update a record', `UPDATE org_structure.audit_log SET action = 'x'`],
    ['delete records', 'DELETE FROM org_structure.audit_log'],
    ['truncate the table', 'TRUNCATE org_structure.audit_log'],
    ['switch its trigger off', 'ALTER TABLE org_structure.audit_log DISABLE TRIGGER USER'],
    ['skip triggers as a replica', `SET session_replication_role = replica`],
    ['drop the table', 'DROP TABLE org_structure.audit_log'],
    ['take the table over', 'ALTER TABLE org_structure.audit_log OWNER TO CURRENT_USER'],
    ['replace its guard function', `CREATE OR REPLACE FUNCTION org_structure.audit_log_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$`],
    ['drop the whole schema', 'DROP SCHEMA org_structure CASCADE'],
    ['read another service\'s schema', 'SELECT * FROM identity.app_user'],
    ['create a role', 'CREATE ROLE intruder'],
  ])('cannot %s', async (_what, sql) => {
    await expect(asService(sql)).rejects.toThrow(/permission denied|must be owner|must be superuser|not allowed|insufficient/);
  });

  it('lets the service start on it, and refuses a superuser or an unsealed audit table', async () => {
    const connect = (url: string) =>
      createDataSource({ url, schema: 'org_structure', migrations: [], poolSize: 1, statementTimeoutMs: 5_000, applicationName: 'check' }).initialize();
    const own = await connect(serviceUrl);
    await expect(assertLeastPrivilege(own, orgDatabasePlan(config()))).resolves.toBeUndefined();
    await own.destroy();

    const superuser = await connect(database.url);
    await expect(assertLeastPrivilege(superuser, orgDatabasePlan(config()))).rejects.toThrow(/refusing to start: the database role \S+ is a superuser/);
    // A role that was given the audit table back could disable its trigger.
    await superuser.query(`ALTER TABLE org_structure.audit_log OWNER TO "${new URL(serviceUrl).username}"`);
    await superuser.destroy();
    const unsealed = await connect(serviceUrl);
    await expect(assertLeastPrivilege(unsealed, orgDatabasePlan(config()))).rejects.toThrow(/owns audit_log/);
    await unsealed.destroy();
  });
});
