import { z } from 'zod';
import { ConfigError, databaseEnv, loadConfig, natsEnv, secretKey, withFileSecrets } from './index';

const schema = z.object({ ...natsEnv, ...databaseEnv('org_structure') });
const SEED = `SU${'A'.repeat(56)}`;

describe('configuration is parsed once at boot', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(schema, { NATS_NKEY_SEED: SEED });
    expect(config.NATS_URL).toBe('nats://127.0.0.1:4222');
    expect(config.NATS_REQUEST_TIMEOUT_MS).toBe(5_000);
    // The service's own role, never the superuser.
    expect(config.DATABASE_URL).toBe('postgres://org_structure@127.0.0.1:5432/records');
  });

  it('needs the process\'s own NATS credentials', () => {
    expect(() => loadConfig(schema, {})).toThrow(/NATS_NKEY_SEED: set NATS_NKEY_SEED or NATS_NKEY_SEED_FILE/);
    expect(() => loadConfig(schema, { NATS_NKEY_SEED: 'SUnot-a-seed' })).toThrow(/NATS_NKEY_SEED/);
  });

  it('takes keys of at least 256 bits only', () => {
    const key = z.object({ AUDIT_KEY: secretKey('AUDIT_KEY') });
    expect(loadConfig(key, { AUDIT_KEY: Buffer.alloc(32, 7).toString('base64') }).AUDIT_KEY).toEqual(Buffer.alloc(32, 7));
    expect(() => loadConfig(key, { AUDIT_KEY: Buffer.alloc(16, 7).toString('base64') })).toThrow(/at least 32 random bytes/);
    expect(() => loadConfig(key, {})).toThrow(/set AUDIT_KEY or AUDIT_KEY_FILE/);
  });

  it('fails fast naming every bad variable', () => {
    expect.assertions(3);
    try {
      loadConfig(schema, { DATABASE_URL: 'mysql://x', NATS_REQUEST_TIMEOUT_MS: 'soon', NATS_NKEY_SEED: SEED });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.some((p) => p.startsWith('DATABASE_URL'))).toBe(true);
      expect((error as ConfigError).problems.some((p) => p.startsWith('NATS_REQUEST_TIMEOUT_MS'))).toBe(true);
    }
  });

  it('reads a secret from the file named by NAME_FILE', () => {
    const env = withFileSecrets({ DATABASE_URL_FILE: '/run/secrets/db' }, ['DATABASE_URL'], () => 'postgres://u@h/db\n');
    expect(env.DATABASE_URL).toBe('postgres://u@h/db');
  });
});
