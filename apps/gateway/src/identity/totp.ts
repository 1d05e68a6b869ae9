import { Secret, TOTP } from 'otpauth';

/** RFC 6238 TOTP (30 s, 6 digits, SHA-1: what every authenticator app reads), one step of clock drift allowed. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export function totpUri(secret: string, username: string, issuer: string): string {
  return totpFor(secret, username, issuer).toString();
}

export function verifyTotp(secret: string, code: string): boolean {
  return totpFor(secret).validate({ token: code, window: 1 }) !== null;
}

function totpFor(secret: string, label = 'user', issuer = 'political-system-records'): TOTP {
  return new TOTP({ issuer, label, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
}
