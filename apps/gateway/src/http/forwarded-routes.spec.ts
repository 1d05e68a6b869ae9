import { routeTableProblems } from '@contracts/common';
import { ORG_ROUTES } from '@contracts/org-structure';
import { SERVICE_ROUTES } from '@contracts/registry';
import { nestPath, requestOf } from './forwarded-routes';
import { HttpProblem } from './problem';

const UNIT = '7d1c1f9a-5b1e-4c55-8f2d-3c1a2b3c4d5e';

function problemOf(run: () => unknown): HttpProblem {
  try {
    run();
  } catch (error) {
    if (error instanceof HttpProblem) return error;
    throw error;
  }
  throw new Error('expected a problem');
}

describe('routes forwarded from the tables', () => {
  it('are stated once across every service', () => {
    expect(routeTableProblems(SERVICE_ROUTES)).toEqual([]);
  });

  it('write their paths as Nest does', () => {
    expect(nestPath('/api/v1/org/units/{id}/staffing-quotas/{year}')).toBe('/api/v1/org/units/:id/staffing-quotas/:year');
  });

  it('merge path parameters into the query, the path winning', () => {
    const request = requestOf(ORG_ROUTES.unitGet, { params: { id: UNIT }, query: { asOf: '2025-01-01', id: 'ignored' }, body: undefined });
    expect(request).toEqual({ id: UNIT, asOf: '2025-01-01' });
  });

  it('merge path parameters into the fields they fill in the body, coercing as the schema says', () => {
    const body = { quotas: [{ category: 'civil_servant', approved: 10 }] };
    expect(requestOf(ORG_ROUTES.quotaSet, { params: { id: UNIT, year: '2025' }, query: {}, body })).toEqual({ unitId: UNIT, year: 2025, ...body });
  });

  it('answer 400 naming a bad path parameter by its field', () => {
    const problem = problemOf(() => requestOf(ORG_ROUTES.unitGet, { params: { id: '123' }, query: {}, body: undefined }));
    expect(problem).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', detail: 'Invalid query' });
    expect(problem.extensions.errors?.map((error) => error.path)).toEqual(['id']);
  });

  it('refuse a body that is not an object where path parameters join it', () => {
    const problem = problemOf(() => requestOf(ORG_ROUTES.postCreate, { params: { id: UNIT }, query: {}, body: [1, 2] }));
    expect(problem).toMatchObject({ status: 400, detail: 'Invalid body', extensions: { errors: [{ path: '', message: 'the body must be a JSON object' }] } });
  });

  it('take only the path where the route reads nothing else', () => {
    expect(requestOf(ORG_ROUTES.reductionTargetList, { params: { id: UNIT }, query: { anything: 'x' }, body: undefined })).toEqual({ unitId: UNIT });
    expect(problemOf(() => requestOf(ORG_ROUTES.reductionTargetList, { params: { id: 'x' }, query: {}, body: undefined })).detail).toBe('Invalid path');
  });
});
