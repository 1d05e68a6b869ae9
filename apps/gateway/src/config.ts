import { durationMs, loadConfig, withFileSecrets, loggingEnv, natsEnv, portEnv } from '@platform/config';
import { z } from 'zod';

export const gatewayEnv = z.object({
  ...natsEnv,
  ...loggingEnv,
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: portEnv(3000),
  /** Largest request body accepted; bigger ones answer 413. */
  HTTP_BODY_LIMIT_BYTES: z.coerce.number().int().min(1_024).max(50_000_000).default(1_048_576),
  /** How long readiness waits for each service's health answer. */
  READINESS_TIMEOUT_MS: durationMs.default(1_000),
});
export type GatewayConfig = z.infer<typeof gatewayEnv>;

export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  // Connection strings may carry credentials: they can come from files (NAME_FILE) instead of the environment.
  return loadConfig(gatewayEnv, withFileSecrets(env, ['NATS_URL']));
}
