import { z } from 'zod';
import { Permission } from './access';
import { auditRoutes } from './audit';
import { defineRoute, pathParameters, routeTableProblems } from './routes';

const request = z.strictObject({ unitId: z.uuid(), asOf: z.string().optional() });
const base = {
  operationId: 'x',
  summary: 'x',
  tag: 'x',
  method: 'GET',
  input: 'query',
  subject: 'x.v1.get',
  request,
  response: z.object({}),
  permission: Permission.OrgUnitRead,
  errors: [],
} as const;

describe('routes', () => {
  it('reads the parameters of a path', () => {
    expect(pathParameters('/api/v1/org/units/{id}/staffing-quotas/{year}')).toEqual(['id', 'year']);
  });

  it('refuses a path parameter the route does not map, and a mapping the path lacks', () => {
    expect(() => defineRoute({ ...base, path: '/x/{id}' })).toThrow(/parameters \[id\], the route maps \[\]/);
    expect(() => defineRoute({ ...base, path: '/x', params: { id: 'unitId' } })).toThrow(/the route maps \[id\]/);
    expect(defineRoute({ ...base, path: '/x/{id}', params: { id: 'unitId' } }).params).toEqual({ id: 'unitId' });
  });

  it('answers 201 to a POST and 200 otherwise, unless told', () => {
    expect(defineRoute({ ...base, path: '/x' }).status).toBe(200);
    expect(defineRoute({ ...base, method: 'POST', input: 'body', path: '/x' }).status).toBe(201);
    expect(defineRoute({ ...base, method: 'POST', input: 'body', path: '/x', status: 200 }).status).toBe(200);
  });

  it('finds what is wrong with a table', () => {
    const one = defineRoute({ ...base, path: '/x/{id}', params: { id: 'unitId' } });
    const lacking = { ...one, operationId: 'y', path: '/y/{id}', subject: 'y', params: { id: 'missing' } };
    expect(routeTableProblems([one, one, lacking])).toEqual([
      'operationId x is stated twice',
      'route GET /x/{id} is stated twice',
      'subject x.v1.get is stated twice',
      'y: path parameter id fills missing, which its request lacks',
    ]);
  });

  it('gives every service the same audit routes on its own subjects', () => {
    const routes = auditRoutes('org-structure');
    expect(routeTableProblems(Object.values(routes))).toEqual([]);
    expect(routes.events.subject).toBe('audit.v1.org-structure.events');
    expect(routes.verify.subject).toBe('audit.v1.org-structure.verify');
    expect(routes.verify.permission).toBe(Permission.AuditRead);
  });
});
