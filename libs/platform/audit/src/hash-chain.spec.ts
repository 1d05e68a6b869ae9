import { createHash } from 'node:crypto';
import { GENESIS_HASH, type AuditRecord } from './audit-record';
import { canonicalJson, computeHash, hasValidHash, type HashedFields } from './hash-chain';

const fields = (overrides: Partial<HashedFields> = {}): HashedFields => ({
  id: '0b6c3c55-1c37-4f7e-9d0f-6a1f2f9b4c11',
  seq: '1',
  occurredAt: '2025-07-01T08:30:00.123Z',
  actor: { userId: 'u-1', username: 'clerk', roles: ['records_clerk'], clientAddress: '10.0.0.7' },
  action: 'org.unit.read',
  object: { type: 'unit', id: 'a3f1', unitScope: 'TU-BN' },
  outcome: 'success',
  requestId: 'req-1',
  details: { asOf: '2025-07-01' },
  ...overrides,
});

/** A chain of `n` records built the way the log builds them. */
function chain(n: number): AuditRecord[] {
  const records: AuditRecord[] = [];
  let prevHash = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const record = fields({ seq: String(i), id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, details: { i } });
    const hash = computeHash(prevHash, record);
    records.push({ ...record, prevHash, hash });
    prevHash = hash;
  }
  return records;
}

describe('canonicalJson', () => {
  it('sorts object keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('gives the same text whatever order the keys were written in', () => {
    expect(canonicalJson({ x: 1, y: { p: 'q', o: 'n' } })).toBe(canonicalJson({ y: { o: 'n', p: 'q' }, x: 1 }));
  });

  it('sorts keys by UTF-16 code units, as RFC 8785 does', () => {
    expect(canonicalJson({ é: 1, z: 2, Z: 3, '10': 4, '9': 5 })).toBe('{"10":4,"9":5,"Z":3,"z":2,"é":1}');
  });

  it('escapes strings and formats numbers as JSON.stringify does', () => {
    expect(canonicalJson({ s: 'Đảng ủy "x"\n', n: 1e21, f: 0.1 + 0.2, z: -0 })).toBe(
      '{"f":0.30000000000000004,"n":1e+21,"s":"Đảng ủy \\"x\\"\\n","z":0}',
    );
  });

  it('equals the canonical form of its own JSON round trip (what a jsonb column gives back)', () => {
    const value = {
      when: new Date('2025-07-01T00:00:00Z'),
      skip: undefined,
      list: [1, undefined, () => 1, Number.NaN, Infinity],
      nested: { fn: () => 1, ok: true },
    };
    expect(canonicalJson(value)).toBe('{"list":[1,null,null,null,null],"nested":{"ok":true},"when":"2025-07-01T00:00:00.000Z"}');
    expect(canonicalJson(JSON.parse(JSON.stringify(value)))).toBe(canonicalJson(value));
  });

  it('refuses values without a JSON form', () => {
    expect(() => canonicalJson({ n: 1n })).toThrow(/bigint/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cycle/);
    expect(() => canonicalJson(undefined)).toThrow(/no JSON form/);
  });

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { a: 1 };
    expect(canonicalJson({ x: shared, y: [shared] })).toBe('{"x":{"a":1},"y":[{"a":1}]}');
  });
});

describe('computeHash', () => {
  it('is sha256 hex over prevHash, a newline and the canonical fields', () => {
    const record = fields();
    const expected = createHash('sha256')
      .update(
        `${GENESIS_HASH}\n{"action":"org.unit.read","actor":{"clientAddress":"10.0.0.7","roles":["records_clerk"],"userId":"u-1",` +
          `"username":"clerk"},"details":{"asOf":"2025-07-01"},"id":"0b6c3c55-1c37-4f7e-9d0f-6a1f2f9b4c11",` +
          `"object":{"id":"a3f1","type":"unit","unitScope":"TU-BN"},"occurredAt":"2025-07-01T08:30:00.123Z",` +
          `"outcome":"success","requestId":"req-1","seq":"1"}`,
      )
      .digest('hex');
    expect(computeHash(GENESIS_HASH, record)).toBe(expected);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ignores the order of keys and any prevHash or hash already on the record', () => {
    const record = fields();
    const reordered = JSON.parse(canonicalJson(record)) as HashedFields;
    expect(computeHash(GENESIS_HASH, { ...reordered, prevHash: 'x', hash: 'y' } as HashedFields)).toBe(computeHash(GENESIS_HASH, record));
  });

  it.each<[string, Partial<HashedFields>]>([
    ['seq', { seq: '2' }],
    ['id', { id: '0b6c3c55-1c37-4f7e-9d0f-6a1f2f9b4c12' }],
    ['occurredAt', { occurredAt: '2025-07-01T08:30:00.124Z' }],
    ['actor', { actor: { userId: 'u-2', username: 'clerk', roles: ['records_clerk'], clientAddress: '10.0.0.7' } }],
    ['actor roles order', { actor: { userId: 'u-1', username: 'clerk', roles: ['a', 'b'], clientAddress: '10.0.0.7' } }],
    ['action', { action: 'org.unit.update' }],
    ['object', { object: { type: 'unit', id: 'a3f2', unitScope: 'TU-BN' } }],
    ['outcome', { outcome: 'denied' }],
    ['requestId', { requestId: null }],
    ['details', { details: { asOf: '2025-07-02' } }],
    ['an added detail', { details: { asOf: '2025-07-01', extra: true } }],
  ])('changes when %s changes', (_name, change) => {
    expect(computeHash(GENESIS_HASH, fields(change))).not.toBe(computeHash(GENESIS_HASH, fields()));
  });

  it('changes with the previous hash, which is what chains the records', () => {
    expect(computeHash('1'.repeat(64), fields())).not.toBe(computeHash(GENESIS_HASH, fields()));
  });

  it('separates roles that would concatenate to the same text', () => {
    const a = fields({ actor: { userId: null, username: null, roles: ['ab', 'c'], clientAddress: null } });
    const b = fields({ actor: { userId: null, username: null, roles: ['a', 'bc'], clientAddress: null } });
    expect(computeHash(GENESIS_HASH, a)).not.toBe(computeHash(GENESIS_HASH, b));
  });
});

describe('a chain', () => {
  it('starts at the genesis hash and links every record to the one before', () => {
    const records = chain(5);
    expect(records[0].prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < records.length; i++) expect(records[i].prevHash).toBe(records[i - 1].hash);
    expect(records.every((record) => hasValidHash(record))).toBe(true);
  });

  it('shows a changed record: its own hash no longer matches', () => {
    const records = chain(3);
    const tampered = { ...records[1], details: { i: 99 } };
    expect(hasValidHash(tampered)).toBe(false);
  });

  it('shows a record moved to another seq', () => {
    const records = chain(3);
    expect(hasValidHash({ ...records[0], seq: '3' })).toBe(false);
  });

  it('shows a record rewritten with a fresh hash: the next one no longer links to it', () => {
    const records = chain(3);
    const rewritten = { ...records[1], details: { i: 99 } };
    rewritten.hash = computeHash(rewritten.prevHash, rewritten);
    expect(hasValidHash(rewritten)).toBe(true);
    expect(records[2].prevHash).not.toBe(rewritten.hash);
  });
});
