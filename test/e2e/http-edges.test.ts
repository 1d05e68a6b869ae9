import { startPlatform, type Platform } from './support/platform';

/* Answers that are not ordinary API answers: caching of credentials and data. */
let p: Platform;

beforeAll(async () => {
  p = await startPlatform();
});

afterAll(async () => {
  await p?.stop();
});

describe('Cache-Control: no-store', () => {
  it('on login and refresh, whose answers carry tokens', async () => {
    const clerk = await p.userWithRole('records-clerk', null);
    const login = await p.http('POST', '/api/v1/auth/login', { username: clerk.username, password: clerk.password }, { authorization: '' });
    expect(login.status).toBe(200);
    expect(login.headers.get('cache-control')).toBe('no-store');
    const refresh = await p.http('POST', '/api/v1/auth/refresh', { refreshToken: login.body.refreshToken }, { authorization: '' });
    expect(refresh.status).toBe(200);
    expect(refresh.headers.get('cache-control')).toBe('no-store');
  });

  it('on every authenticated API answer', async () => {
    for (const path of ['/api/v1/auth/me', '/api/v1/org/units', '/api/v1/org/statistics', '/api/v1/audit/events']) {
      const response = await p.http('GET', path);
      expect({ path, status: response.status, cacheControl: response.headers.get('cache-control') }).toEqual({ path, status: 200, cacheControl: 'no-store' });
    }
  });

  it('on problem documents', async () => {
    const answers = [
      await p.http('GET', '/api/v1/org/units', undefined, { authorization: '' }),
      await p.http('GET', '/api/v1/org/units?limit=1000'),
      await p.http('GET', '/nothing-here'),
      await p.raw('POST', '/api/v1/org/units', '{"code": ', 'application/json'),
    ];
    for (const response of answers) {
      expect(response.contentType).toContain('application/problem+json');
      expect({ status: response.status, cacheControl: response.headers.get('cache-control') }).toEqual({ status: response.status, cacheControl: 'no-store' });
    }
  });
});
