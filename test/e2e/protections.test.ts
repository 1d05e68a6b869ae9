import { startPlatform, type Platform } from './support/platform';

/* Security headers, CORS per allowed web client, and the per-user rate limit. */
let p: Platform;

beforeAll(async () => {
  p = await startPlatform({ env: { RATE_LIMIT_PER_MINUTE: '8', CORS_ORIGINS: 'https://tochuc.example.vn' } });
});

afterAll(async () => {
  await p?.stop();
});

it('sends security headers', async () => {
  const response = await p.http('GET', '/health/live');
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
  expect(response.headers.get('strict-transport-security')).toBeTruthy();
});

it('answers CORS for an allowed web client only', async () => {
  const allowed = await fetch(`${p.baseUrl}/api/v1/auth/login`, {
    method: 'OPTIONS',
    headers: { origin: 'https://tochuc.example.vn', 'access-control-request-method': 'POST' },
  });
  expect(allowed.headers.get('access-control-allow-origin')).toBe('https://tochuc.example.vn');
  const other = await fetch(`${p.baseUrl}/api/v1/auth/login`, {
    method: 'OPTIONS',
    headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' },
  });
  expect(other.headers.get('access-control-allow-origin')).toBeNull();
});

it('limits requests per user with a 429 problem and Retry-After, counting users apart', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 10; i++) statuses.push((await p.http('GET', '/api/v1/auth/me')).status);
  expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
  const limited = await p.http('GET', '/api/v1/auth/me');
  expect(limited.status).toBe(429);
  expect(limited.contentType).toContain('application/problem+json');
  expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  // Another caller (here: anonymous, counted by address) still gets through.
  expect((await p.http('GET', '/api/v1/org/units', undefined, { authorization: '' })).status).toBe(401);
});
