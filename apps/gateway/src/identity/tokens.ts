import { AuthErrorCode, DomainError } from '@contracts/common';
import { ExpiringCache, SIGNING_ALGORITHM } from '@platform/auth';
import { createRemoteJWKSet, jwtVerify, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { randomUUID } from 'node:crypto';

export interface AccessClaims {
  userId: string;
  /** When the token stops being valid (ms since the epoch); absent when issuing. */
  expiresAt?: number;
  /** The refresh-token family (session) the token belongs to; logout revokes it. */
  sessionId: string | null;
}

export interface ExternalClaims {
  expiresAt: number;
  issuer: string;
  subject: string;
  username: string | null;
}

export type VerifiedToken = { local: AccessClaims } | { external: ExternalClaims };

/** The token of an `Authorization: Bearer <token>` header, or null when the header is anything else. */
export function bearerTokenOf(header: unknown): string | null {
  const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9._~+/=-]{10,4096})$/.exec(header) : null;
  return match ? match[1]! : null;
}

/** Verified tokens are kept until a second before they expire, at most this many. */
const VERIFIED_TOKENS_KEPT = 10_000;
const VERIFIED_TOKEN_MARGIN_MS = 1_000;

/**
 * Access tokens: short-lived JWTs signed with the gateway's Ed25519 key. Verification pins the algorithm and
 * checks exp, nbf, iss and aud, so an `alg: none` or HS256 token signed with the public key never passes.
 * A request's token is verified by the rate limit's key and again by the access guard: tokens that verified are
 * remembered (never those that failed), so the signature is checked once per token, not twice per request.
 * Signatures say nothing about revocation, which the guard checks against the session on its own.
 */
export class AccessTokens {
  private readonly externalKeys;
  private readonly verified: ExpiringCache<VerifiedToken>;

  constructor(
    private readonly keys: { privateKey: CryptoKey; publicKey: CryptoKey },
    private readonly options: {
      issuer: string;
      audience: string;
      ttlSeconds: number;
      oidc?: { issuer: string; jwksUrl: string; audience: string; usernameClaim: string };
    },
    private readonly now: () => number = Date.now,
  ) {
    this.externalKeys = options.oidc ? createRemoteJWKSet(new URL(options.oidc.jwksUrl), { timeoutDuration: 3_000 }) : null;
    this.verified = new ExpiringCache(VERIFIED_TOKENS_KEPT, now);
  }

  issue(claims: AccessClaims): Promise<{ token: string; expiresIn: number }> {
    return new SignJWT({ sid: claims.sessionId ?? undefined })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, typ: 'at+jwt' })
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setSubject(claims.userId)
      .setJti(randomUUID())
      .setIssuedAt()
      .setNotBefore('0s')
      .setExpirationTime(`${this.options.ttlSeconds}s`)
      .sign(this.keys.privateKey)
      .then((token) => ({ token, expiresIn: this.options.ttlSeconds }));
  }

  /** Our own token → its claims; a provider's token → the external identity; anything else → 401. */
  async verify(token: string): Promise<VerifiedToken> {
    const known = this.verified.get(token);
    if (known) return known;
    const verified = await this.verifySignature(token);
    const expiresAt = 'local' in verified ? (verified.local.expiresAt ?? 0) : verified.external.expiresAt;
    this.verified.set(token, verified, expiresAt - VERIFIED_TOKEN_MARGIN_MS - this.now());
    return verified;
  }

  private async verifySignature(token: string): Promise<VerifiedToken> {
    const issuer = peekIssuer(token);
    if (this.externalKeys && this.options.oidc && issuer === this.options.oidc.issuer) {
      const { payload } = await jwtVerify(token, this.externalKeys, {
        issuer: this.options.oidc.issuer,
        audience: this.options.oidc.audience || undefined,
        algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'],
        clockTolerance: 5,
      }).catch(() => unauthenticated());
      const username = payload[this.options.oidc.usernameClaim];
      if (!payload.sub) unauthenticated();
      return {
        external: {
          issuer: this.options.oidc.issuer,
          subject: payload.sub as string,
          username: typeof username === 'string' ? username : null,
          expiresAt: (payload.exp ?? 0) * 1_000,
        },
      };
    }
    const { payload } = await jwtVerify<JWTPayload & { sid?: string }>(token, this.keys.publicKey, {
      issuer: this.options.issuer,
      audience: this.options.audience,
      algorithms: [SIGNING_ALGORITHM],
      clockTolerance: 5,
    }).catch(() => unauthenticated());
    if (!payload.sub) unauthenticated();
    return { local: { userId: payload.sub as string, sessionId: payload.sid ?? null, expiresAt: (payload.exp ?? 0) * 1_000 } };
  }
}

function peekIssuer(token: string): string | null {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return typeof payload?.iss === 'string' ? payload.iss : null;
  } catch {
    return null;
  }
}

function unauthenticated(): never {
  throw new DomainError(AuthErrorCode.Unauthenticated, 'The access token is missing, invalid or expired');
}
