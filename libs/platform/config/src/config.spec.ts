import { z } from 'zod';
import { ConfigError, databaseEnv, loadConfig, natsEnv, withFileSecrets } from './index';

const schema = z.object({ ...natsEnv, ...databaseEnv });

describe('configuration is parsed once at boot', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(schema, {});
    expect(config.NATS_URL).toBe('nats://127.0.0.1:4222');
    expect(config.NATS_REQUEST_TIMEOUT_MS).toBe(5_000);
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/records');
  });

  it('fails fast naming every bad variable', () => {
    expect.assertions(3);
    try {
      loadConfig(schema, { DATABASE_URL: 'mysql://x', NATS_REQUEST_TIMEOUT_MS: 'soon' });
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
