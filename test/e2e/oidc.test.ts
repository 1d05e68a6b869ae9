import { freePort } from '@platform/testing';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { startPlatform, type Platform } from './support/platform';

/*
 * An external identity provider (e.g. Keycloak): its access tokens are accepted by its JWKS and mapped to a
 * platform user by a claim. The provider here is a local key set served over HTTP, checked for real.
 */
let p: Platform;
let jwks: Server;
let providerKey: CryptoKey;
let issuer: string;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  providerKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'provider-key-1', alg: 'RS256', use: 'sig' };
  const port = await freePort();
  issuer = `http://127.0.0.1:${port}/realms/vn`;
  jwks = createServer((request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify(request.url?.endsWith('/certs') ? { keys: [jwk] } : {}));
  });
  await new Promise<void>((resolve) => jwks.listen(port, '127.0.0.1', resolve));
  p = await startPlatform({
    env: {
      OIDC_ISSUER: issuer,
      OIDC_JWKS_URL: `${issuer}/protocol/openid-connect/certs`,
      OIDC_AUDIENCE: 'records-platform',
      OIDC_USERNAME_CLAIM: 'preferred_username',
    },
  });
  const user = await p.http('POST', '/api/v1/admin/users', { username: 'tran.thi.b', displayName: 'Trần Thị B' });
  await p.http('POST', `/api/v1/admin/users/${user.body.id}/roles`, { role: 'records-clerk', unitId: null });
});

afterAll(async () => {
  await p?.stop();
  await new Promise((resolve) => jwks?.close(resolve));
});

async function providerToken(claims: Record<string, unknown>, key: CryptoKey = providerKey, audience = 'records-platform') {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'provider-key-1' })
    .setIssuer(issuer)
    .setAudience(audience)
    .setSubject(String(claims.sub ?? randomUUID()))
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key);
}

it('accepts the provider\'s token for a platform user named by the claim, with that user\'s roles', async () => {
  const subject = randomUUID();
  const token = await providerToken({ sub: subject, preferred_username: 'tran.thi.b' });
  const me = await p.http('GET', '/api/v1/auth/me', undefined, { authorization: `Bearer ${token}` });
  expect(me.status).toBe(200);
  expect(me.body).toMatchObject({ username: 'tran.thi.b', permissions: ['org.unit.read'] });
  expect((await p.http('GET', '/api/v1/org/units', undefined, { authorization: `Bearer ${token}` })).status).toBe(200);
  // Linked by subject from now on.
  const again = await providerToken({ sub: subject });
  expect((await p.http('GET', '/api/v1/auth/me', undefined, { authorization: `Bearer ${again}` })).body.username).toBe('tran.thi.b');
});

it('refuses a token signed by another key, for another audience, or for a user the platform does not know', async () => {
  const stranger = (await generateKeyPair('RS256')).privateKey;
  const cases = [
    await providerToken({ preferred_username: 'tran.thi.b' }, stranger),
    await providerToken({ preferred_username: 'tran.thi.b' }, providerKey, 'another-client'),
    await providerToken({ preferred_username: 'nobody.known' }),
  ];
  for (const token of cases) {
    expect((await p.http('GET', '/api/v1/auth/me', undefined, { authorization: `Bearer ${token}` })).status).toBe(401);
  }
});
