import { CommonErrorCode, type AnyRoute, type RouteRequest } from '@contracts/common';
import { applyDecorators, Controller, Delete, Get, HttpCode, Inject, Patch, Post, Put, Req, type Type } from '@nestjs/common';
import { RequiresPermission } from '@platform/auth';
import type { FastifyRequest } from 'fastify';
import { ServiceClient } from '../messaging/service-client';
import { callContextOf } from './call-context';
import { ApiRoute } from './openapi';
import { HttpProblem } from './problem';
import { validate } from './validation';

const METHOD_DECORATORS = { GET: Get, POST: Post, PUT: Put, PATCH: Patch, DELETE: Delete } as const;

/** `/api/v1/org/units/{id}` as Nest writes it: `/api/v1/org/units/:id`. */
export function nestPath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ':$1');
}

/** Path parameters are merged into the body, which must be a JSON object. */
function asObject(body: unknown): Record<string, unknown> {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as Record<string, unknown>;
  throw new HttpProblem(400, CommonErrorCode.ValidationFailed, 'The request is invalid', 'Invalid body', {
    errors: [{ path: '', message: 'the body must be a JSON object' }],
  });
}

/**
 * The payload a route's service receives: the path parameters merged into the query or the body (the path wins),
 * validated with the route's request schema. A failure is a 400 naming every bad field.
 */
export function requestOf<R extends AnyRoute>(route: R, http: Pick<FastifyRequest, 'params' | 'query' | 'body'>): RouteRequest<R> {
  const params = (http.params ?? {}) as Record<string, string>;
  const path = Object.fromEntries(Object.entries(route.params).map(([name, field]) => [field, params[name]]));
  switch (route.input) {
    case 'query':
      return validate<R['request']>(route.request, { ...(http.query as Record<string, unknown>), ...path });
    case 'body':
      return validate<R['request']>(route.request, Object.keys(path).length > 0 ? { ...asObject(http.body), ...path } : http.body, 'body');
    case 'none':
      return validate<R['request']>(route.request, path, 'path');
  }
}

/**
 * A controller serving routes of the tables by forwarding them to their services, built at startup. Each route
 * becomes a method with Nest's route, status and permission metadata and its OpenAPI entry applied as decorators
 * would apply them, so the access guard, the problem filter and the rate limit treat it as any other route.
 */
export function forwardingController(name: string, routes: readonly AnyRoute[]): Type<unknown> {
  @Controller()
  class ForwardingController {
    constructor(@Inject(ServiceClient) readonly services: ServiceClient) {}
  }
  for (const route of routes) {
    const handler = function (this: ForwardingController, http: FastifyRequest) {
      return this.services.call(route, requestOf(route, http), callContextOf(http));
    };
    Object.defineProperty(ForwardingController.prototype, route.operationId, { value: handler, writable: true, configurable: true });
    const descriptor = Object.getOwnPropertyDescriptor(ForwardingController.prototype, route.operationId)!;
    applyDecorators(
      METHOD_DECORATORS[route.method](nestPath(route.path)),
      HttpCode(route.status),
      RequiresPermission(route.permission),
      ApiRoute(route),
    )(ForwardingController.prototype, route.operationId, descriptor);
    Req()(ForwardingController.prototype, route.operationId, 0);
  }
  Object.defineProperty(ForwardingController, 'name', { value: name });
  return ForwardingController;
}
