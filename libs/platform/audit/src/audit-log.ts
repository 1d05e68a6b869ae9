import { randomUUID } from 'node:crypto';
import { CommonErrorCode, DEFAULT_PAGE_SIZE, DomainError, MAX_PAGE_SIZE, type Page } from '@contracts/common';
import type { DataSource, EntityManager } from 'typeorm';
import { AUDIT_OUTCOMES, GENESIS_HASH, type AuditEntry, type AuditHead, type AuditRecord } from './audit-record';
import { assertAuditTableName } from './audit-sql';
import { canonicalJson, computeHash, type HashedFields } from './hash-chain';

export interface AuditLogOptions {
  dataSource: DataSource;
  /** The audit table in the service's schema (created by statements from `auditTableSql`). */
  table?: string;
  /**
   * Key of the transaction-scoped advisory lock that serialises appends. One key per audit table, the same in
   * every replica of the service, and different from the service's other advisory locks (e.g. the outbox relay's).
   */
  lockKey: number;
  /**
   * The service's audit key (at least 32 bytes), from its configuration and never stored in the database: every
   * record's hash is an HMAC under it, so whoever can write the table but lacks the key cannot rewrite the chain.
   */
  key: Buffer;
  /** Records read per query while verifying. */
  verifyBatchSize?: number;
}

export interface AuditQuery {
  /** The actor's user id. */
  actor?: string;
  action?: string;
  /** The object's id. */
  objectId?: string;
  /** Records that occurred at or after this instant. */
  from?: string | Date;
  /** Records that occurred before this instant. */
  to?: string | Date;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /** 1 … 100, default 50. */
  limit?: number;
}

/**
 * A condition the caller adds to a query, e.g. the records of units in a scoped reader's scope: given the list of
 * parameters so far, it pushes its own and returns SQL over the table's columns.
 */
export type AuditCondition = (params: unknown[]) => string;

export type AuditProblemKind = 'hash-mismatch' | 'broken-link' | 'gap' | 'out-of-order' | 'truncated' | 'unkeyed';

export interface AuditProblem {
  /** The record the problem is about; for a gap, the first missing seq. */
  seq: string;
  problem: AuditProblemKind;
  /** The same in words, for an operator. */
  detail: string;
}

export interface VerifyOptions {
  /** A head exported earlier (`head()`): the record at its seq must still exist and still have its hash. */
  expectedHead?: { seq: string; hash: string };
  /** Problems listed at most; the rest are counted in `problemsTruncated`. Default 1000. */
  maxProblems?: number;
}

export interface VerifyResult {
  ok: boolean;
  count: number;
  head: { seq: string; hash: string } | null;
  problems: AuditProblem[];
  /** True when more problems were found than `maxProblems` lists. */
  problemsTruncated: boolean;
}

/** Longest canonical JSON of an entry's `details`. */
export const MAX_AUDIT_DETAILS_LENGTH = 16_384;

/** Rows per INSERT statement in `appendMany` (11 parameters a row, PostgreSQL takes 65,535). */
const INSERT_CHUNK = 500;
/** Mismatching records whose original position `verify` looks for; beyond it they count as hash mismatches. */
const CLASSIFY_LIMIT = 100;

const SEQ = /^[1-9][0-9]{0,18}$/;
const HASH = /^[0-9a-f]{64}$/;

const ISO_UTC_MS = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const ISO_UTC_US = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;

/**
 * The stored columns as `rowToRecord` reads them; `occurred_at` keeps its microseconds so no change hides. The
 * text form of seq has its own name: an output column named `seq` would make `ORDER BY seq` sort as text.
 */
const COLUMNS = `seq::text AS seq_text, id, to_char(occurred_at AT TIME ZONE 'UTC', ${ISO_UTC_US}) AS occurred_at, actor, action,
  object, outcome, request_id, details, prev_hash, hash`;

interface AuditRow {
  seq_text: string;
  id: string;
  occurred_at: string | null;
  actor: AuditRecord['actor'];
  action: string;
  object: AuditRecord['object'];
  outcome: AuditRecord['outcome'];
  request_id: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

type PreparedEntry = Omit<HashedFields, 'id' | 'seq' | 'occurredAt'>;

/**
 * A service's tamper-evident audit trail: an append-only table in which every record carries the hash of the one
 * before it. Appends are serialised by an advisory lock held to the end of the appending transaction, so `seq`
 * is gap-free and commit order is chain order.
 */
export class AuditLog {
  private readonly table: string;
  private readonly lockKey: number;
  private readonly key: Buffer;
  private readonly batchSize: number;

  constructor(private readonly options: AuditLogOptions) {
    this.table = assertAuditTableName(options.table ?? 'audit_log');
    if (!Number.isSafeInteger(options.lockKey)) throw new TypeError('AuditLog: lockKey must be a safe integer');
    this.lockKey = options.lockKey;
    if (!Buffer.isBuffer(options.key) || options.key.length < 32) throw new TypeError('AuditLog: key must be at least 32 bytes');
    this.key = options.key;
    this.batchSize = options.verifyBatchSize ?? 1_000;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new TypeError('AuditLog: verifyBatchSize must be ≥ 1');
  }

  /**
   * Appends one record. Given the `manager` of an open transaction, the record is part of it: it commits and rolls
   * back with the change it describes. The append lock is then held until that transaction ends, so append last,
   * just before commit. The transaction must be READ COMMITTED (PostgreSQL's default); any other isolation level is
   * refused, because its snapshot can predate the lock.
   */
  async append(entry: AuditEntry, manager?: EntityManager): Promise<AuditRecord> {
    const [record] = await this.appendMany([entry], manager);
    return record;
  }

  /** Appends several records in order, in one transaction (the caller's, when `manager` is given). */
  async appendMany(entries: readonly AuditEntry[], manager?: EntityManager): Promise<AuditRecord[]> {
    if (entries.length === 0) return [];
    const prepared = entries.map(prepareEntry);
    return this.inTransaction(manager, async (tx) => {
      // The lock first and alone: under READ COMMITTED the next statement's snapshot then sees the last commit.
      await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [this.lockKey]);
      const [state]: Array<{ seq_text: string | null; hash: string | null; now: string; isolation: string }> = await tx.query(
        `SELECT last.seq::text AS seq_text, last.hash,
                to_char(date_trunc('milliseconds', clock_timestamp()) AT TIME ZONE 'UTC', ${ISO_UTC_MS}) AS now,
                current_setting('transaction_isolation') AS isolation
         FROM (SELECT 1) AS one
         LEFT JOIN LATERAL (SELECT seq, hash FROM ${this.table} ORDER BY seq DESC LIMIT 1) AS last ON true`,
      );
      if (state.isolation !== 'read committed') {
        // A snapshot older than the lock may not see the last record: the chain would fork or the insert collide.
        throw new Error(`audit append needs a READ COMMITTED transaction, not ${state.isolation.toUpperCase()}`);
      }
      let seq = BigInt(state.seq_text ?? '0');
      let prevHash = state.hash ?? GENESIS_HASH;
      const records = prepared.map((entry): AuditRecord => {
        seq += 1n;
        const fields: HashedFields = { id: randomUUID(), seq: seq.toString(), occurredAt: state.now, ...entry };
        const hash = computeHash(prevHash, fields, this.key);
        const record: AuditRecord = { ...fields, prevHash, hash };
        prevHash = hash;
        return record;
      });
      for (let start = 0; start < records.length; start += INSERT_CHUNK) {
        await this.insert(tx, records.slice(start, start + INSERT_CHUNK));
      }
      return records;
    });
  }

  /** Records matching every given filter, newest first, a page at a time. */
  async query(query: AuditQuery = {}, condition?: AuditCondition): Promise<Page<AuditRecord>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw invalid('limit', `must be an integer from 1 to ${MAX_PAGE_SIZE}`);
    }
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (condition: (placeholder: string) => string, value: unknown) => {
      params.push(value);
      where.push(condition(`$${params.length}`));
    };
    if (query.actor !== undefined) add((p) => `actor->>'userId' = ${p}`, filterText('actor', query.actor));
    if (query.action !== undefined) add((p) => `action = ${p}`, filterText('action', query.action));
    if (query.objectId !== undefined) add((p) => `object->>'id' = ${p}`, filterText('objectId', query.objectId));
    if (query.from !== undefined) add((p) => `occurred_at >= ${p}::timestamptz`, instant('from', query.from));
    if (query.to !== undefined) add((p) => `occurred_at < ${p}::timestamptz`, instant('to', query.to));
    if (query.cursor !== undefined) add((p) => `seq < ${p}::bigint`, decodeCursor(query.cursor));
    if (condition) where.push(`(${condition(params)})`);
    params.push(limit + 1);
    const rows: AuditRow[] = await this.options.dataSource.query(
      `SELECT ${COLUMNS} FROM ${this.table} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY seq DESC LIMIT $${params.length}`,
      params,
    );
    const items = rows.slice(0, limit).map(rowToRecord);
    const nextCursor = rows.length > limit ? encodeCursor(items[items.length - 1].seq) : null;
    return { items, nextCursor };
  }

  /** The last record, to be exported and kept outside the system (anchoring); null while the log is empty. */
  async head(): Promise<AuditHead | null> {
    const [row]: Array<{ seq_text: string; hash: string; occurred_at: string }> = await this.options.dataSource.query(
      `SELECT seq::text AS seq_text, hash, to_char(occurred_at AT TIME ZONE 'UTC', ${ISO_UTC_US}) AS occurred_at
       FROM ${this.table} ORDER BY seq DESC LIMIT 1`,
    );
    return row ? { seq: row.seq_text, hash: row.hash, occurredAt: isoFromDatabase(row.occurred_at) } : null;
  }

  /**
   * Reads the whole chain in seq order, a batch at a time, and checks that seq runs 1, 2, 3 … without gaps, that
   * every record's hash matches its content and position, and that every record links to the one before. Records
   * deleted at the end, or a chain rewritten with fresh hashes, leave a consistent chain behind: only a head
   * exported earlier (`expectedHead`) shows them.
   */
  async verify(options: VerifyOptions = {}): Promise<VerifyResult> {
    const expected = options.expectedHead ? checkedHead(options.expectedHead) : null;
    const maxProblems = options.maxProblems ?? 1_000;
    const problems: AuditProblem[] = [];
    let problemsTruncated = false;
    const report = (seq: bigint, problem: AuditProblemKind, detail: string) => {
      if (problems.length < maxProblems) problems.push({ seq: seq.toString(), problem, detail });
      else problemsTruncated = true;
    };

    let count = 0;
    let classified = 0;
    let expectedSeq = 1n;
    let previous: AuditRecord | null = null;
    for (;;) {
      const rows: AuditRow[] = await this.options.dataSource.query(
        `SELECT ${COLUMNS} FROM ${this.table} ${previous ? 'WHERE seq > $2::bigint' : ''} ORDER BY seq LIMIT $1`,
        previous ? [this.batchSize, previous.seq] : [this.batchSize],
      );
      for (const row of rows) {
        const record = rowToRecord(row);
        const seq = BigInt(record.seq);
        count += 1;

        if (seq > expectedSeq) {
          report(expectedSeq, 'gap', missing(expectedSeq, seq - 1n));
        } else if (seq < expectedSeq) {
          report(seq, 'out-of-order', `record ${seq} comes before record 1`);
        }
        if (seq >= expectedSeq) expectedSeq = seq + 1n;

        let flagged = false;
        let moved = false;
        if (computeHash(record.prevHash, record, this.key) === record.hash) {
          // as written
        } else if (computeHash(record.prevHash, record) === record.hash) {
          // A plain hash is what anyone able to write the table can compute; the service never writes one.
          flagged = true;
          report(seq, 'unkeyed', `record ${seq} is hashed without the service's audit key: it was not written by the service`);
        } else {
          flagged = true;
          const written = classified < CLASSIFY_LIMIT ? await this.writtenSeq(record) : null;
          classified += 1;
          moved = written !== null && written !== seq;
          if (moved) {
            report(seq, 'out-of-order', `record ${seq} was written as record ${written}`);
          } else {
            report(seq, 'hash-mismatch', `record ${seq} was changed after it was written`);
          }
        }
        const prevHash = previous?.hash ?? GENESIS_HASH;
        // A record found elsewhere than where it was written cannot link to its new neighbour; that is one problem.
        if (record.prevHash !== prevHash && !moved) {
          report(seq, 'broken-link', `record ${seq} does not follow ${previous ? `record ${previous.seq}` : 'the start of the chain'}`);
        }
        if (expected && seq === expected.seq && record.hash !== expected.hash && !flagged) {
          report(seq, 'hash-mismatch', `record ${seq} differs from the exported head`);
        }
        previous = record;
      }
      if (rows.length < this.batchSize) break;
    }

    if (expected && expected.seq >= expectedSeq) {
      report(
        expectedSeq,
        'truncated',
        `the chain ends at record ${expectedSeq - 1n}, before the exported head ${expected.seq}: ${missing(expectedSeq, expected.seq)}`,
      );
    }
    return {
      ok: problems.length === 0 && !problemsTruncated,
      count,
      head: previous ? { seq: previous.seq, hash: previous.hash } : null,
      problems,
      problemsTruncated,
    };
  }

  /**
   * For a record whose hash does not match its position: the seq its hash proves it was written with, searched
   * near its original neighbours (found by their hashes, up to two links either way); null when the content
   * itself was changed.
   */
  private async writtenSeq(record: AuditRecord): Promise<bigint | null> {
    const candidates: bigint[] = [];
    let current = record;
    for (let hops = 1n; hops <= 2n; hops++) {
      if (current.prevHash === GENESIS_HASH) {
        candidates.push(hops);
        break;
      }
      const before = await this.findBy('hash', current.prevHash);
      if (!before) break;
      candidates.push(BigInt(before.seq) + hops);
      current = before;
    }
    current = record;
    for (let hops = 1n; hops <= 2n; hops++) {
      const after = await this.findBy('prev_hash', current.hash);
      if (!after) break;
      candidates.push(BigInt(after.seq) - hops);
      current = after;
    }
    return candidates.find((seq) => seq > 0n && computeHash(record.prevHash, { ...record, seq: seq.toString() }, this.key) === record.hash) ?? null;
  }

  private async findBy(column: 'hash' | 'prev_hash', value: string): Promise<AuditRecord | null> {
    const [row]: AuditRow[] = await this.options.dataSource.query(
      `SELECT ${COLUMNS} FROM ${this.table} WHERE ${column} = $1 ORDER BY seq LIMIT 1`,
      [value],
    );
    return row ? rowToRecord(row) : null;
  }

  private async insert(tx: EntityManager, records: AuditRecord[]): Promise<void> {
    const params: unknown[] = [];
    const values = records.map((record) => {
      const first = params.length;
      params.push(
        record.seq,
        record.id,
        record.occurredAt,
        JSON.stringify(record.actor),
        record.action,
        JSON.stringify(record.object),
        record.outcome,
        record.requestId,
        canonicalJson(record.details),
        record.prevHash,
        record.hash,
      );
      const p = (n: number) => `$${first + n}`;
      return `(${p(1)}::bigint, ${p(2)}::uuid, ${p(3)}::timestamptz, ${p(4)}::jsonb, ${p(5)}, ${p(6)}::jsonb, ${p(7)}, ${p(8)}, ${p(9)}::jsonb, ${p(10)}, ${p(11)})`;
    });
    try {
      await tx.query(
        `INSERT INTO ${this.table} (seq, id, occurred_at, actor, action, object, outcome, request_id, details, prev_hash, hash)
         VALUES ${values.join(', ')}`,
        params,
      );
    } catch (error) {
      type PgError = { code?: string; constraint?: string };
      const driver: PgError = (error as { driverError?: PgError }).driverError ?? (error as PgError);
      if (driver.code === '23505' && driver.constraint === `${this.table}_pkey`) {
        throw new Error(
          `audit append to ${this.table} found its seq taken: every writer of a table must use the same lockKey`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  private async inTransaction<T>(manager: EntityManager | undefined, work: (tx: EntityManager) => Promise<T>): Promise<T> {
    if (manager?.queryRunner?.isTransactionActive) return work(manager);
    return manager ? manager.transaction(work) : this.options.dataSource.transaction(work);
  }
}

/** Checks an entry and gives it its stored shape: exactly the record's fields, `details` as JSON data. */
function prepareEntry(entry: AuditEntry): PreparedEntry {
  const { actor } = entry;
  if (!actor || typeof actor !== 'object') throw new TypeError('audit entry: actor is required');
  if (!Array.isArray(actor.roles)) throw new TypeError('audit entry: actor.roles must be an array');
  if (typeof entry.action !== 'string' || !/^[a-z0-9][a-z0-9_.:-]{0,127}$/i.test(entry.action)) {
    throw new TypeError(`audit entry: action "${String(entry.action)}" must be a dotted name like org.unit.read`);
  }
  if (!AUDIT_OUTCOMES.includes(entry.outcome)) {
    throw new TypeError(`audit entry: outcome must be one of ${AUDIT_OUTCOMES.join(', ')}`);
  }
  const details = entry.details ?? {};
  if (typeof details !== 'object' || details === null || Array.isArray(details)) {
    throw new TypeError('audit entry: details must be an object');
  }
  const detailsJson = canonicalJson(details);
  if (detailsJson.length > MAX_AUDIT_DETAILS_LENGTH) {
    throw new TypeError(`audit entry: details take ${detailsJson.length} characters as JSON, at most ${MAX_AUDIT_DETAILS_LENGTH}`);
  }
  if (detailsJson.includes('\\u0000')) throw new TypeError('audit entry: details contain a NUL character');
  return {
    actor: {
      userId: text(actor.userId, 'actor.userId'),
      username: text(actor.username, 'actor.username'),
      roles: actor.roles.map((role: unknown, index) => {
        if (typeof role !== 'string') throw new TypeError(`audit entry: actor.roles.${index} must be a string`);
        return text(role, `actor.roles.${index}`) as string;
      }),
      clientAddress: text(actor.clientAddress, 'actor.clientAddress'),
    },
    action: entry.action,
    object: {
      type: text(entry.object?.type, 'object.type'),
      id: text(entry.object?.id, 'object.id'),
      unitScope: text(entry.object?.unitScope, 'object.unitScope'),
    },
    outcome: entry.outcome,
    requestId: text(entry.requestId, 'requestId'),
    details: JSON.parse(detailsJson) as Record<string, unknown>,
  };
}

function text(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new TypeError(`audit entry: ${field} must be a string or null`);
  if (value.length > 1_000) throw new TypeError(`audit entry: ${field} is longer than 1000 characters`);
  if (value.includes('\u0000')) throw new TypeError(`audit entry: ${field} contains a NUL character`);
  return value;
}

function rowToRecord(row: AuditRow): AuditRecord {
  return {
    id: row.id,
    seq: row.seq_text,
    occurredAt: isoFromDatabase(row.occurred_at),
    actor: row.actor,
    action: row.action,
    object: row.object,
    outcome: row.outcome,
    requestId: row.request_id,
    details: row.details,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** `…12.345000Z` → `…12.345Z`; a value with microseconds keeps them, so it cannot match a hash written in ms. */
function isoFromDatabase(value: string | null): string {
  return value === null ? '' : value.replace(/(\.\d{3})000Z$/, '$1Z');
}

function missing(from: bigint, to: bigint): string {
  return from === to ? `record ${from} is missing` : `records ${from}–${to} are missing`;
}

function checkedHead(head: { seq: string; hash: string }): { seq: bigint; hash: string } {
  if (typeof head.seq !== 'string' || !SEQ.test(head.seq) || typeof head.hash !== 'string' || !HASH.test(head.hash)) {
    throw new TypeError('verify: expectedHead must be { seq: "<positive integer>", hash: "<64 hex digits>" }');
  }
  return { seq: BigInt(head.seq), hash: head.hash };
}

function invalid(path: string, message: string): DomainError<CommonErrorCode> {
  return new DomainError(CommonErrorCode.ValidationFailed, `Invalid audit query: ${path} ${message}`, {
    errors: [{ path, message }],
  });
}

function filterText(path: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 1_000 || value.includes('\u0000')) {
    throw invalid(path, 'must be a non-empty string of at most 1000 characters');
  }
  return value;
}

function instant(path: string, value: unknown): string {
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) throw invalid(path, 'must be an ISO 8601 date or date-time');
  return date.toISOString();
}

function encodeCursor(seq: string): string {
  return Buffer.from(JSON.stringify({ seq })).toString('base64url');
}

function decodeCursor(cursor: unknown): string {
  try {
    const value: unknown = typeof cursor === 'string' ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) : null;
    const seq = (value as { seq?: unknown } | null)?.seq;
    if (typeof seq === 'string' && SEQ.test(seq)) return seq;
  } catch {
    // falls through to the validation error below
  }
  throw invalid('cursor', 'is not one this log issued');
}
