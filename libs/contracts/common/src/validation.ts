import type { z } from 'zod';
import type { FieldError } from './errors';

/** Every problem zod found, as `{path, message}` pairs a client can show next to its fields. */
export function toFieldErrors(error: z.ZodError, prefix: readonly (string | number)[] = []): FieldError[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path].map(String).join('.'),
    message: issue.message,
  }));
}

/** PostgreSQL text cannot hold U+0000; refusing it here keeps such input a 400 rather than a database error. */
export const NO_NUL = /^[^\u0000]*$/;
