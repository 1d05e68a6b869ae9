import { AuthErrorCode, CALLER_HEADER, DomainError, hasPermission, type CallerIdentity, type Permission } from '@contracts/common';
import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Inject,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { NatsContext } from '@nestjs/microservices';
import { currentRequestContext } from '@platform/logging';
import { messageBodyOf } from '@platform/nats';
import { CallerTokenVerifier, type CallerTokenRefusal } from './caller-token';

const ACCESS_KEY = 'platform:access';

/** What a route or message handler needs; every one declares exactly one of these. */
export type DeclaredAccess = { kind: 'public' } | { kind: 'authenticated' } | { kind: 'permission'; permission: Permission };

/** The permission a message handler or HTTP route needs. */
export const RequiresPermission = (permission: Permission) => SetMetadata(ACCESS_KEY, { kind: 'permission', permission });
/** Any authenticated caller (their own profile, logout). */
export const Authenticated = () => SetMetadata(ACCESS_KEY, { kind: 'authenticated' });
/** No caller needed: login, health probes, the API description. */
export const Unauthenticated = () => SetMetadata(ACCESS_KEY, { kind: 'public' });

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- Nest hands handlers over as plain functions
export function declaredAccess(reflector: Reflector, handler: Function, controller?: Function): DeclaredAccess | undefined {
  return reflector.getAllAndOverride<DeclaredAccess>(ACCESS_KEY, controller ? [handler, controller] : [handler]);
}

const callers = new WeakMap<object, CallerIdentity>();

/** The verified caller of a message, once the guard let it through. */
export function callerOf(context: NatsContext | undefined): CallerIdentity | undefined {
  return context ? callers.get(context) : undefined;
}

const REFUSALS: Record<CallerTokenRefusal, string> = {
  missing: 'The message carries no caller token',
  malformed: 'The caller token is malformed',
  forged: 'The caller token was not issued by the gateway for this service',
  'other-service': 'The caller token is for another service',
  'other-subject': 'The caller token was issued for another subject',
  'other-payload': 'The caller token was issued for another payload',
  expired: 'The caller token has expired',
  replayed: 'The caller token was already used',
};

/**
 * Services refuse messages without a caller token the gateway issued for exactly this message (this service, this
 * subject, this payload, once, in time), and messages whose caller lacks the handler's permission. Fails closed: a
 * handler that declares nothing is refused.
 */
@Injectable()
export class MessageAccessGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(CallerTokenVerifier) private readonly verifier: CallerTokenVerifier,
  ) {}

  /** Each handler's declaration (by handler, then controller), read from the metadata once, not on every message. */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- Nest hands handlers over as plain functions
  private readonly declared = new WeakMap<Function, WeakMap<Function, DeclaredAccess | null>>();

  canActivate(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    const controller = context.getClass();
    let byController = this.declared.get(handler);
    if (!byController) this.declared.set(handler, (byController = new WeakMap()));
    let access = byController.get(controller);
    if (access === undefined) {
      access = declaredAccess(this.reflector, handler, controller) ?? null;
      byController.set(controller, access);
    }
    if (access?.kind === 'public') return true;
    const nats = context.switchToRpc().getContext<NatsContext>();
    const check = this.verifier.verify(nats?.getHeaders?.()?.get(CALLER_HEADER) || undefined, {
      subject: nats?.getSubject?.() ?? '',
      body: messageBodyOf(nats),
    });
    if (!check.ok) {
      throw new DomainError(AuthErrorCode.Unauthenticated, REFUSALS[check.reason], { details: { reason: check.reason } });
    }
    const caller = check.caller;
    // Known from here on, so a refusal below is recorded with who was refused.
    callers.set(nats, caller);
    if (!access) throw new DomainError(AuthErrorCode.Forbidden, 'The handler declares no permission');
    if (access.kind === 'permission' && !hasPermission(caller, access.permission)) {
      throw new DomainError(AuthErrorCode.Forbidden, `Needs ${access.permission}`);
    }
    // What the handler and everything below it sees as `currentCall()`.
    const request = currentRequestContext();
    if (request) calls.set(request, { caller, subject: nats.getSubject() });
    return true;
  }
}

/** The verified caller of the current message. */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): CallerIdentity => {
  const caller = callers.get(context.switchToRpc().getContext());
  if (!caller) throw new DomainError(AuthErrorCode.Unauthenticated, 'No verified caller');
  return caller;
});

interface CallContext {
  caller: CallerIdentity;
  subject: string;
}
/** Kept against the message's request context (@platform/logging), which PlatformNatsServer opens for each message. */
const calls = new WeakMap<object, CallContext>();

/** The verified caller and subject of the message being handled, anywhere below the guard (audit, logs). */
export function currentCall(): CallContext | undefined {
  const request = currentRequestContext();
  return request ? calls.get(request) : undefined;
}
