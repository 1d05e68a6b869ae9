import { CommonErrorCode, toFieldErrors } from '@contracts/common';
import type { z } from 'zod';
import { HttpProblem } from './problem';

/** Validates request input against a contract schema; a failure is a 400 naming every bad field. */
export function validate<Schema extends z.ZodType>(schema: Schema, input: unknown, where: 'body' | 'query' | 'path' = 'query'): z.infer<Schema> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new HttpProblem(400, CommonErrorCode.ValidationFailed, 'The request is invalid', `Invalid ${where}`, {
      errors: toFieldErrors(result.error),
    });
  }
  return result.data;
}
