import { databaseAdminEnv, databaseEnv, durationMs, loadConfig, loggingEnv, natsEnv, secretKey, withFileSecrets } from '@platform/config';
import { z } from 'zod';

export const orgStructureEnv = z.object({
  ...natsEnv,
  ...databaseEnv('org_structure'),
  ...loggingEnv,
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('org_structure'),
  /** How often the outbox relay looks for unpublished events when nothing nudged it. */
  OUTBOX_POLL_MS: durationMs.default(1_000),
  /** The key caller tokens addressed to this service are checked with (the gateway derives it for this service). */
  CALLER_TOKEN_KEY: secretKey('CALLER_TOKEN_KEY'),
  /** The key of this service's audit chain: every record's hash is an HMAC under it. Kept out of the database. */
  AUDIT_KEY: secretKey('AUDIT_KEY'),
});
export type OrgStructureConfig = z.infer<typeof orgStructureEnv>;

/** Operator commands need only what each one uses: no caller key, NATS credentials only to ask health. */
export const orgStructureCliEnv = orgStructureEnv.extend({
  ...databaseAdminEnv,
  NATS_NKEY_SEED: orgStructureEnv.shape.NATS_NKEY_SEED.optional(),
  CALLER_TOKEN_KEY: orgStructureEnv.shape.CALLER_TOKEN_KEY.optional(),
  AUDIT_KEY: orgStructureEnv.shape.AUDIT_KEY.optional(),
});
export type OrgStructureCliConfig = z.infer<typeof orgStructureCliEnv>;

/** Secrets and connection strings may come from files (NAME_FILE) instead of the environment. */
const SECRETS = ['DATABASE_URL', 'DATABASE_PASSWORD', 'DATABASE_ADMIN_URL', 'NATS_URL', 'NATS_NKEY_SEED', 'CALLER_TOKEN_KEY', 'AUDIT_KEY'];

export function loadOrgStructureConfig(env: Record<string, string | undefined> = process.env): OrgStructureConfig {
  return loadConfig(orgStructureEnv, withFileSecrets(env, SECRETS));
}

export function loadOrgStructureCliConfig(env: Record<string, string | undefined> = process.env): OrgStructureCliConfig {
  return loadConfig(orgStructureCliEnv, withFileSecrets(env, SECRETS));
}


