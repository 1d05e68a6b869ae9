import { AuthErrorCode, DomainError, hasPermission, todayIso, type CallerIdentity } from '@contracts/common';
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { declaredAccess } from '@platform/auth';
import { recentCallers } from './identity-cache';
import type { FastifyRequest } from 'fastify';
import { AUDIT_TRAIL, GATEWAY_CONFIG } from '../tokens';
import type { GatewayConfig } from '../config';
import type { AuditTrail } from '../audit/audit-trail';
import { IdentityStore } from './identity-store';
import { markRefusalRecorded } from '../audit/refused-requests';
import { AccessTokens, bearerTokenOf } from './tokens';

export interface AuthenticatedRequest extends FastifyRequest {
  caller?: CallerIdentity;
  sessionId?: string | null;
}

/**
 * Decided at the gateway (ARCHITECTURE decision 5): who is calling (our access token, or an identity provider's),
 * and whether one of their roles grants the route's permission somewhere. Where it applies is decided by the
 * service that owns the object. Fails closed: a route that declares nothing is refused.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(AccessTokens) private readonly tokens: AccessTokens,
    @Inject(IdentityStore) private readonly store: IdentityStore,
    @Inject(AUDIT_TRAIL) private readonly audit: AuditTrail,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  private get cacheMs(): number {
    return this.config.IDENTITY_CACHE_SECONDS * 1_000;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = declaredAccess(this.reflector, context.getHandler(), context.getClass());
    if (access?.kind === 'public') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    try {
      const { caller, sessionId } = await this.cachedAuthenticate(request);
      request.caller = caller;
      request.sessionId = sessionId;
      if (!access) throw new DomainError(AuthErrorCode.Forbidden, 'This route declares no permission');
      if (access.kind === 'permission' && !hasPermission(caller, access.permission)) {
        throw new DomainError(AuthErrorCode.Forbidden, `This needs the permission ${access.permission}`);
      }
      return true;
    } catch (error) {
      if (error instanceof DomainError) {
        markRefusalRecorded(request);
        await this.audit.record({
          action: `http.${request.method.toLowerCase()}`,
          outcome: 'denied',
          actor: {
            userId: request.caller?.userId ?? null,
            username: request.caller?.username ?? null,
            roles: request.caller?.roles.map((r) => r.role) ?? [],
            clientAddress: request.ip,
          },
          object: { type: 'route', id: request.routeOptions?.url ?? request.url, unitScope: null },
          requestId: String(request.id),
          details: { reason: error.code },
        });
      }
      throw error;
    }
  }

  private async cachedAuthenticate(request: FastifyRequest): Promise<{ caller: CallerIdentity; sessionId: string | null }> {
    const key = typeof request.headers.authorization === 'string' ? request.headers.authorization : '';
    const cached = key ? recentCallers.get(key) : undefined;
    if (cached) return { caller: { ...cached.caller, clientAddress: request.ip }, sessionId: cached.sessionId };
    const { expiresAt, ...fresh } = await this.authenticate(request);
    // Never past the token's own expiry.
    if (key && this.cacheMs > 0) recentCallers.set(key, fresh, Math.min(this.cacheMs, expiresAt - Date.now()));
    return fresh;
  }

  private async authenticate(request: FastifyRequest): Promise<{ caller: CallerIdentity; sessionId: string | null; expiresAt: number }> {
    const token = bearerTokenOf(request.headers.authorization);
    if (!token) throw new DomainError(AuthErrorCode.Unauthenticated, 'Send an access token: Authorization: Bearer <token>');
    // Usually answered from the tokens verified a moment ago for the rate limit's key.
    const verified = await this.tokens.verify(token);
    const userId =
      'local' in verified
        ? verified.local.userId
        : (await this.store.userByExternal(verified.external.issuer, verified.external.subject, verified.external.username))?.id;
    const sessionId = 'local' in verified ? verified.local.sessionId : null;
    const found = userId ? await this.store.callerOf(userId, sessionId, todayIso()) : null;
    if (!found || found.user.status !== 'active') {
      throw new DomainError(AuthErrorCode.Unauthenticated, 'The account does not exist or is disabled');
    }
    if (!found.sessionOpen) throw new DomainError(AuthErrorCode.Unauthenticated, 'The session has ended');
    const caller: CallerIdentity = {
      userId: found.user.id,
      username: found.user.username,
      roles: found.roles,
      clearance: found.user.clearance,
      clientAddress: request.ip,
    };
    const expiresAt = 'local' in verified ? (verified.local.expiresAt ?? 0) : verified.external.expiresAt;
    return { caller, sessionId, expiresAt };
  }
}
