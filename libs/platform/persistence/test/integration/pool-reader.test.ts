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

describe('several statements in one round trip', () => {
  it('answers the rows of each statement in order, on one connection', async () => {
    const [items, [backend], [again]] = await poolReader(db).queryAll<[Array<{ id: number }>, Array<{ pid: number }>, Array<{ pid: number }>]>([
      { sql: 'SELECT id FROM item ORDER BY id' },
      { sql: 'SELECT pg_backend_pid() AS pid' },
      { sql: 'SELECT pg_backend_pid() AS pid WHERE $1::int = 1', parameters: [1] },
    ]);
    expect(items).toEqual([{ id: 1 }, { id: 2 }]);
    expect(again.pid).toBe(backend.pid);
  });

  it('runs each statement on its own and fails with the first error once all have answered', async () => {
    const reader = poolReader(db);
    await expect(
      reader.queryAll([{ sql: 'SELECT 1 AS n' }, { sql: 'SELECT no_such_column FROM item' }, { sql: 'SELECT pg_sleep(0.05)' }]),
    ).rejects.toMatchObject({ code: '42703' });
    // The pool still answers, one statement at a time and in batches.
    await expect(reader.query('SELECT 2 AS n')).resolves.toEqual([{ n: 2 }]);
    await expect(reader.queryAll([{ sql: 'SELECT 3 AS n' }, { sql: 'SELECT 4 AS n' }])).resolves.toEqual([[{ n: 3 }], [{ n: 4 }]]);
  });

  it('leaves the connection as it found it: a transaction on it afterwards sees one statement at a time', async () => {
    await poolReader(db).queryAll([{ sql: 'SELECT 1' }, { sql: 'SELECT 2' }]);
    const pool = (db.driver as unknown as { master: { connect(): Promise<{ pipeline: boolean; release(): void }> } }).master;
    const clients = await Promise.all([pool.connect(), pool.connect()]);
    expect(clients.map((client) => client.pipeline)).toEqual([false, false]);
    for (const client of clients) client.release();
  });
});

describe('prepared statements', () => {
  it('keeps a statement marked prepared parsed on its connection, under one name for its SQL', async () => {
    const reader = poolReader(db);
    const prepared = { sql: 'SELECT name FROM item WHERE id = $1', prepared: true };
    const [first, seen] = await reader.queryAll<[Array<{ name: string }>, Array<{ name: string; statement: string }>]>([
      { ...prepared, parameters: [1] },
      { sql: 'SELECT name, statement FROM pg_prepared_statements' },
    ]);
    expect(first).toEqual([{ name: 'Đảng bộ' }]);
    expect(seen).toEqual([{ name: expect.stringMatching(/^platform_[0-9a-f]{16}$/), statement: prepared.sql }]);
    // Again, on whichever connection, and alone: the same answer from the same name.
    await expect(reader.queryAll([{ ...prepared, parameters: [2] }])).resolves.toEqual([[{ name: 'Mặt trận' }]]);
    await expect(reader.queryAll([{ ...prepared, parameters: [2] }, { ...prepared, parameters: [1] }])).resolves.toEqual([[{ name: 'Mặt trận' }], [{ name: 'Đảng bộ' }]]);
  });
});
