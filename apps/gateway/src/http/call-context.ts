import { AuthErrorCode, DomainError, type CallerIdentity } from '@contracts/common';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from '../identity/access.guard';

/** What a request forwards to a service: its id and its authenticated caller. */
export interface CallContext {
  requestId: string;
  caller: CallerIdentity;
  sessionId: string | null;
}

/** The call context of a request the access guard let through. */
export function callContextOf(request: AuthenticatedRequest): CallContext {
  if (!request.caller) throw new DomainError(AuthErrorCode.Unauthenticated, 'No authenticated caller');
  return { requestId: String(request.id), caller: request.caller, sessionId: request.sessionId ?? null };
}

export const Call = createParamDecorator((_data: unknown, context: ExecutionContext): CallContext =>
  callContextOf(context.switchToHttp().getRequest<AuthenticatedRequest>()),
);
