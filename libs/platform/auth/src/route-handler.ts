import { AuthErrorCode, DomainError, type AnyRoute, type CallerIdentity, type Permission, type RouteRequest, type RouteResponse } from '@contracts/common';
import {
  applyDecorators,
  createParamDecorator,
  type ExecutionContext,
  Inject,
  Injectable,
  Optional,
  type PipeTransform,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { MessagePattern, type NatsContext } from '@nestjs/microservices';
import { parsePayload } from '@platform/nats';
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

/** What a handler argument is made from: the message's context, data and route. */
interface MessageParts {
  nats: NatsContext;
  data: unknown;
  route: AnyRoute | undefined;
}

const MessageArgument = createParamDecorator((_part: 'request' | 'call', context: ExecutionContext): MessageParts => {
  const rpc = context.switchToRpc();
  return { nats: rpc.getContext<NatsContext>(), data: rpc.getData(), route: Reflect.getMetadata(ROUTE_KEY, context.getHandler()) as AnyRoute | undefined };
});

/**
 * Each message's parsed request and call, made once for both of the handler's arguments (Nest resolves them side by
 * side): the payload first, so a malformed request costs no scope lookup.
 */
const prepared = new WeakMap<object, Promise<{ request: unknown; call: RouteCall<unknown> }>>();

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

  /**
   * A pipe rather than an interceptor: an interceptor wraps every message in an RxJS pipeline of its own, which the
   * service's message path does without (docs/performance.md).
   */
  @Injectable()
  class RouteArgumentPipe implements PipeTransform<MessageParts, Promise<unknown>> {
    constructor(@optional @Inject(scopes) private readonly port: ScopePort<Scope> | null) {}

    async transform(parts: MessageParts, metadata: { data?: unknown }): Promise<unknown> {
      let preparation = prepared.get(parts.nats);
      if (!preparation) {
        preparation = this.prepare(parts);
        prepared.set(parts.nats, preparation);
      }
      const { request, call } = await preparation;
      return metadata.data === 'request' ? request : call;
    }

    private async prepare({ nats, data, route }: MessageParts) {
      const caller = callerOf(nats);
      if (!route || !caller) throw new DomainError(AuthErrorCode.Unauthenticated, 'No verified caller');
      const request = parsePayload(route.request, data);
      return { request, call: { caller, scope: this.port ? await this.port.of(caller, route.permission) : null } as RouteCall<unknown> };
    }
  }

  return function HandlesRoute<R extends AnyRoute>(route: R) {
    // Only `value` is typed: a handler taking what the route sends and returning what it answers (or less general) fits.
    return (target: object, key: string | symbol, descriptor: { value?: RouteHandler<R, Scope | null> }): void => {
      applyDecorators(
        MessagePattern(route.subject),
        RequiresPermission(route.permission),
        SetMetadata(ROUTE_KEY, route),
      )(target, key, descriptor);
      MessageArgument('request', RouteArgumentPipe)(target, key, 0);
      MessageArgument('call', RouteArgumentPipe)(target, key, 1);
    };
  };
}
