import {
  AUTH_ERRORS,
  COMMON_ERRORS,
  type DeclaredErrorCode,
  type ErrorCatalogue,
  type ErrorSpec,
  type ServiceErrorPayload,
} from '@contracts/common';
import { IDENTITY_ERRORS } from '@contracts/identity';
import { ORG_ERRORS } from '@contracts/org-structure';
import { ServiceReplyError, ServiceTimeoutError, ServiceUnavailableError } from '@platform/nats';
import { HttpProblem } from './problem';

/**
 * Every declared code with its status and title (ARCHITECTURE decision 6), read from each contracts lib's catalogue.
 * A contracts lib that declares its catalogue (DeclaredErrorCatalogues) but is missing here fails to compile.
 */
export const ERROR_CATALOGUE = {
  ...COMMON_ERRORS,
  ...AUTH_ERRORS,
  ...IDENTITY_ERRORS,
  ...ORG_ERRORS,
} as const satisfies ErrorCatalogue<DeclaredErrorCode>;

/** Every error code any service can answer with. */
export type ServiceErrorCode = keyof typeof ERROR_CATALOGUE;

export function httpStatusFor(code: ServiceErrorCode): ErrorSpec {
  return ERROR_CATALOGUE[code];
}

function isDeclared(code: string): code is ServiceErrorCode {
  return Object.hasOwn(ERROR_CATALOGUE, code);
}

export function problemFromServiceError(payload: ServiceErrorPayload): HttpProblem {
  if (!isDeclared(payload.code)) {
    return new HttpProblem(502, 'UNKNOWN_SERVICE_ERROR', 'The service answered with an unknown error', payload.message);
  }
  const { status, title } = httpStatusFor(payload.code);
  const detail = status >= 500 && status !== 503 ? undefined : payload.message;
  const retryAfter = payload.details?.retryAfterSeconds;
  return new HttpProblem(status, payload.code, title, detail, {
    rule: payload.rule,
    errors: payload.errors,
    details: status >= 500 ? undefined : payload.details,
    retryAfterSeconds: typeof retryAfter === 'number' ? retryAfter : undefined,
  });
}

/** Transport failures: nobody listening or NATS down → 503 at once; no answer in time → 504. */
export function problemFromRpcFailure(error: unknown): HttpProblem | null {
  if (error instanceof ServiceReplyError) return problemFromServiceError(error.payload);
  if (error instanceof ServiceUnavailableError) {
    return new HttpProblem(503, 'SERVICE_UNAVAILABLE', 'Service unavailable', 'The service is not reachable; try again shortly', {
      retryAfterSeconds: 5,
    });
  }
  if (error instanceof ServiceTimeoutError) {
    return new HttpProblem(504, 'SERVICE_TIMEOUT', 'Service timeout', `The service did not answer within ${error.timeoutMs} ms`);
  }
  return null;
}
