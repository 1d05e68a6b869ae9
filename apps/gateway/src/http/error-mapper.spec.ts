import { AUTH_ERRORS, AuthErrorCode, COMMON_ERRORS, CommonErrorCode } from '@contracts/common';
import { IDENTITY_ERRORS, IdentityErrorCode } from '@contracts/identity';
import { ORG_ERRORS, OrgErrorCode } from '@contracts/org-structure';
import { ServiceReplyError, ServiceTimeoutError, ServiceUnavailableError } from '@platform/nats';
import { ERROR_CATALOGUE, httpStatusFor, problemFromRpcFailure, problemFromServiceError, type ServiceErrorCode } from './error-mapper';

const ALL_CODES = [
  ...Object.values(CommonErrorCode),
  ...Object.values(AuthErrorCode),
  ...Object.values(IdentityErrorCode),
  ...Object.values(OrgErrorCode),
] as ServiceErrorCode[];

describe('the service error → HTTP mapping (ARCHITECTURE decision 6)', () => {
  it('holds every code of every catalogue, none declared twice', () => {
    const catalogues = [COMMON_ERRORS, AUTH_ERRORS, IDENTITY_ERRORS, ORG_ERRORS];
    const declared = catalogues.flatMap((catalogue) => Object.keys(catalogue));
    expect(new Set(declared).size).toBe(declared.length);
    expect(Object.keys(ERROR_CATALOGUE).sort()).toEqual([...declared].sort());
    expect([...ALL_CODES].sort()).toEqual([...declared].sort());
  });

  it.each(ALL_CODES)('maps %s to a 4xx or 5xx status with a title', (code) => {
    const { status, title } = httpStatusFor(code);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(600);
    expect(title.length).toBeGreaterThan(0);
  });

  it('answers 409 for every ORG-4 invariant and 404 for a unit not found', () => {
    expect(httpStatusFor(OrgErrorCode.Cycle).status).toBe(409);
    expect(httpStatusFor(OrgErrorCode.DissolveWithChildren).status).toBe(409);
    expect(httpStatusFor(OrgErrorCode.SplitChildUnassigned).status).toBe(409);
    expect(httpStatusFor(OrgErrorCode.UnitNotFound).status).toBe(404);
  });

  it('answers 404 for a user or assignment not found, 422 for the unit of a role', () => {
    expect(problemFromServiceError({ code: IdentityErrorCode.UserNotFound, message: 'x' }).status).toBe(404);
    expect(problemFromServiceError({ code: IdentityErrorCode.AssignmentNotFound, message: 'x' }).status).toBe(404);
  });

  it('keeps the rule, field errors and details of a domain error', () => {
    const problem = problemFromServiceError({
      code: OrgErrorCode.Cycle,
      message: 'no',
      rule: 'ORG-4',
      errors: [{ path: 'operations.0.newParent', message: 'descendant' }],
      details: { unitId: 'a' },
    });
    expect(problem.toDocument('/api/v1/org/restructurings', 'req-1')).toEqual({
      type: 'urn:problem-type:org-cycle',
      title: 'The change would create a cycle',
      status: 409,
      detail: 'no',
      instance: '/api/v1/org/restructurings',
      code: 'ORG_CYCLE',
      rule: 'ORG-4',
      errors: [{ path: 'operations.0.newParent', message: 'descendant' }],
      details: { unitId: 'a' },
      requestId: 'req-1',
    });
  });

  it('hides the message of an internal error from the client', () => {
    const document = problemFromServiceError({ code: CommonErrorCode.Internal, message: 'relation "x" does not exist' }).toDocument('/x', 'r');
    expect(document.status).toBe(500);
    expect(document.detail).toBeUndefined();
  });

  it('answers 502 for a code no contract defines', () => {
    expect(problemFromServiceError({ code: 'SOMETHING_NEW', message: 'x' }).status).toBe(502);
  });

  it('maps transport failures: unreachable → 503 with Retry-After, timeout → 504', () => {
    expect(problemFromRpcFailure(new ServiceUnavailableError('org.v1.unit.get', 'no responders'))).toMatchObject({
      status: 503,
      extensions: { retryAfterSeconds: 5 },
    });
    expect(problemFromRpcFailure(new ServiceTimeoutError('org.v1.unit.get', 100))?.status).toBe(504);
    expect(problemFromRpcFailure(new ServiceReplyError('s', { code: OrgErrorCode.UnitNotFound, message: 'x' }))?.status).toBe(404);
    expect(problemFromRpcFailure(new Error('other'))).toBeNull();
  });
});
