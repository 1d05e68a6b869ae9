import { AuthErrorCode, DomainError, hasPermission, type CallerIdentity } from '@contracts/common';
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { declaredAccess } from '@platform/auth';
import type { FastifyRequest } from 'fastify';
import { AUDIT_TRAIL } from '../tokens';
import type { AuditTrail } from '../audit/audit-trail';
import { recordRefusal } from '../audit/refused-requests';
import { CallerCache } from './caller-cache';
import { IdentityClient } from './identity-client';
import { AccessTokens, bearerTokenOf } from './tokens';

export interface AuthenticatedRequest extends FastifyRequest {
  caller?: CallerIdentity;
  sessionId?: string | null;
}

/**
 * Decided at the gateway (ARCHITECTURE decision 5): who is calling (our access token, or an identity provider's,
 * verified here; who it stands for, asked of identity and cached), and whether one of their roles grants the route's
 * permission somewhere. Where it applies is decided by the service that owns the object. Fails closed: a route that
 * declares nothing is refused.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(AccessTokens) private readonly tokens: AccessTokens,
    @Inject(IdentityClient) private readonly identity: IdentityClient,
    @Inject(CallerCache) private readonly callers: CallerCache,
    @Inject(AUDIT_TRAIL) private readonly audit: AuditTrail,
  ) {}

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
        await recordRefusal(this.audit, request, { reason: error.code });
      }
      throw error;
    }
  }

  private async cachedAuthenticate(request: FastifyRequest): Promise<{ caller: CallerIdentity; sessionId: string | null }> {
    const key = typeof request.headers.authorization === 'string' ? request.headers.authorization : '';
    const cached = this.callers.get(key);
    if (cached) return { caller: { ...cached.caller, clientAddress: request.ip }, sessionId: cached.sessionId };
    const token = bearerTokenOf(request.headers.authorization);
    if (!token) throw new DomainError(AuthErrorCode.Unauthenticated, 'Send an access token: Authorization: Bearer <token>');
    // Usually answered from the tokens verified a moment ago for the rate limit's key.
    const verified = await this.tokens.verify(token);
    const resolved = await this.identity.resolve(verified, String(request.id));
    this.callers.set(key, resolved, 'local' in verified ? (verified.local.expiresAt ?? 0) : verified.external.expiresAt);
    return { caller: { ...resolved.caller, clientAddress: request.ip }, sessionId: resolved.sessionId };
  }
}
