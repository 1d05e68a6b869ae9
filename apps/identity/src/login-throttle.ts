import { AuthErrorCode, DomainError } from '@contracts/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';

export interface ThrottleLimits {
  /** Failures of one account from one client address before that pair answers 429. */
  perAccountAndAddress: number;
  /** Failures from one client address, over all accounts, before that address answers 429. */
  perAddress: number;
  windowSeconds: number;
  /** Failures of one account from every address before each attempt on it is delayed. */
  slowdownAfter: number;
  slowdownDelayMs: number;
  slowdownMaxDelayMs: number;
}

/**
 * How long an attempt on an account waits, given the account's failures (all addresses) in the window: nothing
 * below the threshold, then the first delay, doubling with each further failure, up to the cap.
 */
export function slowdownDelayMs(accountFailures: number, limits: Pick<ThrottleLimits, 'slowdownAfter' | 'slowdownDelayMs' | 'slowdownMaxDelayMs'>): number {
  if (accountFailures < limits.slowdownAfter) return 0;
  // Beyond 2^20 the cap has long been reached; bounding the exponent keeps the arithmetic finite.
  const doublings = Math.min(accountFailures - limits.slowdownAfter, 20);
  return Math.min(limits.slowdownMaxDelayMs, limits.slowdownDelayMs * 2 ** doublings);
}

/** Seconds until the oldest counted failure leaves the window, at least 1. */
export function retryAfterSeconds(oldestFailure: Date, windowSeconds: number, now = Date.now()): number {
  return Math.max(1, Math.ceil((oldestFailure.getTime() + windowSeconds * 1_000 - now) / 1_000));
}

/**
 * Brute force against passwords, counted in the database so every gateway replica sees the same attempts:
 *  - one account from one address: after too many failures in the window that pair answers 429 with Retry-After;
 *  - one address over all accounts: likewise;
 *  - one account over all addresses: never blocked (that would let anyone lock the account, the administrator's
 *    included), but every attempt on it waits a growing delay before its answer.
 */
export class LoginThrottle {
  constructor(
    private readonly db: DataSource,
    private readonly limits: ThrottleLimits,
    private readonly wait: (ms: number) => Promise<unknown> = sleep,
  ) {}

  /** Throws 429 when the pair or the address is over its limit, otherwise waits the account's delay, if any. */
  async admit(username: string, clientAddress: string): Promise<void> {
    const [row] = await this.db.query(
      `SELECT
         count(*) FILTER (WHERE lower(username) = lower($1))::int AS account_failures,
         count(*) FILTER (WHERE lower(username) = lower($1) AND client_address = $2)::int AS pair_failures,
         min(attempted_at) FILTER (WHERE lower(username) = lower($1) AND client_address = $2) AS pair_oldest,
         count(*) FILTER (WHERE client_address = $2)::int AS address_failures,
         min(attempted_at) FILTER (WHERE client_address = $2) AS address_oldest
       FROM login_attempt
      WHERE NOT succeeded AND attempted_at > now() - make_interval(secs => $3)
        AND (lower(username) = lower($1) OR client_address = $2)`,
      [username, clientAddress, this.limits.windowSeconds],
    );
    const blockedSince =
      row.pair_failures >= this.limits.perAccountAndAddress
        ? row.pair_oldest
        : row.address_failures >= this.limits.perAddress
          ? row.address_oldest
          : null;
    if (blockedSince) {
      throw new DomainError(AuthErrorCode.Throttled, 'Too many failed logins; try again later', {
        details: { retryAfterSeconds: retryAfterSeconds(new Date(blockedSince), this.limits.windowSeconds) },
      });
    }
    const delay = slowdownDelayMs(row.account_failures, this.limits);
    if (delay > 0) await this.wait(delay);
  }

  async record(username: string, clientAddress: string, succeeded: boolean): Promise<void> {
    await this.db.query('INSERT INTO login_attempt (username, client_address, succeeded) VALUES ($1, $2, $3)', [
      username.slice(0, 200),
      clientAddress,
      succeeded,
    ]);
  }
}
