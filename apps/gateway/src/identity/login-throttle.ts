import { AuthErrorCode, DomainError } from '@contracts/common';
import type { DataSource } from 'typeorm';

export interface ThrottleLimits {
  perAccount: number;
  perAddress: number;
  windowSeconds: number;
}

/**
 * Slows brute force per account and per client address: after too many failures in the window, logins answer
 * 429 with Retry-After until the oldest counted failure leaves the window. Kept in the database so every gateway
 * replica counts the same attempts.
 */
export class LoginThrottle {
  constructor(
    private readonly db: DataSource,
    private readonly limits: ThrottleLimits,
  ) {}

  async check(username: string, clientAddress: string): Promise<void> {
    const [row] = await this.db.query(
      `SELECT
         count(*) FILTER (WHERE lower(username) = lower($1))::int AS account_failures,
         min(attempted_at) FILTER (WHERE lower(username) = lower($1)) AS account_oldest,
         count(*) FILTER (WHERE client_address = $2)::int AS address_failures,
         min(attempted_at) FILTER (WHERE client_address = $2) AS address_oldest
       FROM login_attempt
      WHERE NOT succeeded AND attempted_at > now() - make_interval(secs => $3)
        AND (lower(username) = lower($1) OR client_address = $2)`,
      [username, clientAddress, this.limits.windowSeconds],
    );
    const blockedSince =
      row.account_failures >= this.limits.perAccount
        ? row.account_oldest
        : row.address_failures >= this.limits.perAddress
          ? row.address_oldest
          : null;
    if (blockedSince) {
      const retryAfter = Math.max(1, Math.ceil((new Date(blockedSince).getTime() + this.limits.windowSeconds * 1_000 - Date.now()) / 1_000));
      throw new DomainError(AuthErrorCode.Throttled, 'Too many failed logins; try again later', { details: { retryAfterSeconds: retryAfter } });
    }
  }

  async record(username: string, clientAddress: string, succeeded: boolean): Promise<void> {
    await this.db.query('INSERT INTO login_attempt (username, client_address, succeeded) VALUES ($1, $2, $3)', [
      username.slice(0, 200),
      clientAddress,
      succeeded,
    ]);
  }
}
