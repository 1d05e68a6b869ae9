import { AuthErrorCode, CommonErrorCode, type ServiceErrorPayload } from '@contracts/common';
import { IdentityErrorCode } from '@contracts/identity';
import { OrgErrorCode } from '@contracts/org-structure';
import { ServiceReplyError, ServiceTimeoutError, ServiceUnavailableError } from '@platform/nats';
import { HttpProblem } from './problem';

/** Every error code any service can answer with. Adding a service adds its codes here. */
export type ServiceErrorCode = CommonErrorCode | AuthErrorCode | IdentityErrorCode | OrgErrorCode;

/**
 * The one mapping from service error codes to HTTP (ARCHITECTURE decision 6). Exhaustive: a new code that is not
 * mapped here fails to compile.
 */
export function httpStatusFor(code: ServiceErrorCode): { status: number; title: string } {
  switch (code) {
    case CommonErrorCode.ValidationFailed:
      return { status: 400, title: 'The request is invalid' };
    case CommonErrorCode.Unsupported:
      return { status: 501, title: 'The service does not support this request' };
    case CommonErrorCode.DependencyUnavailable:
      return { status: 503, title: 'A dependency of the service is unavailable' };
    case CommonErrorCode.Internal:
      return { status: 500, title: 'Internal error' };
    case AuthErrorCode.Unauthenticated:
      return { status: 401, title: 'Authentication required' };
    case AuthErrorCode.InvalidCredentials:
      return { status: 401, title: 'Wrong username or password' };
    case AuthErrorCode.SecondFactorRequired:
      return { status: 401, title: 'A second factor is required' };
    case AuthErrorCode.SecondFactorEnrolmentRequired:
      return { status: 403, title: 'Enrol a second factor first' };
    case AuthErrorCode.Forbidden:
      return { status: 403, title: 'Not allowed' };
    case AuthErrorCode.Throttled:
      return { status: 429, title: 'Too many attempts' };
    case AuthErrorCode.WeakPassword:
      return { status: 400, title: 'The password breaks the password rules' };
    case AuthErrorCode.Conflict:
      return { status: 409, title: 'Conflict' };
    case IdentityErrorCode.UserNotFound:
      return { status: 404, title: 'User not found' };
    case IdentityErrorCode.AssignmentNotFound:
      return { status: 404, title: 'Role assignment not found' };
    case OrgErrorCode.UnitNotFound:
      return { status: 404, title: 'Unit not found' };
    case OrgErrorCode.RecordNotFound:
      return { status: 404, title: 'Record not found' };
    case OrgErrorCode.ReferencedUnitNotFound:
      return { status: 422, title: 'A referenced unit does not exist at that date' };
    case OrgErrorCode.InvalidOperation:
      return { status: 422, title: 'The operation is not valid' };
    case OrgErrorCode.ImportInvalid:
      return { status: 422, title: 'The import has invalid rows' };
    case OrgErrorCode.CodeConflict:
      return { status: 409, title: 'Unit code already in use' };
    case OrgErrorCode.Cycle:
      return { status: 409, title: 'The change would create a cycle' };
    case OrgErrorCode.DissolveWithChildren:
      return { status: 409, title: 'The unit still has children' };
    case OrgErrorCode.SplitChildUnassigned:
      return { status: 409, title: 'The split leaves children unassigned' };
    case OrgErrorCode.LevelOrder:
      return { status: 409, title: 'The unit cannot sit at that level' };
    case OrgErrorCode.LaterChangeExists:
      return { status: 409, title: 'A later change is already recorded' };
    case OrgErrorCode.TermConflict:
      return { status: 409, title: 'The term conflicts with the committee\'s terms' };
    default:
      return assertNever(code);
  }
}

function assertNever(code: never): never {
  throw new Error(`unmapped error code ${String(code)}`);
}

const KNOWN_CODES = new Set<string>([
  ...Object.values(CommonErrorCode),
  ...Object.values(AuthErrorCode),
  ...Object.values(IdentityErrorCode),
  ...Object.values(OrgErrorCode),
]);

export function problemFromServiceError(payload: ServiceErrorPayload): HttpProblem {
  if (!KNOWN_CODES.has(payload.code)) {
    return new HttpProblem(502, 'UNKNOWN_SERVICE_ERROR', 'The service answered with an unknown error', payload.message);
  }
  const { status, title } = httpStatusFor(payload.code as ServiceErrorCode);
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
