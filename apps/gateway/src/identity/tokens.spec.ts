import { generateSigningKeyPair, importPrivateKey, importPublicKey } from '@platform/auth';
import * as jose from 'jose';
import { AccessTokens, bearerTokenOf } from './tokens';

jest.mock('jose', () => {
  const actual = jest.requireActual('jose');
  return { ...actual, jwtVerify: jest.fn(actual.jwtVerify) };
});
const jwtVerify = jose.jwtVerify as jest.MockedFunction<typeof jose.jwtVerify>;

async function accessTokens(now: () => number = Date.now) {
  const pems = await generateSigningKeyPair();
  const keys = { privateKey: await importPrivateKey(pems.privateKeyPem), publicKey: await importPublicKey(pems.publicKeyPem) };
  return new AccessTokens(keys, { issuer: 'records', audience: 'records-api', ttlSeconds: 900 }, now);
}

describe('AccessTokens.verify', () => {
  beforeEach(() => jwtVerify.mockClear());

  it('checks a token’s signature once, then answers from memory', async () => {
    const tokens = await accessTokens();
    const { token } = await tokens.issue({ userId: 'u-1', sessionId: 's-1' });
    const first = await tokens.verify(token);
    const second = await tokens.verify(token);
    expect(second).toEqual(first);
    expect(first).toMatchObject({ local: { userId: 'u-1', sessionId: 's-1' } });
    expect(jwtVerify).toHaveBeenCalledTimes(1);
  });

  it('refuses a tampered token every time and does not remember it', async () => {
    const tokens = await accessTokens();
    const { token } = await tokens.issue({ userId: 'u-1', sessionId: null });
    const tampered = `${token.slice(0, -4)}${token.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    await expect(tokens.verify(tampered)).rejects.toMatchObject({ code: 'AUTH_UNAUTHENTICATED' });
    await expect(tokens.verify(tampered)).rejects.toMatchObject({ code: 'AUTH_UNAUTHENTICATED' });
    expect(jwtVerify).toHaveBeenCalledTimes(2);
  });

  it('forgets a token shortly before it expires', async () => {
    let now = Date.now();
    const tokens = await accessTokens(() => now);
    const { token } = await tokens.issue({ userId: 'u-1', sessionId: null });
    await tokens.verify(token);
    now += 899_500;
    await tokens.verify(token);
    expect(jwtVerify).toHaveBeenCalledTimes(2);
  });
});

describe('bearerTokenOf', () => {
  it('takes the token of a Bearer header only', () => {
    expect(bearerTokenOf('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerTokenOf('Basic YWxhZGRpbjpvcGVuc2VzYW1l')).toBeNull();
    expect(bearerTokenOf('Bearer short')).toBeNull();
    expect(bearerTokenOf(undefined)).toBeNull();
  });
});
