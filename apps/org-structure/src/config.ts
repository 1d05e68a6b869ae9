import { databaseEnv, loadConfig, loggingEnv, natsEnv, durationMs } from '@platform/config';
import { z } from 'zod';

export const orgStructureEnv = z.object({
  ...natsEnv,
  ...databaseEnv,
  ...loggingEnv,
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('org_structure'),
  /** How often the outbox relay looks for unpublished events when nothing nudged it. */
  OUTBOX_POLL_MS: durationMs.default(1_000),
});
export type OrgStructureConfig = z.infer<typeof orgStructureEnv>;

export function loadOrgStructureConfig(env: Record<string, string | undefined> = process.env): OrgStructureConfig {
  return loadConfig(orgStructureEnv, env);
}
