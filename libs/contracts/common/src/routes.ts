import { z } from 'zod';
import type { Permission } from './access';
import type { DeclaredErrorCode } from './errors';

/*
 * A route is stated once, in its service's contracts: the HTTP operation the gateway serves, the subject the
 * service answers, the request the service receives, what it answers, who may call it and which domain errors it
 * may give. The gateway registers, validates, documents and forwards it from this statement; the service binds its
 * handler to the same object; the authorisation matrix test iterates the tables.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Where the request's fields come from besides the path: the query string, a JSON body, or nowhere. Path
 * parameters are merged into them (the path wins) and the whole is validated with the route's `request` schema.
 */
export type RouteInput = 'query' | 'body' | 'none';

type RequestField<Request extends z.ZodType> = Extract<keyof z.input<Request>, string>;

export interface RouteSpec<Subject extends string, Request extends z.ZodType, Response extends z.ZodType, Code extends DeclaredErrorCode> {
  /** Unique across the platform; the OpenAPI operationId. */
  operationId: string;
  /** One line for the OpenAPI document. */
  summary: string;
  description?: string;
  /** The OpenAPI tag grouping it. */
  tag: string;
  method: HttpMethod;
  /** The HTTP path, with parameters in braces: `/api/v1/org/units/{id}`. */
  path: string;
  /** Each path parameter and the request field it fills (`{ id: 'unitId' }`). */
  params?: Readonly<Record<string, RequestField<Request>>>;
  input: RouteInput;
  /** The NATS subject the service answers. */
  subject: Subject;
  /** The payload the service receives: path parameters merged into the query or body. */
  request: Request;
  /** What the service answers on success. */
  response: Response;
  /** The success status; 201 for POST and 200 otherwise unless given. */
  status?: 200 | 201;
  permission: Permission;
  /** The domain errors the service may answer (validation, access and transport failures are every route's). */
  errors: readonly Code[];
}

export interface Route<
  Subject extends string = string,
  Request extends z.ZodType = z.ZodType,
  Response extends z.ZodType = z.ZodType,
  Code extends DeclaredErrorCode = DeclaredErrorCode,
> extends Readonly<Omit<RouteSpec<Subject, Request, Response, Code>, 'params' | 'status'>> {
  readonly params: Readonly<Record<string, string>>;
  readonly status: 200 | 201;
}

export type AnyRoute = Route<string, z.ZodType, z.ZodType, DeclaredErrorCode>;

/** The payload a route's service receives (after validation: defaults applied, text normalised). */
export type RouteRequest<R extends AnyRoute> = z.output<R['request']>;
/** What a route's service answers. */
export type RouteResponse<R extends AnyRoute> = z.output<R['response']>;

const PATH_PARAMETER = /\{([^}]+)\}/g;

/** The names of a path's parameters, in order. */
export function pathParameters(path: string): string[] {
  return [...path.matchAll(PATH_PARAMETER)].map((match) => match[1]);
}

/** States a route; refuses, when the table is loaded, a path whose parameters the route does not map. */
export function defineRoute<
  const Subject extends string,
  Request extends z.ZodType,
  Response extends z.ZodType,
  const Code extends DeclaredErrorCode = never,
>(spec: RouteSpec<Subject, Request, Response, Code>): Route<Subject, Request, Response, Code> {
  const params: Readonly<Record<string, string>> = spec.params ?? {};
  const inPath = pathParameters(spec.path).sort();
  const mapped = Object.keys(params).sort();
  if (inPath.join() !== mapped.join()) {
    throw new Error(`route ${spec.operationId}: the path ${spec.path} has parameters [${inPath}], the route maps [${mapped}]`);
  }
  return Object.freeze({ ...spec, params, status: spec.status ?? (spec.method === 'POST' ? 201 : 200) });
}

/**
 * What is wrong with a table of routes, for its tests: path parameters that fill no field of the request, a query
 * route whose request is not one flat object, an operationId, method and path or subject stated twice.
 */
export function routeTableProblems(routes: readonly AnyRoute[]): string[] {
  const problems: string[] = [];
  const seen = (what: string, values: string[]) => {
    const twice = values.filter((value, index) => values.indexOf(value) !== index);
    for (const value of new Set(twice)) problems.push(`${what} ${value} is stated twice`);
  };
  seen('operationId', routes.map((route) => route.operationId));
  seen('route', routes.map((route) => `${route.method} ${route.path}`));
  seen('subject', routes.map((route) => route.subject));
  for (const route of routes) {
    const shape = route.request instanceof z.ZodObject ? (route.request.shape as Record<string, unknown>) : null;
    for (const [param, field] of Object.entries(route.params)) {
      if (!shape || !(field in shape)) problems.push(`${route.operationId}: path parameter ${param} fills ${field}, which its request lacks`);
    }
    if (route.input !== 'body' && !shape) problems.push(`${route.operationId}: a ${route.input} request must be one object of fields`);
    if (route.input === 'body' && route.method === 'GET') problems.push(`${route.operationId}: a GET has no body`);
  }
  return problems;
}
