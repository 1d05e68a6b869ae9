import { loadGatewayConfig } from './config';

const key = Buffer.alloc(32, 5).toString('base64');
const base = { AUTH_SIGNING_KEY: 'a key', NATS_NKEY_SEED: `SU${'A'.repeat(56)}`, CALLER_TOKEN_SECRET: key };

describe('gateway configuration', () => {
  it('trusts no proxy by default', () => {
    expect(loadGatewayConfig(base).TRUST_PROXY).toEqual([]);
  });

  it('reads trusted proxies as addresses and CIDR ranges', () => {
    expect(loadGatewayConfig({ ...base, TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1' }).TRUST_PROXY).toEqual(['127.0.0.1', '10.0.0.0/8', '::1']);
    for (const bad of ['true', 'proxy.example.vn', '10.0.0.0/33', '10.0.0.1/8/2']) {
      expect(() => loadGatewayConfig({ ...base, TRUST_PROXY: bad })).toThrow(/TRUST_PROXY/);
    }
  });

  it('needs its own bus key and its caller-token secret (security hardening, items 1 and 2)', () => {
    const { NATS_NKEY_SEED: _seed, CALLER_TOKEN_SECRET: _secret, ...rest } = base;
    expect(() => loadGatewayConfig(rest)).toThrow(/NATS_NKEY_SEED[\s\S]*CALLER_TOKEN_SECRET/);
    expect(() => loadGatewayConfig({ ...base, CALLER_TOKEN_SECRET: 'c2hvcnQ=' })).toThrow(/CALLER_TOKEN_SECRET must be base64 of at least 32 random bytes/);
  });

  it('keeps no database: identity holds the users, each service its records', () => {
    expect(Object.keys(loadGatewayConfig(base)).filter((name) => name.startsWith('DATABASE_'))).toEqual([]);
  });
});
