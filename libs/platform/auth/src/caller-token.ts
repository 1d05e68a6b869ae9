import type { CallerIdentity } from '@contracts/common';
import { createHmac, createSecretKey, hash, hkdfSync, type KeyObject, randomUUID, timingSafeEqual } from 'node:crypto';

/**
 * Who is calling, as the gateway tells a service, bound to one request: the service it is for, the NATS subject, a
 * SHA-256 of the exact message body, a single-use id and an expiry a few seconds away. A token captured from one
 * message is useless on another subject, with another payload, twice, or later.
 *
 * Authenticated with HMAC-SHA256 under a key the gateway derives for each service from its own secret (HKDF), so a
 * service holds the key for tokens addressed to it and no other: it cannot mint tokens for another service. HMAC
 * rather than a signature per request: an Ed25519 signature and its verification cost ~250 µs a request here, the
 * HMAC pair ~15 µs (docs/performance.md); every request now carries a token of its own.
 */
const VERSION = 'v1';
/** Allowed difference between the gateway's clock and a service's. */
const CLOCK_TOLERANCE_SECONDS = 5;

interface CallerClaims {
  caller: CallerIdentity;
  /** The service the token is for. */
  aud: string;
  /** The NATS subject of the request. */
  subj: string;
  /** base64url SHA-256 of the message body. */
  bh: string;
  jti: string;
  iat: number;
  exp: number;
}

/** The key a service checks its caller tokens with; only the gateway holds the secret it is derived from. */
export function callerTokenKey(secret: Buffer, service: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `political-system-records caller token for ${service}`, 32));
}

export function bodyDigest(body: Uint8Array | string): string {
  // One-shot hash: a quarter of createHash's cost on bodies this small.
  return hash('sha256', body, 'base64url');
}

/** Keys are KeyObjects made once: createHmac given raw key bytes imports them again on every call. */
function mac(key: KeyObject, payload: string): Buffer {
  return createHmac('sha256', key).update(`${VERSION}.${payload}`).digest();
}

export class CallerTokenSigner {
  private readonly keys = new Map<string, KeyObject>();

  constructor(
    private readonly secret: Buffer,
    /** How long a token stays valid: the request's timeout and a little more. */
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  sign(caller: CallerIdentity, request: { service: string; subject: string; body: Uint8Array | string }): string {
    let key = this.keys.get(request.service);
    if (!key) {
      key = createSecretKey(callerTokenKey(this.secret, request.service));
      this.keys.set(request.service, key);
    }
    const iat = Math.floor(this.now() / 1_000);
    const claims: CallerClaims = {
      caller,
      aud: request.service,
      subj: request.subject,
      bh: bodyDigest(request.body),
      jti: randomUUID(),
      iat,
      exp: iat + this.ttlSeconds,
    };
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${VERSION}.${payload}.${mac(key, payload).toString('base64url')}`;
  }
}

export type CallerTokenRefusal = 'missing' | 'malformed' | 'forged' | 'other-service' | 'other-subject' | 'other-payload' | 'expired' | 'replayed';

export type CallerTokenCheck = { ok: true; caller: CallerIdentity } | { ok: false; reason: CallerTokenRefusal };

export class CallerTokenVerifier {
  /** Ids of the tokens already used, until they expire: a token works once. */
  private readonly used = new Map<string, number>();
  private nextSweep = 0;
  private readonly key: KeyObject;

  constructor(
    key: Buffer,
    private readonly service: string,
    private readonly now: () => number = Date.now,
  ) {
    this.key = createSecretKey(key);
  }

  verify(token: string | undefined, message: { subject: string; body: Uint8Array | string }): CallerTokenCheck {
    if (!token) return { ok: false, reason: 'missing' };
    const [version, payload, signature, ...rest] = token.split('.');
    if (version !== VERSION || !payload || !signature || rest.length > 0) return { ok: false, reason: 'malformed' };
    const expected = mac(this.key, payload);
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'forged' };
    let claims: CallerClaims;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if (!isCaller(claims?.caller) || typeof claims.jti !== 'string' || !Number.isFinite(claims.exp) || !Number.isFinite(claims.iat)) {
      return { ok: false, reason: 'malformed' };
    }
    if (claims.aud !== this.service) return { ok: false, reason: 'other-service' };
    if (claims.subj !== message.subject) return { ok: false, reason: 'other-subject' };
    if (claims.bh !== bodyDigest(message.body)) return { ok: false, reason: 'other-payload' };
    const nowMs = this.now();
    const seconds = nowMs / 1_000;
    if (claims.exp + CLOCK_TOLERANCE_SECONDS <= seconds || claims.iat - CLOCK_TOLERANCE_SECONDS > seconds) {
      return { ok: false, reason: 'expired' };
    }
    this.sweep(nowMs);
    if (this.used.has(claims.jti)) return { ok: false, reason: 'replayed' };
    this.used.set(claims.jti, (claims.exp + CLOCK_TOLERANCE_SECONDS) * 1_000);
    return { ok: true, caller: claims.caller };
  }

  /** Forgets used ids once their tokens have expired, at most once a second. */
  private sweep(nowMs: number): void {
    if (nowMs < this.nextSweep) return;
    this.nextSweep = nowMs + 1_000;
    for (const [jti, expiresAt] of this.used) if (expiresAt <= nowMs) this.used.delete(jti);
  }
}

function isCaller(value: unknown): value is CallerIdentity {
  const caller = value as CallerIdentity | undefined;
  return (
    typeof caller === 'object' &&
    caller !== null &&
    typeof caller.userId === 'string' &&
    typeof caller.username === 'string' &&
    Array.isArray(caller.roles) &&
    caller.roles.every((role) => typeof role?.role === 'string' && (role.unitId === null || typeof role.unitId === 'string'))
  );
}
