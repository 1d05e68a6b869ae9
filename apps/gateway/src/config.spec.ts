import { loadGatewayConfig } from './config';

const key = Buffer.alloc(32, 5).toString('base64');
const base = { AUTH_SIGNING_KEY: 'a key', NATS_NKEY_SEED: `SU${'A'.repeat(56)}`, CALLER_TOKEN_SECRET: key, AUDIT_KEY: key };

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

  it('refuses the old per-account failure limit by name instead of ignoring it', () => {
    expect(() => loadGatewayConfig({ ...base, LOGIN_MAX_FAILURES_PER_ACCOUNT: '3' })).toThrow(/LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS/);
  });

  it('defaults: 5 failures per account and address, 20 per address, slowing an account after 5', () => {
    expect(loadGatewayConfig(base)).toMatchObject({
      LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS: 5,
      LOGIN_MAX_FAILURES_PER_ADDRESS: 20,
      LOGIN_SLOWDOWN_AFTER_FAILURES: 5,
      LOGIN_SLOWDOWN_DELAY_MS: 250,
      LOGIN_SLOWDOWN_MAX_DELAY_MS: 4_000,
    });
  });

  it('needs its own bus key, its caller-token secret and its audit key (security hardening, items 1, 2 and 9)', () => {
    const { NATS_NKEY_SEED: _seed, CALLER_TOKEN_SECRET: _secret, AUDIT_KEY: _audit, ...rest } = base;
    expect(() => loadGatewayConfig(rest)).toThrow(/NATS_NKEY_SEED[\s\S]*CALLER_TOKEN_SECRET[\s\S]*AUDIT_KEY/);
    expect(() => loadGatewayConfig({ ...base, AUDIT_KEY: 'c2hvcnQ=' })).toThrow(/AUDIT_KEY must be base64 of at least 32 random bytes/);
    // Never the superuser by default: the gateway's own role.
    expect(loadGatewayConfig(base).DATABASE_URL).toBe('postgres://gateway@127.0.0.1:5432/records');
  });
});
