import { createHash, createHmac } from 'node:crypto';
import type { AuditRecord } from './audit-record';

/**
 * JSON with object keys sorted (by UTF-16 code units) at every level, no whitespace, and JSON.stringify's own
 * string escaping and number formatting: for JSON data this is the JSON Canonicalization Scheme (RFC 8785).
 * Values JSON.stringify leaves out are left out the same way (`undefined`, functions and symbols as object
 * members; as array items they become `null`), `toJSON` is honoured (dates), and non-finite numbers become
 * `null`, so the canonical form of a value equals the canonical form of `JSON.parse(JSON.stringify(value))`: what
 * a jsonb column gives back hashes the same as what was written. A bigint or a cycle throws.
 */
export function canonicalJson(value: unknown): string {
  const text = canonical(value, new Set());
  if (text === undefined) throw new TypeError('canonicalJson: the value has no JSON form');
  return text;
}

function canonical(value: unknown, seen: Set<object>): string | undefined {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  if (value instanceof Number || value instanceof String || value instanceof Boolean) value = value.valueOf();
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'bigint':
      throw new TypeError('canonicalJson: a bigint has no JSON form; pass it as a string');
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return 'null';
  const object = value as object;
  if (seen.has(object)) throw new TypeError('canonicalJson: the value contains a cycle');
  seen.add(object);
  try {
    if (Array.isArray(object)) {
      return `[${Array.from(object, (item) => canonical(item, seen) ?? 'null').join(',')}]`;
    }
    const members: string[] = [];
    for (const key of Object.keys(object).sort()) {
      const member = canonical((object as Record<string, unknown>)[key], seen);
      if (member !== undefined) members.push(`${JSON.stringify(key)}:${member}`);
    }
    return `{${members.join(',')}}`;
  } finally {
    seen.delete(object);
  }
}

/** The fields a record's hash covers besides `prevHash` (which leads the hashed text). */
export type HashedFields = Omit<AuditRecord, 'prevHash' | 'hash'>;

/**
 * HMAC-SHA256 under the service's audit key (with no key: plain sha256, what verification recognises as forged), hex,
 * over `prevHash + '\n' + canonicalJson(fields)`, where `fields` are exactly the record's id, seq, occurredAt,
 * actor, action, object, outcome, requestId and details. Anything else on `record` (its own `prevHash` and `hash`
 * when a stored record is passed) is ignored. Keyed, a chain cannot be rewritten by anyone who can write the table
 * but does not hold the key, which the database never sees.
 */
export function computeHash(prevHash: string, record: HashedFields, key?: Buffer): string {
  const fields = {
    id: record.id,
    seq: record.seq,
    occurredAt: record.occurredAt,
    actor: record.actor,
    action: record.action,
    object: record.object,
    outcome: record.outcome,
    requestId: record.requestId,
    details: record.details,
  };
  const text = `${prevHash}\n${canonicalJson(fields)}`;
  return (key ? createHmac('sha256', key) : createHash('sha256')).update(text, 'utf8').digest('hex');
}

/** True when a stored record's `hash` is the hash of its own fields after its own `prevHash` (under `key`). */
export function hasValidHash(record: AuditRecord, key?: Buffer): boolean {
  return computeHash(record.prevHash, record, key) === record.hash;
}
