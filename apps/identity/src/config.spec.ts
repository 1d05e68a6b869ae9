import { loadDefinitionConfig } from '@platform/service-kit';
import { identityService } from './service';

const key = Buffer.alloc(32, 5).toString('base64');
const base = { NATS_NKEY_SEED: `SU${'A'.repeat(56)}`, CALLER_TOKEN_KEY: key, AUDIT_KEY: key };

describe('identity configuration', () => {
  it('refuses the old per-account failure limit by name instead of ignoring it', () => {
    expect(() => loadDefinitionConfig(identityService, { ...base, LOGIN_MAX_FAILURES_PER_ACCOUNT: '3' })).toThrow(/LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS/);
  });

  it('defaults: 5 failures per account and address, 20 per address, slowing an account after 5', () => {
    expect(loadDefinitionConfig(identityService, base)).toMatchObject({
      LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS: 5,
      LOGIN_MAX_FAILURES_PER_ADDRESS: 20,
      LOGIN_SLOWDOWN_AFTER_FAILURES: 5,
      LOGIN_SLOWDOWN_DELAY_MS: 250,
      LOGIN_SLOWDOWN_MAX_DELAY_MS: 4_000,
    });
  });

  it('needs its own bus key, its caller-token key and its audit key (security hardening, items 1, 2 and 9)', () => {
    expect(() => loadDefinitionConfig(identityService, {})).toThrow(/NATS_NKEY_SEED[\s\S]*CALLER_TOKEN_KEY[\s\S]*AUDIT_KEY/);
    expect(() => loadDefinitionConfig(identityService, { ...base, AUDIT_KEY: 'c2hvcnQ=' })).toThrow(/AUDIT_KEY must be base64 of at least 32 random bytes/);
    // Never the superuser by default: the service's own role.
    expect(loadDefinitionConfig(identityService, base).DATABASE_URL).toBe('postgres://identity@127.0.0.1:5432/records');
  });
});
