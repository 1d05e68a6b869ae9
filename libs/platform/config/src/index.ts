import { readFileSync } from 'node:fs';
import { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once at boot into a typed object. Fails fast with every bad variable named, so a
 * misconfigured deployment stops at start instead of failing on the first request.
 */
export function loadConfig<Schema extends z.ZodType>(
  schema: Schema,
  env: Record<string, string | undefined> = process.env,
): z.infer<Schema> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
    );
  }
  return result.data;
}

/** Reads `NAME`, or the contents of the file named by `NAME_FILE` (Docker/Kubernetes secrets). */
export function withFileSecrets(
  env: Record<string, string | undefined>,
  names: readonly string[],
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): Record<string, string | undefined> {
  const out = { ...env };
  for (const name of names) {
    const file = env[`${name}_FILE`];
    if (!out[name] && file) out[name] = readFile(file).trim();
  }
  return out;
}

const booleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

const durationMs = z.coerce.number().int().min(1).max(600_000);

export const natsEnv = {
  NATS_URL: z.string().min(1).default('nats://127.0.0.1:4222'),
  /** How long a request waits for a service's answer before the caller gets 504. */
  NATS_REQUEST_TIMEOUT_MS: durationMs.default(5_000),
};

export const databaseEnv = {
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default('postgres://postgres@127.0.0.1:5432/records'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** Statements running longer are cancelled, so a stuck query answers an error instead of holding a request. */
  DATABASE_STATEMENT_TIMEOUT_MS: durationMs.default(15_000),
};

export const loggingEnv = {
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

export const portEnv = (defaultPort: number) =>
  z.coerce.number().int().min(0).max(65_535).default(defaultPort);

export { booleanFlag, durationMs };
