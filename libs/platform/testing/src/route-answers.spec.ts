import { defineRoute, Permission } from '@contracts/common';
import { z } from 'zod';
import { routeAnswerProblems } from './route-answers';

const route = defineRoute({
  operationId: 'getThing',
  summary: 'x',
  tag: 'x',
  method: 'GET',
  path: '/things/{id}',
  params: { id: 'id' },
  input: 'query',
  subject: 'things.v1.get',
  request: z.object({ id: z.string() }),
  response: z.object({ id: z.string(), parts: z.array(z.object({ name: z.string() })) }),
  permission: Permission.OrgUnitRead,
  errors: ['ORG_UNIT_NOT_FOUND'],
});
const serviceCodes = new Set(['ORG_UNIT_NOT_FOUND', 'ORG_CYCLE']);

describe('answers checked against their route', () => {
  it('accepts what the route states', () => {
    expect(routeAnswerProblems(route, { ok: true, body: { id: 'a', parts: [{ name: 'p' }] } }, serviceCodes)).toEqual([]);
    expect(routeAnswerProblems(route, { ok: false, code: 'ORG_UNIT_NOT_FOUND' }, serviceCodes)).toEqual([]);
    expect(routeAnswerProblems(route, { ok: false, code: 'VALIDATION_FAILED' }, serviceCodes)).toEqual([]);
    expect(routeAnswerProblems(route, { ok: false, code: 'SERVICE_TIMEOUT' }, serviceCodes)).toEqual([]);
  });

  it('names a field the schema does not declare, a wrong type, and an undeclared error', () => {
    expect(routeAnswerProblems(route, { ok: true, body: { id: 'a', parts: [{ name: 'p', secret: 1 }] } }, serviceCodes)).toEqual([
      'getThing (things.v1.get) answered parts.0.secret, which its response schema does not declare',
    ]);
    expect(routeAnswerProblems(route, { ok: true, body: { id: 1, parts: [] } }, serviceCodes)[0]).toMatch(/at id:/);
    expect(routeAnswerProblems(route, { ok: false, code: 'ORG_CYCLE' }, serviceCodes)).toEqual([
      'getThing (things.v1.get) answered ORG_CYCLE, which the route does not declare',
    ]);
  });
});
