import { AuthErrorCode, DomainError } from '@contracts/common';
import type { FastifyRequest } from 'fastify';
import type { AccessTokens } from '../identity/tokens';
import { rateLimitKey } from './protections';

const request = (authorization?: string) => ({ headers: authorization ? { authorization } : {}, ip: '203.0.113.5' }) as unknown as FastifyRequest;

// Stands for the signature check: only 'good.token.value' and 'oidc.token.value' verify.
const tokens: Pick<AccessTokens, 'verify'> = {
  verify: async (token) => {
    if (token === 'good.token.value') return { local: { userId: 'user-1', sessionId: null } };
    if (token === 'oidc.token.value') return { external: { issuer: 'https://sso.example.vn', subject: 'abc', username: 'x', expiresAt: 0 } };
    throw new DomainError(AuthErrorCode.Unauthenticated, 'invalid');
  },
};

describe('rateLimitKey', () => {
  it('counts a verified token against its user', async () => {
    expect(await rateLimitKey(request('Bearer good.token.value'), tokens)).toBe('user:user-1');
    expect(await rateLimitKey(request('Bearer oidc.token.value'), tokens)).toBe('external:https://sso.example.vn abc');
  });

  it('counts a token that fails verification against the address, whatever subject it claims', async () => {
    const claims = Buffer.from(JSON.stringify({ sub: 'user-1' })).toString('base64url');
    expect(await rateLimitKey(request(`Bearer eyJhbGciOiJFZERTQSJ9.${claims}.forged`), tokens)).toBe('address:203.0.113.5');
  });

  it('counts requests without a bearer token against the address', async () => {
    expect(await rateLimitKey(request(), tokens)).toBe('address:203.0.113.5');
    expect(await rateLimitKey(request('Basic dXNlcjpwYXNz'), tokens)).toBe('address:203.0.113.5');
  });
});
