import { auditRoutes, Permission, type AnyRoute } from '@contracts/common';
import { PLATFORM_SERVICE_NAMES, SERVICE_ROUTES } from '@contracts/registry';
import { importPKCS8, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { provinceRows } from './support/dataset';
import { startPlatform, type Json, type Platform } from './support/platform';

/*
 * The authorisation matrix: every route of the services' route tables, and every other route in the OpenAPI
 * document, × callers (anonymous, expired, tampered, wrong audience, no role, lacking the permission, in scope, out
 * of scope) → the expected status. A route of a table without a row below fails the test, and so does a documented
 * route without one, so a new route cannot ship without its access rule.
 */
type Access = 'public' | 'authenticated' | 'read' | 'write' | 'restructure' | 'admin' | 'audit';

/** The access a row states for a route of a table, from the route's permission. */
const ACCESS_OF: Record<Permission, Access> = {
  [Permission.OrgUnitRead]: 'read',
  [Permission.OrgUnitWrite]: 'write',
  [Permission.OrgUnitRestructure]: 'restructure',
  [Permission.AdminUserManage]: 'admin',
  [Permission.AuditRead]: 'audit',
};

/** Every route the services' tables state: their forwarded routes, and the audit routes each answers. */
const TABLE_ROUTES: AnyRoute[] = [...SERVICE_ROUTES, ...PLATFORM_SERVICE_NAMES.flatMap((service) => Object.values(auditRoutes(service)))];
const keyOf = (route: { method: string; path: string }) => `${route.method} ${route.path}`;
interface RouteRule {
  access: Access;
  /** For unit routes: the in-scope call answers 200 and an out-of-scope unit answers 404. */
  unitScoped?: boolean;
  /** A unit's history (dated records): readable for the periods it lay in scope, so a unit moved out still answers. */
  history?: boolean;
}

const ROUTES: Record<string, RouteRule> = {
  'GET /health/live': { access: 'public' },
  'GET /health/ready': { access: 'public' },
  'POST /api/v1/auth/login': { access: 'public' },
  'POST /api/v1/auth/refresh': { access: 'public' },
  'POST /api/v1/auth/totp/enrol': { access: 'public' },
  'POST /api/v1/auth/totp/confirm': { access: 'public' },
  'POST /api/v1/auth/logout': { access: 'authenticated' },
  'GET /api/v1/auth/me': { access: 'authenticated' },
  'GET /api/v1/admin/roles': { access: 'admin' },
  'GET /api/v1/admin/users': { access: 'admin' },
  'POST /api/v1/admin/users': { access: 'admin' },
  'GET /api/v1/admin/users/{id}': { access: 'admin' },
  'PATCH /api/v1/admin/users/{id}': { access: 'admin' },
  'POST /api/v1/admin/users/{id}/roles': { access: 'admin' },
  'POST /api/v1/admin/users/{id}/roles/{assignmentId}/end': { access: 'admin' },
  'GET /api/v1/audit/events': { access: 'audit' },
  'GET /api/v1/audit/verify': { access: 'audit' },
  'POST /api/v1/org/units': { access: 'write' },
  'GET /api/v1/org/units': { access: 'read' },
  'GET /api/v1/org/units/{id}': { access: 'read', unitScoped: true },
  'GET /api/v1/org/units/{id}/subtree': { access: 'read', unitScoped: true },
  'GET /api/v1/org/units/{id}/ancestors': { access: 'read', unitScoped: true },
  'GET /api/v1/org/units/{id}/lineage': { access: 'read', unitScoped: true, history: true },
  'GET /api/v1/org/units/{id}/leadership': { access: 'read', unitScoped: true },
  'POST /api/v1/org/leadership-links': { access: 'write' },
  'POST /api/v1/org/leadership-links/{linkId}/end': { access: 'write' },
  'GET /api/v1/org/units/{id}/posts': { access: 'read', unitScoped: true },
  'POST /api/v1/org/units/{id}/posts': { access: 'write' },
  'GET /api/v1/org/units/{id}/staffing-quotas': { access: 'read', unitScoped: true, history: true },
  'PUT /api/v1/org/units/{id}/staffing-quotas/{year}': { access: 'write' },
  'GET /api/v1/org/units/{id}/reduction-targets': { access: 'read', unitScoped: true, history: true },
  'POST /api/v1/org/units/{id}/reduction-targets': { access: 'write' },
  'GET /api/v1/org/units/{id}/terms': { access: 'read', unitScoped: true, history: true },
  'POST /api/v1/org/units/{id}/terms': { access: 'write' },
  'POST /api/v1/org/restructurings': { access: 'restructure' },
  'GET /api/v1/org/restructurings': { access: 'read' },
  'GET /api/v1/org/statistics': { access: 'read', unitScoped: true },
  'POST /api/v1/org/imports': { access: 'restructure' },
};

let p: Platform;
let routes: Array<{ method: string; path: string }>;
let documented: Array<{ method: string; path: string }>;
const unit: Record<string, string> = {};
const tokens: Record<string, string> = {};
let adminId: string;

function url(path: string, unitId: string): string {
  const filled = path
    .replace('{id}', path.startsWith('/api/v1/admin') ? adminId : unitId)
    .replace('{linkId}', randomUUID())
    .replace('{assignmentId}', randomUUID())
    .replace('{year}', '2024');
  return path === '/api/v1/org/statistics' ? `${filled}?rootId=${unitId}` : filled;
}

async function call(method: string, path: string, token: string | null, unitId = unit.inScope) {
  const body = ['POST', 'PUT', 'PATCH'].includes(method) ? {} : undefined;
  return p.http(method, url(path, unitId), body, { authorization: token ? `Bearer ${token}` : '' });
}

async function forge(claims: { sub: string; aud?: string; exp?: number }): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'EdDSA' })
    .setSubject(claims.sub)
    .setIssuer('political-system-records')
    .setAudience(claims.aud ?? 'political-system-records-api')
    .setIssuedAt()
    .setExpirationTime(claims.exp ?? Math.floor(Date.now() / 1_000) + 300)
    .sign(await importPKCS8(p.signingKeyPem, 'EdDSA'));
}

beforeAll(async () => {
  p = await startPlatform();
  await p.http('POST', '/api/v1/org/imports', { format: 'json', rows: [...provinceRows('IN', 'Trong'), ...provinceRows('OUT', 'Ngoài')] });
  unit.inScope = (await p.http('GET', '/api/v1/org/units?code=IN-TU')).body.items[0].id;
  unit.outOfScope = (await p.http('GET', '/api/v1/org/units?code=OUT-TU')).body.items[0].id;
  // A commune of the in-scope province moved to the other one: in scope before the move, out of it since.
  const moved = await p.http('POST', '/api/v1/org/restructurings', {
    decisionRef: '7-NQ/TW',
    effectiveDate: '2025-03-01',
    operations: [{ type: 'move', unit: { code: 'IN-X2' }, newParent: { code: 'OUT-HU1' } }],
  });
  expect(moved.status).toBe(201);
  unit.moved = (await p.http('GET', '/api/v1/org/units?code=IN-X2')).body.items[0].id;
  adminId = (await p.http('GET', '/api/v1/auth/me')).body.id;
  tokens.admin = p.adminToken;
  tokens.board = (await p.userWithRole('organisation-board', unit.inScope)).token;
  tokens.clerk = (await p.userWithRole('records-clerk', unit.inScope)).token;
  tokens.scopedAuditor = (await p.userWithRole('auditor', unit.inScope)).token;
  const noRole = await p.http('POST', '/api/v1/admin/users', { username: 'no.role', displayName: 'No role', password: 'no-role-user-passphrase' });
  tokens.noRole = (await p.login('no.role', 'no-role-user-passphrase')).accessToken;
  tokens.expired = await forge({ sub: noRole.body.id, exp: Math.floor(Date.now() / 1_000) - 60 });
  tokens.wrongAudience = await forge({ sub: adminId, aud: 'another-api' });
  tokens.tampered = `${p.adminToken.slice(0, -6)}${p.adminToken.endsWith('AAAAAA') ? 'BBBBBB' : 'AAAAAA'}`;
  const document = (await p.http('GET', '/api/openapi.json')).body as Json;
  documented = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, operations]) =>
    Object.keys(operations).map((method) => ({ method: method.toUpperCase(), path })),
  );
  // The tables' routes first, then the routes written by hand (login, administration, health) the document shows.
  const tables = [...new Map(TABLE_ROUTES.map((route) => [keyOf(route), { method: route.method, path: route.path }])).values()];
  routes = [...tables, ...documented.filter((route) => !tables.some((table) => keyOf(table) === keyOf(route)))];
});

afterAll(async () => {
  await p?.stop();
});

it('every route of the route tables has a row, stating the access its permission gives', () => {
  const rows = TABLE_ROUTES.map((route) => ({ route: `${keyOf(route)} (${route.subject})`, access: ROUTES[keyOf(route)]?.access ?? 'no row' }));
  expect(rows).toEqual(TABLE_ROUTES.map((route) => ({ route: `${keyOf(route)} (${route.subject})`, access: ACCESS_OF[route.permission] })));
});

it('every route in the OpenAPI document has an access rule, and every rule a route', () => {
  expect(documented.map(keyOf).sort()).toEqual(Object.keys(ROUTES).sort());
});

it('anonymous, expired, tampered and wrong-audience callers get 401 on every non-public route', async () => {
  const failures: string[] = [];
  for (const { method, path } of routes) {
    if (ROUTES[`${method} ${path}`]?.access === 'public') continue;
    for (const caller of [null, 'expired', 'tampered', 'wrongAudience'] as const) {
      const response = await call(method, path, caller ? tokens[caller] : null);
      if (response.status !== 401) failures.push(`${caller ?? 'anonymous'} ${method} ${path} → ${response.status}`);
    }
  }
  expect(failures).toEqual([]);
});

it('a caller without the permission gets 403; with it, the request reaches validation or the service', async () => {
  const failures: string[] = [];
  const expectStatus = (label: string, status: number, ok: (s: number) => boolean) => {
    if (!ok(status)) failures.push(`${label} → ${status}`);
  };
  for (const { method, path } of routes) {
    const rule = ROUTES[`${method} ${path}`];
    const label = `${method} ${path}`;
    if (!rule || rule.access === 'public') continue;
    const passed = (s: number) => s !== 401 && s !== 403 && s < 500;
    if (rule.access === 'authenticated') {
      // Logging out ends the session it is called with: use a session of its own.
      const token = path.endsWith('/logout') ? (await p.login('no.role', 'no-role-user-passphrase')).accessToken : tokens.noRole;
      expectStatus(`no role ${label}`, (await call(method, path, token)).status, passed);
      continue;
    }
    expectStatus(`no role ${label}`, (await call(method, path, tokens.noRole)).status, (s) => s === 403);
    if (rule.access === 'admin' || rule.access === 'audit') {
      expectStatus(`board ${label}`, (await call(method, path, tokens.board)).status, (s) => s === 403);
      expectStatus(`admin ${label}`, (await call(method, path, tokens.admin)).status, passed);
      // An auditor over a unit reads services' records of its scope only (tested below), never the whole trail.
      if (rule.access === 'audit') expectStatus(`scoped auditor ${label}`, (await call(method, path, tokens.scopedAuditor)).status, (s) => s === 403);
      continue;
    }
    if (rule.access !== 'read') expectStatus(`clerk ${label}`, (await call(method, path, tokens.clerk)).status, (s) => s === 403);
    const inScope = await call(method, path, tokens.board);
    expectStatus(`board in scope ${label}`, inScope.status, method === 'GET' ? (s) => s === 200 : passed);
    if (rule.unitScoped && method === 'GET') {
      expectStatus(`board out of scope ${label}`, (await call(method, path, tokens.board, unit.outOfScope)).status, (s) => s === 404);
      expectStatus(`clerk out of scope ${label}`, (await call(method, path, tokens.clerk, unit.outOfScope)).status, (s) => s === 404);
      // Moved out of the scope (security hardening, item 3): out of it today; its history of the years in scope stays.
      expectStatus(`board moved out ${label}`, (await call(method, path, tokens.board, unit.moved)).status, (s) => (rule.history ? s === 200 : s === 404));
    }
  }
  expect(failures).toEqual([]);
});

it('an auditor over a unit reads the service records of its scope and nothing else (security hardening, item 7)', async () => {
  const records = await p.http('GET', '/api/v1/audit/events?service=org-structure&limit=100', undefined, { authorization: `Bearer ${tokens.scopedAuditor}` });
  expect(records.status).toBe(200);
  const scopes = new Set(records.body.items.map((r: Json) => r.object.unitScope));
  expect(scopes.has(unit.outOfScope)).toBe(false);
  expect([...scopes].every((scope) => typeof scope === 'string')).toBe(true);
});
