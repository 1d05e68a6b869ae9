import { createRouteDecorator, type RouteCall } from '@platform/auth';
import { Scopes, type Scope } from './domain/scope';

/** Binds a message handler to its route in contracts, with the caller's scope for the route's permission. */
export const HandlesRoute = createRouteDecorator(Scopes);

/** What a handler gets besides its request. */
export type OrgCall = RouteCall<Scope>;
