import { ConfigError, databaseAdminEnv, databaseEnv, durationMs, loadConfig, loggingEnv, natsEnv, secretKey, withFileSecrets } from '@platform/config';
import { z } from 'zod';

const SQL_NAME = /^[a-z_][a-z0-9_]*$/;

/** What every service is configured with; a service extends it with its own settings. */
export function serviceEnv(database: { role: string; schema: string }) {
  return z.object({
    ...natsEnv,
    ...databaseEnv(database.role),
    ...loggingEnv,
    DATABASE_SCHEMA: z.string().regex(SQL_NAME).default(database.schema),
    /** How often the outbox relay looks for unpublished events when nothing nudged it. */
    OUTBOX_POLL_MS: durationMs.default(1_000),
    /** The key caller tokens addressed to this service are checked with (the gateway derives it for this service). */
    CALLER_TOKEN_KEY: secretKey('CALLER_TOKEN_KEY'),
    /** The key of this service's audit chain: every record's hash is an HMAC under it. Kept out of the database. */
    AUDIT_KEY: secretKey('AUDIT_KEY'),
  });
}
export type ServiceEnv = ReturnType<typeof serviceEnv>;
export type ServiceConfig = z.infer<ServiceEnv>;

/** Operator commands need only what each one uses: no caller key, NATS credentials only to ask health. */
export function serviceCliEnv<Shape extends ServiceEnv>(env: Shape) {
  return env.extend({
    ...databaseAdminEnv,
    NATS_NKEY_SEED: natsEnv.NATS_NKEY_SEED.optional(),
    CALLER_TOKEN_KEY: secretKey('CALLER_TOKEN_KEY').optional(),
    AUDIT_KEY: secretKey('AUDIT_KEY').optional(),
  });
}
export type ServiceCliConfig = z.infer<ReturnType<typeof serviceCliEnv<ServiceEnv>>>;

/** Secrets and connection strings every service may read from files (NAME_FILE) instead of the environment. */
export const SERVICE_FILE_SECRETS = ['DATABASE_URL', 'DATABASE_PASSWORD', 'DATABASE_ADMIN_URL', 'NATS_URL', 'NATS_NKEY_SEED', 'CALLER_TOKEN_KEY', 'AUDIT_KEY'];

export function loadServiceConfig<Schema extends z.ZodType>(
  schema: Schema,
  env: Record<string, string | undefined> = process.env,
  fileSecrets: readonly string[] = [],
): z.infer<Schema> {
  return loadConfig(schema, withFileSecrets(env, [...SERVICE_FILE_SECRETS, ...fileSecrets]));
}

/** A service's settings as its definition states them, refusing variables that changed meaning. */
export function loadDefinitionConfig<Config>(
  definition: { env: z.ZodType<Config>; replacedVariables?: Readonly<Record<string, string>> },
  env: Record<string, string | undefined> = process.env,
): Config {
  const replaced = Object.keys(definition.replacedVariables ?? {}).filter((name) => env[name] !== undefined);
  if (replaced.length > 0) throw new ConfigError(replaced.map((name) => `${name}: ${definition.replacedVariables?.[name]}`));
  return loadServiceConfig(definition.env, env);
}
