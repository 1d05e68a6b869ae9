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

it('keeps ORG-2 in the database: two units alive at once with one code are refused, one after the other is not', async () => {
  const insert = async (code: string, validFrom: string, validTo: string | null) => {
    const [{ id }] = await db.query(`INSERT INTO org_structure.unit (id, exists_from) VALUES (gen_random_uuid(), $1) RETURNING id`, [validFrom]);
    await db.query(
      `INSERT INTO org_structure.unit_version (unit_id, code, name, search_text, kind, level, block, path, valid_from, valid_to)
       VALUES ($1::uuid, $2, 'Đảng bộ', 'dang bo', 'party_committee', 'province', 'party', text2ltree(replace($1::text, '-', '_')), $3, $4)`,
      [id, code, validFrom, validTo],
    );
  };
  await insert('ORG2-A', '2020-01-01', '2025-07-01');
  await expect(insert('ORG2-A', '2025-06-01', null)).rejects.toMatchObject({
    driverError: { code: '23P01', constraint: 'unit_version_code_unique_in_time' },
  });
  await expect(insert('ORG2-A', '2025-07-01', null)).resolves.toBeUndefined();
  await expect(insert('ORG2-B', '2025-06-01', null)).resolves.toBeUndefined();
});
