/** Who did it, as the gateway authenticated them. A system job has no user: `userId` and `username` are null. */
export interface AuditActor {
  userId: string | null;
  username: string | null;
  roles: string[];
  /** The client's address as the gateway saw it. */
  clientAddress: string | null;
}

/** The actor of a record made for an authenticated caller (a user, their roles, their client address). */
export function auditActorOf(caller: {
  userId: string;
  username: string;
  roles: ReadonlyArray<{ role: string }>;
  clientAddress: string | null;
}): AuditActor {
  return { userId: caller.userId, username: caller.username, roles: caller.roles.map((r) => r.role), clientAddress: caller.clientAddress };
}

/** What it was done to; every part is null when the action has no object (e.g. `auth.login`). */
export interface AuditObject {
  type: string | null;
  id: string | null;
  /** The organisation unit whose scope the object falls in, for scoped access reviews. */
  unitScope: string | null;
}

export type AuditOutcome = 'success' | 'denied' | 'failure';

export const AUDIT_OUTCOMES: readonly AuditOutcome[] = ['success', 'denied', 'failure'];

/** One stored record of the audit trail. Records are only ever appended; `hash` chains each to the one before. */
export interface AuditRecord {
  id: string;
  /** Position in the service's chain: 1, 2, 3 … without gaps. A bigint, carried as a decimal string. */
  seq: string;
  /** When the record was written, by the database clock, ISO 8601 in UTC with milliseconds. */
  occurredAt: string;
  actor: AuditActor;
  /** Dotted name of what happened, e.g. `auth.login`, `org.unit.read`, `org.restructuring.apply`. */
  action: string;
  object: AuditObject;
  outcome: AuditOutcome;
  requestId: string | null;
  /** A few facts about the action (ids, counts, a reason); kept small. */
  details: Record<string, unknown>;
  /** `hash` of the previous record; {@link GENESIS_HASH} for the first one. */
  prevHash: string;
  /** sha256, hex, over `prevHash` and every other field (see `computeHash`). */
  hash: string;
}

/** What a caller appends; the log assigns `id`, `seq`, `occurredAt`, `prevHash` and `hash`. */
export interface AuditEntry {
  actor: AuditActor;
  action: string;
  object?: Partial<AuditObject>;
  outcome: AuditOutcome;
  requestId?: string | null;
  details?: Record<string, unknown>;
}

/** The chain's last record, exported to be kept outside the system and given back to `verify`. */
export interface AuditHead {
  seq: string;
  hash: string;
  occurredAt: string;
}

/** `prevHash` of the first record: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);
