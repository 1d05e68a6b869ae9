import { AuthErrorCode, CALLER_HEADER, DomainError, hasPermission, type CallerIdentity, type Permission } from '@contracts/common';
import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { NatsContext } from '@nestjs/microservices';
import type { CallerTokenVerifier } from './caller-token';

const PERMISSION_KEY = 'platform:permission';
const PUBLIC_KEY = 'platform:public';

/** The permission a message handler (or an HTTP route) needs. Every handler declares one, or is `Unauthenticated()`. */
export const RequiresPermission = (permission: Permission) => SetMetadata(PERMISSION_KEY, permission);
/** For health probes only: the handler needs no caller. */
export const Unauthenticated = () => SetMetadata(PUBLIC_KEY, true);

export function declaredPermission(reflector: Reflector, handler: Function): Permission | undefined {
  return reflector.get<Permission>(PERMISSION_KEY, handler);
}
export function isUnauthenticated(reflector: Reflector, handler: Function): boolean {
  return reflector.get<boolean>(PUBLIC_KEY, handler) === true;
}

const callers = new WeakMap<object, CallerIdentity>();

/**
 * Services refuse messages without a caller signed by the gateway, and messages whose caller lacks the handler's
 * permission. Fails closed: a handler that declares nothing is refused.
 */
@Injectable()
export class MessageAccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: CallerTokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const handler = context.getHandler();
    if (isUnauthenticated(this.reflector, handler)) return true;
    const nats = context.switchToRpc().getContext<NatsContext>();
    const caller = await this.verifier.verify(nats?.getHeaders?.()?.get(CALLER_HEADER) || undefined);
    if (!caller) throw new DomainError(AuthErrorCode.Unauthenticated, 'The message carries no valid caller');
    const permission = declaredPermission(this.reflector, handler);
    if (!permission || !hasPermission(caller, permission)) {
      throw new DomainError(AuthErrorCode.Forbidden, permission ? `Needs ${permission}` : 'The handler declares no permission');
    }
    callers.set(nats, caller);
    return true;
  }
}

/** The verified caller of the current message. */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): CallerIdentity => {
  const caller = callers.get(context.switchToRpc().getContext());
  if (!caller) throw new DomainError(AuthErrorCode.Unauthenticated, 'No verified caller');
  return caller;
});
