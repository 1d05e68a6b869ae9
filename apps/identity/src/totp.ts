import { Secret, TOTP } from 'otpauth';

/** RFC 6238 TOTP (30 s, 6 digits, SHA-1: what every authenticator app reads), one step of clock drift allowed. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export function totpUri(secret: string, username: string, issuer: string): string {
  return totpFor(secret, username, issuer).toString();
}

/**
 * The time step (30-s periods since the epoch) whose code `code` is, within a step either side of `now`, or null
 * when it is none of them. Callers accept a step only once (RFC 6238 §5.2): see `IdentityStore.acceptTotpStep`.
 */
export function totpStep(secret: string, code: string, now = Date.now()): number | null {
  const totp = totpFor(secret);
  const delta = totp.validate({ token: code, timestamp: now, window: 1 });
  return delta === null ? null : totp.counter({ timestamp: now }) + delta;
}

function totpFor(secret: string, label = 'user', issuer = 'political-system-records'): TOTP {
  return new TOTP({ issuer, label, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
}
