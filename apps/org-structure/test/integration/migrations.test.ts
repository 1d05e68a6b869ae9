import { createTestDatabase, type TestDatabase } from '@platform/testing';
import { revertLastMigration, runMigrations } from '@platform/persistence';
import type { DataSource } from 'typeorm';
import { loadOrgStructureConfig } from '../../src/config';
import { ORG_MIGRATIONS, orgDataSource } from '../../src/infrastructure/database';

/* Schemas change only through migrations, each with a working `down`. */
let database: TestDatabase;
let db: DataSource;

beforeAll(async () => {
  database = await createTestDatabase('migrations');
  db = await orgDataSource(loadOrgStructureConfig({ DATABASE_URL: database.url, AUTH_PUBLIC_KEY: 'not used by migrations' })).initialize();
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
