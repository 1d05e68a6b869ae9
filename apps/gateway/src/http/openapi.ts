import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { PROBLEM_CONTENT_TYPE } from './problem';

type JsonSchema = Record<string, unknown>;

/** The contract's zod schema as OpenAPI 3.0 JSON schema: the document and the validation never disagree. */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

export function ApiZodBody(schema: z.ZodType, description?: string) {
  return ApiBody({ schema: jsonSchemaOf(schema) as never, description });
}

/** One query parameter per field of the schema (path fields excluded). */
export function ApiZodQuery(schema: z.ZodObject, exclude: string[] = []) {
  const json = jsonSchemaOf(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
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

const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string', example: 'urn:problem-type:org-unit-not-found' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    code: { type: 'string', example: 'ORG_UNIT_NOT_FOUND' },
    rule: { type: 'string', example: 'ORG-4' },
    errors: {
      type: 'array',
      items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
    },
    requestId: { type: 'string' },
  },
};

/** The problem responses every route can give, plus the ones named. */
export function ApiProblems(...statuses: number[]) {
  const all = [...new Set([400, 503, 504, ...statuses])].sort();
  const description: Record<number, string> = {
    400: 'Invalid input; `errors` names every bad field',
    404: 'Not found (or did not exist at `asOf`)',
    409: 'Refused by a rule of DOMAIN.md; `rule` names it',
    413: 'Body too large',
    422: 'A referenced record does not exist, or the operation is not valid',
    503: 'The service is unreachable',
    504: 'The service did not answer in time',
  };
  return applyDecorators(
    ...all.map((status) =>
      ApiResponse({ status, description: description[status] ?? 'Problem', content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } } }),
    ),
  );
}
