import { AuthErrorCode, MessageHeader, RefusalError } from '@contracts/common';
import type { ArgumentsHost } from '@nestjs/common';
import type { NatsContext } from '@nestjs/microservices';
import { auditActorOf, type AuditLog } from '@platform/audit';
import { callerOf } from '@platform/auth';
import type { RpcFailureHook } from '@platform/nats';
import { auditedFailures } from './unit-of-work';

const LOGGABLE_SUBJECT = /^[a-z0-9][a-z0-9_.:-]{0,127}$/i;

/**
 * Every refused message is on record: a message without a valid caller token, a caller without the handler's
 * permission, and an object outside the caller's scope, which the caller is told does not exist. Writes record
 * their own refusals with their target (the unit of work); this records the rest.
 */
export function recordRefusals(audit: AuditLog, actionPrefix: string): RpcFailureHook {
  return async (exception: unknown, payload, host: ArgumentsHost) => {
    if (typeof exception === 'object' && exception !== null && auditedFailures.has(exception)) return;
    const refusal = exception instanceof RefusalError ? exception : null;
    const denied = payload.code === AuthErrorCode.Forbidden || payload.code === AuthErrorCode.Unauthenticated;
    if (!refusal && !denied) return;
    const nats = host.switchToRpc().getContext<NatsContext>();
    const subject = nats?.getSubject?.() ?? null;
    const caller = callerOf(nats);
    await audit.append({
      actor: caller ? auditActorOf(caller) : { userId: null, username: null, roles: [], clientAddress: null },
      action: subject && LOGGABLE_SUBJECT.test(subject) ? subject : `${actionPrefix}.unknown-subject`,
      outcome: 'denied',
      object: refusal
        ? { type: 'unit', id: refusal.objectId, unitScope: refusal.objectId }
        : { type: 'subject', id: subject, unitScope: null },
      requestId: nats?.getHeaders?.()?.get(MessageHeader.requestId) || null,
      details: { code: payload.code, reason: refusal?.reason ?? (payload.details as { reason?: string } | undefined)?.reason ?? payload.message },
    });
  };
}
