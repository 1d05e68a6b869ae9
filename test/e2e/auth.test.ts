import { importPKCS8, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { startPlatform, totpCode, type Platform } from './support/platform';

/* Authentication at the gateway: local accounts, second factor, rotating refresh tokens, throttling. */
let p: Platform;

beforeAll(async () => {
  p = await startPlatform({ env: { LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS: '3', LOGIN_WINDOW_SECONDS: '600' } });
});

afterAll(async () => {
  await p?.stop();
});

const anonymous = { authorization: '' };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function forge(claims: { sub?: string; aud?: string; iss?: string; exp?: number; alg?: string }, keyPem = p.signingKeyPem) {
  const key = await importPKCS8(keyPem, 'EdDSA');
  const jwt = new SignJWT({})
    .setProtectedHeader({ alg: 'EdDSA' })
    .setSubject(claims.sub ?? randomUUID())
    .setIssuer(claims.iss ?? 'political-system-records')
    .setAudience(claims.aud ?? 'political-system-records-api')
    .setIssuedAt();
  jwt.setExpirationTime(claims.exp ?? Math.floor(Date.now() / 1_000) + 300);
  return jwt.sign(key);
}

describe('access tokens', () => {
  it('no token, a tampered token, an expired one, one for another audience or issuer, alg none → 401', async () => {
    const me = await p.http('GET', '/api/v1/auth/me');
    expect(me.status).toBe(200);
    const userId = me.body.id;
    const valid = await forge({ sub: userId });
    expect((await p.http('GET', '/api/v1/auth/me', undefined, bearer(valid))).status).toBe(200);

    const cases: Record<string, string> = {
      tampered: `${valid.slice(0, -4)}${valid.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`,
      expired: await forge({ sub: userId, exp: Math.floor(Date.now() / 1_000) - 60 }),
      'wrong audience': await forge({ sub: userId, aud: 'another-api' }),
      'wrong issuer': await forge({ sub: userId, iss: 'someone-else' }),
      'alg none': `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(
        JSON.stringify({ sub: userId, iss: 'political-system-records', aud: 'political-system-records-api', exp: 9_999_999_999 }),
      ).toString('base64url')}.`,
    };
    for (const [name, token] of Object.entries(cases)) {
      const response = await p.http('GET', '/api/v1/org/units', undefined, bearer(token));
      expect({ name, status: response.status, code: response.body.code }).toEqual({ name, status: 401, code: 'AUTH_UNAUTHENTICATED' });
    }
    const none = await p.http('GET', '/api/v1/org/units', undefined, anonymous);
    expect(none.status).toBe(401);
    expect(none.contentType).toContain('application/problem+json');
  });
});

describe('login', () => {
  it('a wrong password answers 401 without saying whether the user exists', async () => {
    const wrong = await p.http('POST', '/api/v1/auth/login', { username: 'admin', password: 'not-the-password' }, anonymous);
    const unknown = await p.http('POST', '/api/v1/auth/login', { username: 'nobody-here', password: 'not-the-password' }, anonymous);
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.body.code).toBe(unknown.body.code);
  });

  it('a role that restructures units needs a second factor: enrolment, then the code', async () => {
    const board = await p.userWithRole('organisation-board', null);
    const withoutCode = await p.http('POST', '/api/v1/auth/login', { username: board.username, password: board.password }, anonymous);
    expect(withoutCode.status).toBe(401);
    expect(withoutCode.body.code).toBe('AUTH_SECOND_FACTOR_REQUIRED');
    const wrongCode = await p.http('POST', '/api/v1/auth/login', { username: board.username, password: board.password, totp: '000000' }, anonymous);
    expect(wrongCode.status).toBe(401);
  });

  it('a read-only role logs in with the password alone', async () => {
    const clerk = await p.userWithRole('records-clerk', null);
    const me = await p.http('GET', '/api/v1/auth/me', undefined, bearer(clerk.token));
    expect(me.body).toMatchObject({ username: clerk.username, permissions: ['org.unit.read'], roles: [{ role: 'records-clerk', unitId: null }] });
  });

  it('refuses a weak password when an administrator sets one', async () => {
    const response = await p.http('POST', '/api/v1/admin/users', { username: 'weak.user', displayName: 'Weak', password: 'password123' });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('AUTH_WEAK_PASSWORD');
  });

  it('throttles brute force per account with 429 and Retry-After', async () => {
    const clerk = await p.userWithRole('records-clerk', null);
    for (let i = 0; i < 3; i++) {
      expect((await p.http('POST', '/api/v1/auth/login', { username: clerk.username, password: `wrong-${i}-password` }, anonymous)).status).toBe(401);
    }
    const blocked = await p.http('POST', '/api/v1/auth/login', { username: clerk.username, password: clerk.password }, anonymous);
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('AUTH_THROTTLED');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('refresh and logout', () => {
  it('rotates refresh tokens; replaying a used one revokes the whole session', async () => {
    const clerk = await p.userWithRole('records-clerk', null);
    const session = await p.login(clerk.username, clerk.password);
    const first = await p.http('POST', '/api/v1/auth/refresh', { refreshToken: session.refreshToken }, anonymous);
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).not.toBe(session.refreshToken);

    const replay = await p.http('POST', '/api/v1/auth/refresh', { refreshToken: session.refreshToken }, anonymous);
    expect(replay.status).toBe(401);
    // The thief's replay also ends the legitimate holder's newer tokens.
    const next = await p.http('POST', '/api/v1/auth/refresh', { refreshToken: first.body.refreshToken }, anonymous);
    expect(next.status).toBe(401);
    expect((await p.http('GET', '/api/v1/auth/me', undefined, bearer(first.body.accessToken))).status).toBe(401);
  });

  it('logout ends the session: its access and refresh tokens stop working', async () => {
    const clerk = await p.userWithRole('records-clerk', null);
    const session = await p.login(clerk.username, clerk.password);
    expect((await p.http('POST', '/api/v1/auth/logout', undefined, bearer(session.accessToken))).status).toBe(204);
    expect((await p.http('GET', '/api/v1/auth/me', undefined, bearer(session.accessToken))).status).toBe(401);
    expect((await p.http('POST', '/api/v1/auth/refresh', { refreshToken: session.refreshToken }, anonymous)).status).toBe(401);
  });
});

describe('second factor enrolment', () => {
  it('cannot be enrolled twice without an administrator', async () => {
    const board = await p.userWithRole('organisation-board', null);
    const again = await p.http('POST', '/api/v1/auth/totp/enrol', { username: board.username, password: board.password }, anonymous);
    expect(again.status).toBe(409);
    expect(totpCode('JBSWY3DPEHPK3PXP')).toMatch(/^\d{6}$/);
  });
});
