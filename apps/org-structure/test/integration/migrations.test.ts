import { createTestDatabase, type TestDatabase } from '@platform/testing';
import { provisionServiceRole, revertLastMigration, runMigrations } from '@platform/persistence';
import type { DataSource } from 'typeorm';
import { loadOrgStructureCliConfig } from '../../src/config';
import { ORG_MIGRATIONS } from '../../src/infrastructure/database';
import { orgDatabasePlan, orgDataSource } from '../../src/service';

/* Schemas change only through migrations, each with a working `down`. */
let database: TestDatabase;
let db: DataSource;

beforeAll(async () => {
  database = await createTestDatabase('migrations');
  // Run as the service's own role, as the migrate command does; the audit table is left unsealed so that its own
  // migration can be reverted here (sealed, only an administrator could).
  const config = loadOrgStructureCliConfig({ DATABASE_URL: database.serviceUrl('org_structure') });
  await provisionServiceRole(database.url, config.DATABASE_URL, orgDatabasePlan(config));
  db = await orgDataSource(config).initialize();
});

afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

const tables = async () =>
  (await db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'org_structure' ORDER BY 1`)).map(
    (row: { table_name: string }) => row.table_name,
  );

it('applies every migration, reverts each one, and applies them again', async () => {
  expect(await runMigrations(db, 'org_structure')).toHaveLength(ORG_MIGRATIONS.length);
  expect(await tables()).toEqual(expect.arrayContaining(['unit', 'unit_version', 'outbox', 'migrations']));
  expect(await runMigrations(db, 'org_structure')).toEqual([]);
  for (let i = 0; i < ORG_MIGRATIONS.length; i++) await revertLastMigration(db);
  expect(await tables()).toEqual(['migrations']);
  expect(await runMigrations(db, 'org_structure')).toHaveLength(ORG_MIGRATIONS.length);
});

/** A unit with one version, written as the database allows, whatever the API would accept. */
const insert = async (code: string, validFrom: string, validTo: string | null, name = 'Đảng bộ') => {
  const [{ id }] = await db.query(`INSERT INTO org_structure.unit (id, exists_from) VALUES (gen_random_uuid(), $1) RETURNING id`, [validFrom]);
  await db.query(
    `INSERT INTO org_structure.unit_version (unit_id, code, name, search_text, kind, level, block, path, valid_from, valid_to)
     VALUES ($1::uuid, $2, $5, 'dang bo', 'party_committee', 'province', 'party', text2ltree(replace($1::text, '-', '_')), $3, $4)`,
    [id, code, validFrom, validTo, name],
  );
  return id as string;
};

it('keeps ORG-2 in the database: two units alive at once with one code are refused, one after the other is not', async () => {
  await insert('ORG2-A', '2020-01-01', '2025-07-01');
  await expect(insert('ORG2-A', '2025-06-01', null)).rejects.toMatchObject({
    driverError: { code: '23P01', constraint: 'unit_version_code_unique_in_time' },
  });
  await expect(insert('ORG2-A', '2025-07-01', null)).resolves.toEqual(expect.any(String));
  await expect(insert('ORG2-B', '2025-06-01', null)).resolves.toEqual(expect.any(String));
});

describe('stored unit codes in canonical form (ORG-2)', () => {
  const versionsOf = (id: string) =>
    db.query(`SELECT code, search_text FROM org_structure.unit_version WHERE unit_id = $1`, [id]) as Promise<Array<{ code: string; search_text: string }>>;

  it('rewrites codes stored in other spellings, with their search text, and leaves canonical ones alone', async () => {
    // Its down leaves codes as they are, so reverting it makes room for codes written before it.
    await revertLastMigration(db);
    const lower = await insert('cb-đắk', '2020-01-01', null, 'Chi bộ Đắk');
    const fullwidth = await insert('ＴＵ-ＢＮ', '2020-01-01', null);
    const canonical = await insert('HG-TU', '2020-01-01', null);
    // One after the other: both may hold the code, in whichever spelling (ORG-2).
    const earlier = await insert('x-1', '2010-01-01', '2015-01-01');
    const later = await insert('X-1', '2015-01-01', null);

    expect(await runMigrations(db, 'org_structure')).toEqual(['CanonicalUnitCodes1795400000000']);
    expect(await versionsOf(lower)).toEqual([{ code: 'CB-ĐẮK', search_text: 'chi bo dak cb-dak' }]);
    expect((await versionsOf(fullwidth))[0].code).toBe('TU-BN');
    expect(await versionsOf(canonical)).toEqual([{ code: 'HG-TU', search_text: 'dang bo' }]);
    expect([(await versionsOf(earlier))[0].code, (await versionsOf(later))[0].code]).toEqual(['X-1', 'X-1']);
  });

  it('fails naming the codes when two spellings of one code belong to units alive at the same time', async () => {
    await revertLastMigration(db);
    const units = [await insert('dup-a', '2020-01-01', null), await insert('Dup-A', '2022-01-01', null)];
    await expect(runMigrations(db, 'org_structure')).rejects.toThrow(/Unit codes "Dup-A", "dup-a" are one code, "DUP-A".*\(ORG-2\)/);
    expect((await versionsOf(units[0]))[0].code).toBe('dup-a');

    await db.query(`DELETE FROM org_structure.unit_version WHERE unit_id = ANY($1::uuid[])`, [units]);
    await db.query(`DELETE FROM org_structure.unit WHERE id = ANY($1::uuid[])`, [units]);
    expect(await runMigrations(db, 'org_structure')).toEqual(['CanonicalUnitCodes1795400000000']);
  });
});
