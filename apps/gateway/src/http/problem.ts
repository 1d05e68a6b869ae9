import type { FieldError } from '@contracts/common';

/** RFC 9457 problem details, with the service's stable error code and every field error. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code: string;
  rule?: string;
  errors?: FieldError[];
  requestId?: string;
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
/**
 * Cache-Control of every API answer and every problem: they carry tokens, or data only the caller may see, and
 * must not be kept by a browser or a shared cache.
 */
export const NO_STORE = 'no-store';

/** A problem the gateway answers with; thrown anywhere in a request, rendered by the problem filter. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly extensions: { rule?: string; errors?: FieldError[]; details?: Record<string, unknown>; retryAfterSeconds?: number } = {},
  ) {
    super(detail ?? title);
    this.name = 'HttpProblem';
  }

  /** `instance` is the request's URL; unknown when the HTTP parser refused the request before reading it whole. */
  toDocument(instance: string | undefined, requestId: string): ProblemDocument {
    const { rule, errors, details } = this.extensions;
    return {
      type: problemType(this.code),
      title: this.title,
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(instance !== undefined ? { instance } : {}),
      code: this.code,
      ...(rule ? { rule } : {}),
      ...(errors && errors.length > 0 ? { errors } : {}),
      ...(details ? { details } : {}),
      requestId,
    };
  }
}

/** Problem types are URNs named after the error code: stable, and documented in docs/errors.md. */
export function problemType(code: string): string {
  return `urn:problem-type:${code.toLowerCase().replace(/_/g, '-')}`;
}
