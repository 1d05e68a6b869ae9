import { createHash } from 'node:crypto';

/**
 * The advisory-lock key a service holds for one purpose (its outbox relay, its audit chain …). PostgreSQL's
 * advisory locks are one space for the whole database, shared by every service and command connected to it, so a
 * key is derived from the pair by hash instead of being picked by hand: two services cannot collide by accident,
 * and every replica and operator command of one service computes the same key.
 *
 * 48 bits of SHA-256, signed: a safe integer (the audit log and the relay pass it as a JavaScript number) with a
 * collision chance of about n²/2⁴⁹ for n keys — nothing for the few dozen a platform holds.
 */
export function advisoryLockKey(service: string, purpose: string): number {
  if (!service || !purpose) throw new TypeError('advisoryLockKey needs a service and a purpose');
  return createHash('sha256').update(`${service}\u0000${purpose}`).digest().readIntBE(0, 6);
}

/** What the kit itself locks in every service. */
export const LockPurpose = {
  /** One publisher at a time keeps a service's events in order. */
  outbox: 'outbox-relay',
  /** Appends to the audit chain are serialised: each record hashes the one before. */
  audit: 'audit-chain',
} as const;
