import { createTestDatabase, type TestDatabase } from '@platform/testing';
import type { DataSource } from 'typeorm';
import { createDataSource, poolReader } from '../../src';

/* Reads on the pool see what the data source's own connections see: its schema first, its statement timeout. */
let database: TestDatabase;
let db: DataSource;

beforeAll(async () => {
  database = await createTestDatabase('pool_reader');
  db = await createDataSource({
    url: database.url,
    schema: 'reader_test',
    migrations: [],
    poolSize: 2,
    statementTimeoutMs: 300,
    applicationName: 'pool-reader-test',
  }).initialize();
  await db.query('CREATE SCHEMA reader_test');
  await db.query(`CREATE TABLE reader_test.item (id int PRIMARY KEY, name text NOT NULL)`);
  await db.query(`INSERT INTO reader_test.item VALUES (1, 'Đảng bộ'), (2, 'Mặt trận')`);
});

afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

it('answers the rows of a statement, naming tables of the service schema without qualification', async () => {
  const rows = await poolReader(db).query<Array<{ id: number; name: string }>>('SELECT id, name FROM item WHERE id = ANY($1::int[]) ORDER BY id', [[1, 2]]);
  expect(rows).toEqual([
    { id: 1, name: 'Đảng bộ' },
    { id: 2, name: 'Mặt trận' },
  ]);
});

it('is held to the same statement timeout as the data source (SQLSTATE 57014)', async () => {
  await expect(poolReader(db).query('SELECT pg_sleep(2)')).rejects.toMatchObject({ code: '57014' });
});

it('uses the data source pool, so it never opens more connections than the pool size', async () => {
  const reader = poolReader(db);
  await Promise.all(Array.from({ length: 10 }, (_, i) => reader.query('SELECT $1::int AS n', [i])));
  const pool = (db.driver as unknown as { master: { totalCount: number } }).master;
  expect(pool.totalCount).toBeLessThanOrEqual(2);
});
