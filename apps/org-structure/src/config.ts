import { databaseEnv, loadConfig, withFileSecrets, loggingEnv, natsEnv, durationMs } from '@platform/config';
import { z } from 'zod';

export const orgStructureEnv = z.object({
  ...natsEnv,
  ...databaseEnv,
  ...loggingEnv,
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('org_structure'),
  /** How often the outbox relay looks for unpublished events when nothing nudged it. */
  OUTBOX_POLL_MS: durationMs.default(1_000),
  /** The gateway's Ed25519 public key (SPKI PEM): callers in message headers are verified with it. */
  AUTH_PUBLIC_KEY: z.string().min(1, 'set AUTH_PUBLIC_KEY or AUTH_PUBLIC_KEY_FILE'),
});
export type OrgStructureConfig = z.infer<typeof orgStructureEnv>;

export function loadOrgStructureConfig(env: Record<string, string | undefined> = process.env): OrgStructureConfig {
  // Connection strings may carry credentials: they can come from files (NAME_FILE) instead of the environment.
  return loadConfig(orgStructureEnv, withFileSecrets(env, ['DATABASE_URL', 'NATS_URL', 'AUTH_PUBLIC_KEY']));
}
