import { loadGatewayConfig } from './config';

const base = { AUTH_SIGNING_KEY: 'a key' };

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
});
