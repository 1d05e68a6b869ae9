import { CommonErrorCode, DomainError } from '@contracts/common';
import { createDataSource } from '@platform/persistence';
import { createTestDatabase, type TestDatabase } from '@platform/testing';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import {
  AUDIT_CHANGE_REFUSED_SQLSTATE,
  AuditLog,
  auditTableDropSql,
  auditTableSql,
  computeHash,
  GENESIS_HASH,
  type AuditEntry,
  type AuditRecord,
} from '../../src';

/*
 * The audit trail against a real PostgreSQL: the chain as written, appends from two connection pools at once, the
 * trigger that refuses changes, and what a privileged attacker who disables it leaves for `verify` to find.
 */
const SCHEMA = 'audit_test';

let database: TestDatabase;
let db: DataSource;
let secondPool: DataSource;
let attacker: Client;
let nextLockKey = 7_100;
/** The service's audit key; the database never sees it. */
const KEY = Buffer.alloc(32, 9);

const dataSource = () =>
  createDataSource({
    url: database.url,
    schema: SCHEMA,
    migrations: [],
    poolSize: 4,
    statementTimeoutMs: 15_000,
    applicationName: 'audit-test',
  }).initialize();

beforeAll(async () => {
  database = await createTestDatabase('audit');
  attacker = new Client({ connectionString: database.url });
  await attacker.connect();
  await attacker.query(`CREATE SCHEMA ${SCHEMA}`);
  db = await dataSource();
  secondPool = await dataSource();
});

afterAll(async () => {
  await attacker?.end();
  await secondPool?.destroy();
  await db?.destroy();
  await database?.drop();
});

const lockKeys = new Map<string, number>();

/** A new audit table, created with the statements a migration would run, and its log (small verify batches). */
async function newLog(table: string): Promise<AuditLog> {
  for (const statement of auditTableSql(table)) await db.query(statement);
  lockKeys.set(table, nextLockKey++);
  return new AuditLog({ dataSource: db, table, lockKey: lockKeys.get(table)!, key: KEY, verifyBatchSize: 3 });
}

const entry = (i: number, overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  actor: { userId: `u-${i % 3}`, username: `clerk${i % 3}`, roles: ['records_clerk'], clientAddress: '10.0.0.7' },
  action: i % 2 === 0 ? 'org.unit.read' : 'org.restructuring.apply',
  object: { type: 'unit', id: `unit-${i % 4}`, unitScope: 'TU-BN' },
  outcome: 'success',
  requestId: `req-${i}`,
  details: { i },
  ...overrides,
});

async function filledLog(table: string, count: number): Promise<{ log: AuditLog; records: AuditRecord[] }> {
  const log = await newLog(table);
  const records: AuditRecord[] = [];
  for (let i = 1; i <= count; i++) records.push(await log.append(entry(i)));
  return { log, records };
}

/** What someone able to disable the table's triggers (its owner, a superuser) can do. */
async function tamper(table: string, ...statements: string[]): Promise<void> {
  await attacker.query('BEGIN');
  await attacker.query(`ALTER TABLE ${SCHEMA}.${table} DISABLE TRIGGER USER`);
  for (const statement of statements) await attacker.query(statement.replaceAll('$table', `${SCHEMA}.${table}`));
  await attacker.query(`ALTER TABLE ${SCHEMA}.${table} ENABLE TRIGGER USER`);
  await attacker.query('COMMIT');
}

const problems = async (log: AuditLog, expectedHead?: { seq: string; hash: string }) =>
  (await log.verify({ expectedHead })).problems.map(({ seq, problem }) => ({ seq, problem }));

describe('appending', () => {
  it('chains every record to the one before, from the genesis hash, and verify finds the chain intact', async () => {
    const log = await newLog('chain_ok');
    const single = [];
    for (let i = 1; i <= 7; i++) single.push(await log.append(entry(i)));
    const many = await log.appendMany([entry(8), entry(9, { object: undefined, requestId: undefined, details: undefined }), entry(10)]);
    const records = [...single, ...many];

    expect(records.map((record) => record.seq)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(records[0].prevHash).toBe(GENESIS_HASH);
    records.forEach((record, index) => {
      if (index > 0) expect(record.prevHash).toBe(records[index - 1].hash);
      expect(computeHash(record.prevHash, record, KEY)).toBe(record.hash);
      expect(record.occurredAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      if (index > 0) expect(record.occurredAt >= records[index - 1].occurredAt).toBe(true);
    });
    expect(records[8]).toMatchObject({ object: { type: null, id: null, unitScope: null }, requestId: null, details: {} });

    const verified = await log.verify();
    expect(verified).toEqual({ ok: true, count: 10, head: { seq: '10', hash: records[9].hash }, problems: [], problemsTruncated: false });
    expect(await log.head()).toEqual({ seq: '10', hash: records[9].hash, occurredAt: records[9].occurredAt });
  });

  it('stores exactly what it hashed: details of any shape read back equal and still verify', async () => {
    const log = await newLog('round_trip');
    const details = {
      name: 'Đảng ủy xã "Tân Tiến"\n',
      numbers: [0, -1.5, 0.1 + 0.2, 1e21, 12345678901234],
      nested: { z: null, a: [true, { y: 'ý', b: [] }] },
      when: new Date('2025-07-01T00:00:00Z'),
      dropped: undefined,
    };
    const written = await log.append(entry(1, { details, actor: { userId: null, username: null, roles: [], clientAddress: null } }));
    expect(written.details).toEqual({ ...JSON.parse(JSON.stringify(details)) });
    const { items } = await log.query();
    expect(items).toEqual([written]);
    expect((await log.verify()).ok).toBe(true);
  });

  it('commits and rolls back with the change it describes, and a rolled-back append leaves no gap', async () => {
    const log = await newLog('atomic');
    await db.query('CREATE TABLE atomic_thing (id int PRIMARY KEY)');
    await db.transaction(async (manager) => {
      await manager.query('INSERT INTO atomic_thing VALUES (1)');
      await log.append(entry(1, { object: { type: 'thing', id: '1' } }), manager);
    });
    await expect(
      db.transaction(async (manager) => {
        await manager.query('INSERT INTO atomic_thing VALUES (2)');
        await log.append(entry(2, { object: { type: 'thing', id: '2' } }), manager);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    const after = await log.append(entry(3));

    expect(await db.query('SELECT id FROM atomic_thing')).toEqual([{ id: 1 }]);
    expect(after.seq).toBe('2');
    expect((await log.query()).items.map((record) => record.object.id)).toEqual(['unit-3', '1']);
    expect(await log.verify()).toMatchObject({ ok: true, count: 2 });
  });

  it('stays gap-free and valid under concurrent appends from two connection pools', async () => {
    const first = await newLog('concurrent');
    const second = new AuditLog({ dataSource: secondPool, table: 'concurrent', lockKey: lockKeys.get('concurrent')!, key: KEY });
    const work = (log: AuditLog, offset: number) =>
      Array.from({ length: 30 }, (_, i) =>
        i % 10 === 0
          ? log.appendMany([entry(offset + i), entry(offset + i + 1000)])
          : secondPool.transaction((manager) => log.append(entry(offset + i), manager)),
      );
    await Promise.all([...work(first, 0), ...work(second, 100)]);

    const verified = await first.verify();
    expect(verified).toMatchObject({ ok: true, count: 66, head: { seq: '66' } });
    const seqs = (await db.query('SELECT seq::int AS seq FROM concurrent ORDER BY seq')).map((row: { seq: number }) => row.seq);
    expect(seqs).toEqual(Array.from({ length: 66 }, (_, i) => i + 1));
  });

  it('refuses a transaction whose snapshot can predate the append lock', async () => {
    const log = await newLog('isolation');
    await log.append(entry(1));
    for (const level of ['REPEATABLE READ', 'SERIALIZABLE'] as const) {
      await expect(db.transaction(level, (manager) => log.append(entry(2), manager))).rejects.toThrow(
        `audit append needs a READ COMMITTED transaction, not ${level}`,
      );
    }
    expect(await log.verify()).toMatchObject({ ok: true, count: 1 });
  });

  it('says so when two writers of one table use different lock keys and collide', async () => {
    const log = await newLog('two_keys');
    const stray = new AuditLog({ dataSource: secondPool, table: 'two_keys', lockKey: 1, key: KEY });
    let collided: Promise<Error | null> = Promise.resolve(null);
    await db.transaction(async (manager) => {
      await log.append(entry(1), manager);
      // Not held back by the other key, the stray writer takes the same seq and waits for this commit.
      collided = stray.append(entry(2)).then(
        () => null,
        (error: Error) => error,
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
    });
    expect((await collided)?.message).toBe('audit append to two_keys found its seq taken: every writer of a table must use the same lockKey');
    expect(await log.verify()).toMatchObject({ ok: true, count: 1 });
  });

  it('refuses malformed entries without writing anything', async () => {
    const log = await newLog('malformed');
    await expect(log.append(entry(1, { action: 'not an action!' }))).rejects.toThrow(TypeError);
    await expect(log.append(entry(1, { details: { big: 'x'.repeat(20_000) } }))).rejects.toThrow(/at most/);
    await expect(log.append(entry(1, { details: { nul: 'a\u0000b' } }))).rejects.toThrow(/NUL/);
    await expect(log.appendMany([entry(1), entry(2, { outcome: 'maybe' as never })])).rejects.toThrow(/outcome/);
    expect(await log.head()).toBeNull();
  });
});

describe('the append-only trigger', () => {
  let refused: AuditLog;

  beforeAll(async () => {
    refused = await newLog('refused');
    await refused.appendMany([entry(1), entry(2), entry(3)]);
  });

  it.each([
    ['an UPDATE', 'UPDATE', "UPDATE refused SET details = '{}'::jsonb WHERE seq = 1"],
    ['an UPDATE matching no row', 'UPDATE', 'UPDATE refused SET action = action WHERE false'],
    ['a DELETE', 'DELETE', 'DELETE FROM refused WHERE seq = 2'],
    ['a TRUNCATE', 'TRUNCATE', 'TRUNCATE refused'],
    [
      'an upsert',
      'UPDATE',
      `INSERT INTO refused (seq, id, occurred_at, actor, action, object, outcome, details, prev_hash, hash)
       SELECT seq, gen_random_uuid(), now(), actor, action, object, outcome, details, prev_hash, hash FROM refused WHERE seq = 1
       ON CONFLICT (seq) DO UPDATE SET action = 'forged'`,
    ],
  ])('refuses %s by the service connection', async (_name, operation, statement) => {
    const error = await db.query(statement).then(
      () => null,
      (caught: { message: string; driverError?: { code?: string } }) => caught,
    );
    expect(error?.message).toBe(`refused is append-only: ${operation} is not allowed`);
    expect(error?.driverError?.code).toBe(AUDIT_CHANGE_REFUSED_SQLSTATE);
    expect(await refused.verify()).toMatchObject({ ok: true, count: 3 });
  });

  it('goes away with the table when a migration is reverted', async () => {
    await newLog('dropped');
    for (const statement of auditTableDropSql('dropped')) await db.query(statement);
    expect((await db.query(`SELECT to_regclass('dropped') AS t`))[0].t).toBeNull();
    expect(await db.query(`SELECT 1 FROM pg_proc WHERE proname = 'dropped_forbid_change'`)).toEqual([]);
  });
});

describe('verify, after a privileged attacker disabled the trigger', () => {
  it('finds a modified record', async () => {
    const { log } = await filledLog('tamper_modified', 6);
    await tamper('tamper_modified', `UPDATE $table SET details = details || '{"reason": "forged"}' WHERE seq = 4`);
    expect(await problems(log)).toEqual([{ seq: '4', problem: 'hash-mismatch' }]);
  });

  it('finds a change of less than a millisecond to when a record occurred', async () => {
    const { log } = await filledLog('tamper_instant', 4);
    await tamper('tamper_instant', `UPDATE $table SET occurred_at = occurred_at + interval '1 microsecond' WHERE seq = 2`);
    expect(await problems(log)).toEqual([{ seq: '2', problem: 'hash-mismatch' }]);
  });

  it('finds a deleted record in the middle', async () => {
    const { log } = await filledLog('tamper_deleted', 6);
    await tamper('tamper_deleted', 'DELETE FROM $table WHERE seq = 3');
    const verified = await log.verify();
    expect(verified.problems).toEqual([
      { seq: '3', problem: 'gap', detail: 'record 3 is missing' },
      { seq: '4', problem: 'broken-link', detail: 'record 4 does not follow record 2' },
    ]);
    expect(verified).toMatchObject({ ok: false, count: 5 });
  });

  it('finds the first records deleted', async () => {
    const { log } = await filledLog('tamper_first', 4);
    await tamper('tamper_first', 'DELETE FROM $table WHERE seq <= 2');
    expect(await problems(log)).toEqual([
      { seq: '1', problem: 'gap' },
      { seq: '3', problem: 'broken-link' },
    ]);
  });

  it('finds the last record deleted only against the exported head', async () => {
    const { log } = await filledLog('tamper_last', 6);
    const exported = await log.head();
    await tamper('tamper_last', 'DELETE FROM $table WHERE seq = 6');

    expect(await log.verify()).toMatchObject({ ok: true, count: 5, head: { seq: '5' } });
    const verified = await log.verify({ expectedHead: exported! });
    expect(verified).toMatchObject({ ok: false, count: 5 });
    expect(verified.problems).toEqual([
      { seq: '6', problem: 'truncated', detail: 'the chain ends at record 5, before the exported head 6: record 6 is missing' },
    ]);
  });

  it('accepts records appended after the exported head', async () => {
    const { log } = await filledLog('after_head', 3);
    const exported = await log.head();
    await log.append(entry(4));
    expect(await log.verify({ expectedHead: exported! })).toMatchObject({ ok: true, count: 4 });
  });

  it('finds every record deleted, against the exported head', async () => {
    const { log } = await filledLog('tamper_all', 3);
    const exported = await log.head();
    await tamper('tamper_all', 'DELETE FROM $table');
    expect(await log.verify({ expectedHead: exported! })).toEqual({
      ok: false,
      count: 0,
      head: null,
      problems: [{ seq: '1', problem: 'truncated', detail: 'the chain ends at record 0, before the exported head 3: records 1–3 are missing' }],
      problemsTruncated: false,
    });
  });

  it.each([
    ['two records apart', 2, 5, [{ seq: '2', problem: 'out-of-order' }, { seq: '3', problem: 'broken-link' }, { seq: '5', problem: 'out-of-order' }, { seq: '6', problem: 'broken-link' }]],
    ['two neighbours', 3, 4, [{ seq: '3', problem: 'out-of-order' }, { seq: '4', problem: 'out-of-order' }, { seq: '5', problem: 'broken-link' }]],
    ['the first two', 1, 2, [{ seq: '1', problem: 'out-of-order' }, { seq: '2', problem: 'out-of-order' }, { seq: '3', problem: 'broken-link' }]],
    ['the last two', 5, 6, [{ seq: '5', problem: 'out-of-order' }, { seq: '6', problem: 'out-of-order' }]],
  ])('finds %s swapped', async (_name, a, b, expected) => {
    const table = `tamper_swap_${a}_${b}`;
    const { log } = await filledLog(table, 6);
    await tamper(
      table,
      `UPDATE $table SET seq = 1000000 WHERE seq = ${a}`,
      `UPDATE $table SET seq = ${a} WHERE seq = ${b}`,
      `UPDATE $table SET seq = ${b} WHERE seq = 1000000`,
    );
    const verified = await log.verify();
    expect(verified.problems.map(({ seq, problem }) => ({ seq, problem }))).toEqual(expected);
    expect(verified.problems[0].detail).toBe(`record ${a} was written as record ${b}`);
  });

  it('finds a record rewritten with a fresh hash under the key: the next one no longer links to it', async () => {
    const { log, records } = await filledLog('tamper_rehashed', 5);
    const forged = { ...records[2], details: { reason: 'forged' } };
    await tamper(
      'tamper_rehashed',
      `UPDATE $table SET details = '{"reason": "forged"}', hash = '${computeHash(forged.prevHash, forged, KEY)}' WHERE seq = 3`,
    );
    expect(await problems(log)).toEqual([{ seq: '4', problem: 'broken-link' }]);
  });

  /**
   * Rewrites records from `from` (1-based) to the end, each hashed under `key` (none: plain sha256), with forged
   * details unless `forge` is false.
   */
  function rewrite(records: AuditRecord[], from: number, key?: Buffer, forge = true): string[] {
    const statements: string[] = [];
    let prevHash = from === 1 ? GENESIS_HASH : records[from - 2].hash;
    for (const record of records.slice(from - 1)) {
      const forged = { ...record, prevHash, details: forge ? { ...record.details, forged: true } : record.details };
      const hash = computeHash(prevHash, forged, key);
      statements.push(`UPDATE $table SET details = '${JSON.stringify(forged.details)}', prev_hash = '${prevHash}', hash = '${hash}' WHERE seq = ${record.seq}`);
      prevHash = hash;
    }
    return statements;
  }

  it('finds a chain rewritten with plain hashes by someone without the key, also with no exported head', async () => {
    const { log, records } = await filledLog('tamper_unkeyed', 5);
    await tamper('tamper_unkeyed', ...rewrite(records, 1, undefined, false));
    const verified = await log.verify();
    expect(verified).toMatchObject({ ok: false, count: 5 });
    expect(verified.problems.map(({ seq, problem }) => ({ seq, problem }))).toEqual(
      ['1', '2', '3', '4', '5'].map((seq) => ({ seq, problem: 'unkeyed' })),
    );
    expect(verified.problems[0].detail).toBe("record 1 is hashed without the service's audit key: it was not written by the service");
    // Whatever the service appends next, the rewritten records stay unverifiable.
    await log.append(entry(6));
    expect((await log.verify()).problems).toHaveLength(5);
  });

  it('finds a chain rewritten under another key', async () => {
    const { log, records } = await filledLog('tamper_other_key', 4);
    await tamper('tamper_other_key', ...rewrite(records, 2, Buffer.alloc(32, 1)));
    expect((await problems(log)).map((p) => p.problem)).toEqual(['hash-mismatch', 'hash-mismatch', 'hash-mismatch']);
  });

  it('finds a chain rewritten under the key itself (a leaked key) only against the exported head', async () => {
    const { log, records } = await filledLog('tamper_rewritten', 5);
    const exported = await log.head();
    await tamper('tamper_rewritten', ...rewrite(records, 3, KEY));

    expect(await log.verify()).toMatchObject({ ok: true, count: 5 });
    expect(await log.verify({ expectedHead: exported! })).toMatchObject({
      ok: false,
      problems: [{ seq: '5', problem: 'hash-mismatch', detail: 'record 5 differs from the exported head' }],
    });
  });

  it('lists at most maxProblems problems and says there were more', async () => {
    const { log } = await filledLog('tamper_many', 6);
    await tamper('tamper_many', `UPDATE $table SET details = '{}'`);
    expect(await log.verify({ maxProblems: 2 })).toMatchObject({ ok: false, count: 6, problemsTruncated: true, problems: [{ seq: '1' }, { seq: '2' }] });
  });
});

describe('query', () => {
  let log: AuditLog;
  let all: AuditRecord[];

  beforeAll(async () => {
    log = await newLog('queried');
    await log.appendMany(Array.from({ length: 6 }, (_, i) => entry(i + 1)));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await log.appendMany(Array.from({ length: 6 }, (_, i) => entry(i + 7)));
    await log.append(entry(13, { actor: { userId: null, username: null, roles: [], clientAddress: null }, action: 'auth.login', outcome: 'denied' }));
    all = (await log.query({ limit: 100 })).items;
  });

  it('answers newest first', () => {
    expect(all.map((record) => record.seq)).toEqual(Array.from({ length: 13 }, (_, i) => String(13 - i)));
  });

  it.each<[string, Parameters<AuditLog['query']>[0], (record: AuditRecord) => boolean]>([
    ['actor', { actor: 'u-1' }, (record) => record.actor.userId === 'u-1'],
    ['action', { action: 'auth.login' }, (record) => record.action === 'auth.login'],
    ['objectId', { objectId: 'unit-2' }, (record) => record.object.id === 'unit-2'],
    ['actor and action', { actor: 'u-2', action: 'org.unit.read' }, (record) => record.actor.userId === 'u-2' && record.action === 'org.unit.read'],
  ])('filters by %s', async (_name, filter, predicate) => {
    const expected = all.filter(predicate);
    expect(expected.length).toBeGreaterThan(0);
    expect((await log.query(filter)).items).toEqual(expected);
  });

  it('filters by time: from inclusive, to exclusive', async () => {
    const boundary = all.find((record) => record.seq === '7')!.occurredAt;
    expect(all.find((record) => record.seq === '6')!.occurredAt < boundary).toBe(true);
    expect((await log.query({ from: boundary })).items).toEqual(all.filter((record) => record.occurredAt >= boundary));
    expect((await log.query({ to: new Date(boundary) })).items).toEqual(all.filter((record) => record.occurredAt < boundary));
    expect((await log.query({ from: '2000-01-01', to: '2000-01-02' })).items).toEqual([]);
  });

  it('pages with a cursor until the last page', async () => {
    const seen: AuditRecord[] = [];
    let cursor: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await log.query({ limit: 5, cursor });
      seen.push(...page.items);
      pages += 1;
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(all);

    const filtered = await log.query({ actor: 'u-0', limit: 2 });
    const rest = await log.query({ actor: 'u-0', limit: 100, cursor: filtered.nextCursor! });
    expect([...filtered.items, ...rest.items]).toEqual(all.filter((record) => record.actor.userId === 'u-0'));
    expect(rest.nextCursor).toBeNull();
  });

  it.each([
    [{ limit: 0 }, 'limit'],
    [{ limit: 101 }, 'limit'],
    [{ limit: 1.5 }, 'limit'],
    [{ cursor: 'not-a-cursor' }, 'cursor'],
    [{ cursor: Buffer.from('{"seq":"1 OR true"}').toString('base64url') }, 'cursor'],
    [{ from: 'yesterday' }, 'from'],
    [{ actor: '' }, 'actor'],
  ])('refuses %j as a validation error', async (query, path) => {
    const error = await log.query(query).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: CommonErrorCode.ValidationFailed, extra: { errors: [{ path }] } });
  });
});
