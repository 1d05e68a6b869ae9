import { AuthErrorCode, DomainError, type AnyRoute, type CallerIdentity, type Permission, type RouteRequest, type RouteResponse } from '@contracts/common';
import {
  applyDecorators,
  type CallHandler,
  createParamDecorator,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
  Optional,
  SetMetadata,
  UseInterceptors,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { MessagePattern, type NatsContext } from '@nestjs/microservices';
import { parsePayload } from '@platform/nats';
import type { Observable } from 'rxjs';
import { callerOf, RequiresPermission } from './message-guard';

/** What a service provides so its handlers get their caller's scope: where a caller holds a permission. */
export interface ScopePort<Scope> {
  of(caller: CallerIdentity, permission: Permission): Promise<Scope>;
}

/** What a route's handler gets besides its request: the verified caller, and their scope for the route's permission. */
export interface RouteCall<Scope> {
  caller: CallerIdentity;
  scope: Scope;
}

/** The handler a route's decorator accepts: the route's request in, the route's response out. */
export type RouteHandler<R extends AnyRoute, Scope> = (request: RouteRequest<R>, call: RouteCall<Scope>) => Promise<RouteResponse<R>> | RouteResponse<R>;

const ROUTE_KEY = 'platform:route';

/** `@HandlesRoute(route)` for one kind of scope. */
export type RouteDecorator<Scope> = <R extends AnyRoute>(
  route: R,
) => (target: object, key: string | symbol, descriptor: { value?: RouteHandler<R, Scope> }) => void;

/** The route a message handler is bound to, if it is bound to one. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- Nest hands handlers over as plain functions
export function boundRoute(reflector: Reflector, handler: Function): AnyRoute | undefined {
  return reflector.get<AnyRoute | undefined>(ROUTE_KEY, handler);
}

/** Each message's parsed request and call, from the interceptor to the handler's arguments. */
const prepared = new WeakMap<object, { request: unknown; call: RouteCall<unknown> }>();

const PreparedArgument = createParamDecorator((part: 'request' | 'call', context: ExecutionContext) => {
  const found = prepared.get(context.switchToRpc().getContext<NatsContext>());
  if (!found) throw new DomainError(AuthErrorCode.Unauthenticated, 'No verified caller');
  return found[part];
});

/**
 * The decorator a service binds its message handlers to their routes with. `@HandlesRoute(route)` answers the
 * route's subject, requires its permission (checked by MessageAccessGuard), parses the payload with its request
 * schema, and calls the handler with the parsed request and `{ caller, scope }`, the scope being the caller's for
 * the route's permission, from the service's `scopes` port, so a handler cannot work with another permission's
 * scope. The compiler holds the handler to the route's request and response types.
 */
export function createRouteDecorator<Scope>(scopes: abstract new (...args: never[]) => ScopePort<Scope>): RouteDecorator<Scope>;
/** With a port a service may leave out (a token it may not provide): the scope is then null. */
export function createRouteDecorator<Scope>(scopes: symbol, options: { optional: true }): RouteDecorator<Scope | null>;
export function createRouteDecorator<Scope>(scopes: symbol | (abstract new (...args: never[]) => ScopePort<Scope>), options: { optional?: boolean } = {}) {
  const optional = options.optional ? Optional() : () => undefined;

  @Injectable()
  class RouteCallInterceptor implements NestInterceptor {
    constructor(
      @Inject(Reflector) private readonly reflector: Reflector,
      @optional @Inject(scopes) private readonly port: ScopePort<Scope> | null,
    ) {}

    async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
      const route = boundRoute(this.reflector, context.getHandler());
      const rpc = context.switchToRpc();
      const nats = rpc.getContext<NatsContext>();
      const caller = callerOf(nats);
      if (!route || !caller) throw new DomainError(AuthErrorCode.Unauthenticated, 'No verified caller');
      // The payload first: a malformed request costs no scope lookup.
      const request = parsePayload(route.request, rpc.getData());
      prepared.set(nats, { request, call: { caller, scope: this.port ? await this.port.of(caller, route.permission) : null } });
      return next.handle();
    }
  }

  return function HandlesRoute<R extends AnyRoute>(route: R) {
    // Only `value` is typed: a handler taking what the route sends and returning what it answers (or less general) fits.
    return (target: object, key: string | symbol, descriptor: { value?: RouteHandler<R, Scope | null> }): void => {
      applyDecorators(
        MessagePattern(route.subject),
        RequiresPermission(route.permission),
        SetMetadata(ROUTE_KEY, route),
        UseInterceptors(RouteCallInterceptor),
      )(target, key, descriptor);
      PreparedArgument('request')(target, key, 0);
      PreparedArgument('call')(target, key, 1);
    };
  };
}
