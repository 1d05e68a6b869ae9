import { CALLER_TOKEN_AUDIENCE, type CallerIdentity } from '@contracts/common';
import { jwtVerify, SignJWT, type CryptoKey } from 'jose';
import { ExpiringCache } from './expiring-cache';
import { SIGNING_ALGORITHM } from './keys';

export const CALLER_TOKEN_ISSUER = 'gateway';
/** Long enough for one request and its retries; a captured header is useless soon after. */
const CALLER_TOKEN_TTL_SECONDS = 60;

/** The gateway signs who is calling into a short-lived token services can verify without a network hop. */
export class CallerTokenSigner {
  // A caller's token is reused for half its life: signing on every request costs more than the hop it rides.
  private readonly recent = new ExpiringCache<Promise<string>>(10_000);

  constructor(private readonly privateKey: CryptoKey) {}

  sign(caller: CallerIdentity, requestId: string): Promise<string> {
    const key = JSON.stringify(caller);
    const cached = this.recent.get(key);
    if (cached) return cached;
    const token = this.signNew(caller, requestId);
    this.recent.set(key, token, (CALLER_TOKEN_TTL_SECONDS * 1_000) / 2);
    token.catch(() => this.recent.clear());
    return token;
  }

  private signNew(caller: CallerIdentity, requestId: string): Promise<string> {
    return new SignJWT({ caller })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, typ: 'JWT' })
      .setIssuer(CALLER_TOKEN_ISSUER)
      .setAudience(CALLER_TOKEN_AUDIENCE)
      .setSubject(caller.userId)
      .setJti(requestId)
      .setIssuedAt()
      .setExpirationTime(`${CALLER_TOKEN_TTL_SECONDS}s`)
      .sign(this.privateKey);
  }
}

export class CallerTokenVerifier {
  // The same caller token arrives on many messages; its verification is kept until shortly before it expires.
  private readonly verified = new ExpiringCache<CallerIdentity>(10_000);

  constructor(private readonly publicKey: CryptoKey) {}

  /** The caller, or null when the token is missing, expired, tampered with or not the gateway's. */
  async verify(token: string | undefined): Promise<CallerIdentity | null> {
    if (!token) return null;
    const known = this.verified.get(token);
    if (known) return known;
    try {
      const { payload } = await jwtVerify<{ caller?: CallerIdentity }>(token, this.publicKey, {
        algorithms: [SIGNING_ALGORITHM],
        issuer: CALLER_TOKEN_ISSUER,
        audience: CALLER_TOKEN_AUDIENCE,
        clockTolerance: 5,
      });
      const caller = payload.caller;
      if (!caller || typeof caller.userId !== 'string' || caller.userId !== payload.sub || !Array.isArray(caller.roles)) {
        return null;
      }
      if (payload.exp) this.verified.set(token, caller, payload.exp * 1_000 - Date.now() - 5_000);
      return caller;
    } catch {
      return null;
    }
  }
}
