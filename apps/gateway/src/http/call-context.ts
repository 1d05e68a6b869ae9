import { AuthErrorCode, DomainError, type CallerIdentity } from '@contracts/common';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from '../identity/access.guard';

/** What a request forwards to a service: its id and its authenticated caller. */
export interface CallContext {
  requestId: string;
  caller: CallerIdentity;
  sessionId: string | null;
}

export const Call = createParamDecorator((_data: unknown, context: ExecutionContext): CallContext => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.caller) throw new DomainError(AuthErrorCode.Unauthenticated, 'No authenticated caller');
  return { requestId: String(request.id), caller: request.caller, sessionId: request.sessionId ?? null };
});
