import type { DataSource } from 'typeorm';
import type { AuditEntry } from './audit-record';
import { AuditLog } from './audit-log';

/** A data source that fails the test if the log reaches it: everything here is refused before any I/O. */
const untouchable = new Proxy({} as DataSource, {
  get: (_target, property) => {
    throw new Error(`the data source was used (${String(property)})`);
  },
});

const KEY = Buffer.alloc(32, 3);
const log = new AuditLog({ dataSource: untouchable, lockKey: 1, key: KEY });

const entry = (overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  actor: { userId: 'u-1', username: 'clerk', roles: ['records_clerk'], clientAddress: null },
  action: 'org.unit.read',
  outcome: 'success',
  ...overrides,
});

describe('AuditLog', () => {
  it.each([
    [{ table: 'Audit' }, /table name/],
    [{ table: 'schema.audit_log' }, /table name/],
    [{ lockKey: 1.5 }, /lockKey/],
    [{ lockKey: Number.MAX_SAFE_INTEGER + 1 }, /lockKey/],
    [{ verifyBatchSize: 0 }, /verifyBatchSize/],
    [{ key: Buffer.alloc(16) }, /key must be at least 32 bytes/],
  ])('refuses the options %j', (options, message) => {
    expect(() => new AuditLog({ dataSource: untouchable, lockKey: 1, key: KEY, ...options })).toThrow(message);
  });

  it('appends nothing, and touches nothing, for no entries', async () => {
    await expect(log.appendMany([])).resolves.toEqual([]);
  });

  it.each<[string, Partial<AuditEntry>, RegExp]>([
    ['an action that is not a dotted name', { action: 'read units' }, /action/],
    ['an empty action', { action: '' }, /action/],
    ['an unknown outcome', { outcome: 'maybe' as never }, /outcome/],
    ['a role that is not a string', { actor: { userId: null, username: null, roles: [1 as never], clientAddress: null } }, /roles\.0/],
    ['roles that are not an array', { actor: { userId: null, username: null, roles: 'admin' as never, clientAddress: null } }, /roles/],
    ['a user id that is not a string', { actor: { userId: 7 as never, username: null, roles: [], clientAddress: null } }, /userId/],
    ['details that are an array', { details: [] as never }, /details/],
    ['details too large', { details: { text: 'x'.repeat(20_000) } }, /at most 16384/],
    ['a NUL in details', { details: { text: 'a\u0000' } }, /NUL/],
    ['a NUL in the request id', { requestId: 'a\u0000' }, /NUL/],
    ['a bigint in details', { details: { n: 1n } }, /bigint/],
  ])('refuses %s before touching the database', async (_name, overrides, message) => {
    await expect(log.append(entry(overrides))).rejects.toThrow(message);
  });

  it('refuses a malformed exported head before reading', async () => {
    await expect(log.verify({ expectedHead: { seq: '0', hash: 'f'.repeat(64) } })).rejects.toThrow(/expectedHead/);
    await expect(log.verify({ expectedHead: { seq: '3', hash: 'xyz' } })).rejects.toThrow(/expectedHead/);
  });
});
