import { AuthErrorCode, DomainError } from '@contracts/common';
import { IdentitySubject, type ResolvedCaller, type SessionGrant } from '@contracts/identity';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@platform/logging';
import { ServiceReplyError } from '@platform/nats';
import type { AuditEvent, AuditTrail } from '../audit/audit-trail';
import type { CallContext } from '../http/call-context';
import { ServiceClient } from '../messaging/service-client';
import { GATEWAY_LOGGER } from '../tokens';
import { CallerCache } from './caller-cache';
import type { VerifiedToken } from './tokens';

/**
 * The identity service as the gateway uses it: who a verified token stands for, sessions, and the changes to users
 * and roles the admin routes forward. After a change it forwarded, this replica forgets the callers concerned at
 * once; the others forget them when identity's event reaches them.
 */
@Injectable()
export class IdentityClient implements AuditTrail {
  constructor(
    @Inject(ServiceClient) private readonly services: ServiceClient,
    @Inject(CallerCache) private readonly cache: CallerCache,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
  ) {}

  resolve(token: VerifiedToken, requestId: string): Promise<ResolvedCaller> {
    const message =
      'local' in token
        ? { kind: 'local' as const, userId: token.local.userId, sessionId: token.local.sessionId }
        : { kind: 'external' as const, issuer: token.external.issuer, subject: token.external.subject, username: token.external.username };
    return this.services.sendWithoutCaller<ResolvedCaller>(IdentitySubject.callerResolve, message, requestId).catch((error: unknown) => {
      // Identity's refusal is the gateway's: the access guard answers and records it like its own.
      if (error instanceof ServiceReplyError && error.payload.code === AuthErrorCode.Unauthenticated) {
        throw new DomainError(AuthErrorCode.Unauthenticated, error.payload.message);
      }
      throw error;
    });
  }

  /** Login, refresh and second-factor enrolment: before a caller exists, with the client's address. */
  session<T = SessionGrant>(subject: string, body: object, clientAddress: string, requestId: string): Promise<T> {
    return this.services.sendWithoutCaller<T>(subject, { ...body, clientAddress }, requestId);
  }

  query<T>(subject: string, payload: unknown, call: CallContext): Promise<T> {
    return this.services.send<T>(subject, payload, call);
  }

  /** A change to users, roles or sessions; `userIds` are the callers it concerns (every one when unknown). */
  async change<T>(subject: string, payload: unknown, call: CallContext, userIds?: readonly string[]): Promise<T> {
    const result = await this.services.send<T>(subject, payload, call);
    if (userIds) this.cache.forgetUsers(userIds);
    else this.cache.forgetAll();
    return result;
  }

  /**
   * A refusal the gateway made, for identity's chain. A refusal stands even when it cannot be recorded (identity
   * unreachable): that is logged as an error, never turned into another answer.
   */
  async record(event: AuditEvent): Promise<void> {
    await this.services
      .sendWithoutCaller(
        IdentitySubject.gatewayRefusal,
        {
          action: event.action,
          actor: event.actor,
          object: { type: event.object.type, id: event.object.id },
          details: event.details,
        },
        event.requestId ?? undefined,
      )
      .catch((error: Error) => this.logger.error({ err: error.message, action: event.action }, 'a refusal could not be put on record'));
  }
}
