import type { AnyRoute } from '@contracts/common';
import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { httpStatusFor, type ServiceErrorCode } from './error-mapper';
import { PROBLEM_CONTENT_TYPE } from './problem';

type JsonSchema = Record<string, unknown>;
interface ObjectSchema extends JsonSchema {
  properties?: Record<string, JsonSchema>;
  required?: string[];
}

/** The contract's zod schema as OpenAPI 3.0 JSON schema: the document and the validation never disagree. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  return nullableMembers(z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' })) as JsonSchema;
}

/**
 * zod writes a nullable union as `nullable` beside `anyOf`, but OpenAPI 3.0 reads `nullable` only beside a `type`:
 * each member carries it instead, which says the same.
 */
function nullableMembers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(nullableMembers);
  if (typeof value !== 'object' || value === null) return value;
  const { nullable, anyOf, ...rest } = value as Record<string, unknown>;
  const inner = Object.fromEntries(Object.entries(rest).map(([key, member]) => [key, nullableMembers(member)]));
  if (Array.isArray(anyOf)) {
    const members = anyOf.map(nullableMembers) as Array<Record<string, unknown>>;
    return nullable === true && rest.type === undefined
      ? { ...inner, anyOf: members.map((member) => ({ ...member, nullable: true })) }
      : { ...inner, ...(nullable === undefined ? {} : { nullable }), anyOf: members };
  }
  return nullable === undefined ? inner : { ...inner, nullable };
}

/**
 * What a service answers, as OpenAPI schema. Without `additionalProperties: false`: an answer may gain fields in a
 * later version, and clients ignore what they do not know.
 */
export function responseSchemaOf(schema: z.ZodType): JsonSchema {
  const open = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(open);
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key, inner]) => !(key === 'additionalProperties' && inner === false))
        .map(([key, inner]) => [key, open(inner)]),
    );
  };
  return open(jsonSchemaOf(schema, 'output')) as JsonSchema;
}

/** The schema without the given fields (those a path parameter fills). */
function without(schema: JsonSchema, fields: readonly string[]): JsonSchema {
  if (fields.length === 0) return schema;
  const { properties = {}, required = [], ...rest } = schema as ObjectSchema;
  const kept = required.filter((name) => !fields.includes(name));
  return {
    ...rest,
    properties: Object.fromEntries(Object.entries(properties).filter(([name]) => !fields.includes(name))),
    ...(kept.length > 0 ? { required: kept } : {}),
  };
}

export function ApiZodBody(schema: z.ZodType, description?: string) {
  return ApiBody({ schema: jsonSchemaOf(schema) as never, description, required: true });
}

/** One query parameter per field of the schema (path fields excluded). */
export function ApiZodQuery(schema: z.ZodType, exclude: string[] = []) {
  return queryParameters(jsonSchemaOf(schema), exclude);
}

function queryParameters(schema: JsonSchema, exclude: readonly string[]) {
  const json = schema as ObjectSchema;
  return applyDecorators(
    ...Object.entries(json.properties ?? {})
      .filter(([name]) => !exclude.includes(name))
      .map(([name, property]) =>
        ApiQuery({
          name,
          required: json.required?.includes(name) ?? false,
          schema: property as never,
          description: property.description as string | undefined,
        }),
      ),
  );
}

export function ApiUnitIdParam(name = 'id') {
  return ApiParam({ name, schema: { type: 'string', format: 'uuid' }, description: 'Unit id' });
}

/** Name of the problem document's schema among the document's components. */
export const PROBLEM_SCHEMA = 'Problem';

/** The RFC 9457 problem document every error answers with (components/schemas/Problem). */
export const problemSchema = {
  type: 'object',
  description: 'An RFC 9457 problem document; `code` is stable and is what clients switch on',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string', description: '`urn:problem-type:` and the code in kebab case', example: 'urn:problem-type:org-unit-not-found' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string', description: 'The request URL' },
    code: { type: 'string', example: 'ORG_UNIT_NOT_FOUND' },
    rule: { type: 'string', description: 'The DOMAIN.md rule enforced', example: 'ORG-4' },
    errors: {
      type: 'array',
      description: 'Every bad field',
      items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
    },
    details: { type: 'object', description: 'Ids or line numbers a client can act on' },
    requestId: { type: 'string', description: 'Also in the x-request-id header and in every log line' },
  },
};

/** The problems the HTTP layer answers itself, before or around any service (docs/errors.md). */
const GATEWAY_PROBLEMS: Record<number, Array<{ code: string; title: string }>> = {
  400: [{ code: 'MALFORMED_REQUEST', title: 'The request could not be read' }],
  413: [{ code: 'PAYLOAD_TOO_LARGE', title: 'The request body is too large' }],
  415: [{ code: 'UNSUPPORTED_MEDIA_TYPE', title: 'Unsupported media type' }],
  429: [{ code: 'TOO_MANY_REQUESTS', title: 'Too many requests' }],
  503: [{ code: 'SERVICE_UNAVAILABLE', title: 'Service unavailable' }],
  504: [{ code: 'SERVICE_TIMEOUT', title: 'Service timeout' }],
};

const STATUS_MEANING: Record<number, string> = {
  400: 'Invalid input; `errors` names every bad field',
  401: 'No valid access token',
  403: 'No role grants the permission this needs',
  404: 'Not found (or did not exist at `asOf`, or lies outside your scope)',
  409: 'Refused by a rule of DOMAIN.md; `rule` names it',
  413: 'Body too large',
  415: 'The body is not JSON',
  422: 'A referenced record does not exist, or the operation is not valid',
  429: 'Too many requests; retry after `Retry-After`',
  501: 'Not supported',
  503: 'The service or its database is unreachable; retry after `Retry-After`',
  504: 'The service did not answer in time',
};

/** Problem responses, each naming the codes it may carry, as `{ status: codes }`. */
function problemResponses(codesByStatus: Map<number, Set<string>>) {
  return [...codesByStatus.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, codes]) => {
      const listed = [...codes].sort();
      const schema =
        listed.length > 0
          ? { allOf: [{ $ref: `#/components/schemas/${PROBLEM_SCHEMA}` }, { type: 'object', properties: { code: { type: 'string', enum: listed } } }] }
          : { $ref: `#/components/schemas/${PROBLEM_SCHEMA}` };
      const meaning = STATUS_MEANING[status] ?? 'Problem';
      return ApiResponse({
        status,
        description: listed.length > 0 ? `${meaning}: ${listed.map((code) => `\`${code}\``).join(', ')}` : meaning,
        content: { [PROBLEM_CONTENT_TYPE]: { schema } },
      });
    });
}

function addCode(codesByStatus: Map<number, Set<string>>, status: number, code?: string): void {
  const codes = codesByStatus.get(status) ?? new Set<string>();
  if (code) codes.add(code);
  codesByStatus.set(status, codes);
}

/** The problem responses a hand-written route can give: 400, 503 and 504, plus the statuses named. */
export function ApiProblems(...statuses: number[]) {
  const codesByStatus = new Map<number, Set<string>>();
  for (const status of [400, 503, 504, ...statuses]) addCode(codesByStatus, status);
  return applyDecorators(...problemResponses(codesByStatus));
}

/** An operation of the document: what a route of a table says, or what a hand-written route says of itself. */
export interface OperationDoc {
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** Path parameters with their schemas. */
  params?: ReadonlyArray<{ name: string; schema: JsonSchema }>;
  /** Query parameters, as the JSON schema of one object. */
  query?: JsonSchema;
  body?: JsonSchema;
  success: { status: number; description: string; schema: JsonSchema };
  /** The domain errors it may answer; validation, access, rate-limit and transport problems are added. */
  errors: readonly ServiceErrorCode[];
}

/**
 * The OpenAPI entry of an operation that needs a caller: its parameters, its body, its success with the response
 * schema, and every problem it can answer (400, 401, 403, each domain error's status, 413 and 415 with a body,
 * 429, 503, 504), each with the codes it carries.
 */
export function ApiOperationDoc(doc: OperationDoc) {
  const codesByStatus = new Map<number, Set<string>>();
  const domain = ['VALIDATION_FAILED', 'AUTH_UNAUTHENTICATED', 'AUTH_FORBIDDEN', 'DEPENDENCY_UNAVAILABLE', ...doc.errors] as ServiceErrorCode[];
  for (const code of domain) addCode(codesByStatus, httpStatusFor(code).status, code);
  for (const [status, problems] of Object.entries(GATEWAY_PROBLEMS)) {
    if (!doc.body && (status === '400' || status === '413' || status === '415')) continue;
    for (const { code } of problems) addCode(codesByStatus, Number(status), code);
  }
  return applyDecorators(
    ApiTags(doc.tag),
    ApiOperation({ operationId: doc.operationId, summary: doc.summary, description: doc.description }),
    ...(doc.params ?? []).map(({ name, schema }) =>
      ApiParam({ name, required: true, schema: schema as never, description: (schema.description as string | undefined) ?? undefined }),
    ),
    ...(doc.query ? [queryParameters(doc.query, [])] : []),
    ...(doc.body ? [ApiBody({ schema: doc.body as never, required: true })] : []),
    ApiResponse({ status: doc.success.status, description: doc.success.description, content: { 'application/json': { schema: doc.success.schema } } }),
    ...problemResponses(codesByStatus),
  );
}

/** What a route of a table says about itself, as a document operation. */
export function operationDocOf(route: AnyRoute): OperationDoc {
  const request = jsonSchemaOf(route.request) as ObjectSchema;
  const fields = Object.values(route.params);
  const params = Object.entries(route.params).map(([name, field]) => ({ name, schema: request.properties?.[field] ?? { type: 'string' } }));
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: route.description,
    tag: route.tag,
    params,
    query: route.input === 'query' ? without(request, fields) : undefined,
    body: route.input === 'body' ? without(request, fields) : undefined,
    success: { status: route.status, description: route.status === 201 ? 'Created' : 'OK', schema: responseSchemaOf(route.response) },
    errors: route.errors,
  };
}

export function ApiRoute(route: AnyRoute) {
  return ApiOperationDoc(operationDocOf(route));
}
