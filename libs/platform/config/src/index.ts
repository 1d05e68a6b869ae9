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

const NATS_SEED_HINT = "set NATS_NKEY_SEED or NATS_NKEY_SEED_FILE to the process's NKey user seed (SU…)";

export const natsEnv = {
  NATS_URL: z.string().min(1).default('nats://127.0.0.1:4222'),
  /** The process's own NKey seed (`SU…`): the bus refuses connections without one (docs/access-control.md). */
  NATS_NKEY_SEED: z
    .string({ error: NATS_SEED_HINT })
    .trim()
    .regex(/^SU[A-Z2-7]{56}$/, NATS_SEED_HINT),
  /** How long a request waits for a service's answer before the caller gets 504. */
  NATS_REQUEST_TIMEOUT_MS: durationMs.default(5_000),
};

/** A service's database: `role` is its own login role, the default user of its URL (never a superuser). */
export const databaseEnv = (role: string) => ({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default(`postgres://${role}@127.0.0.1:5432/records`),
  /** The role's password, when it is kept apart from the URL (DATABASE_PASSWORD_FILE). */
  DATABASE_PASSWORD: z.string().min(1).optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** Statements running longer are cancelled, so a stuck query answers an error instead of holding a request. */
  DATABASE_STATEMENT_TIMEOUT_MS: durationMs.default(15_000),
});

/**
 * An administrator's connection (a superuser, or a role that may create roles and schemas), read only by a service's
 * `migrate` command: it creates the service's role and schema and seals the audit tables. Never given to a service.
 */
export const databaseAdminEnv = {
  DATABASE_ADMIN_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
};

/** A key of at least 256 bits, given as base64 (or base64url): `openssl rand -base64 32`. */
export const secretKey = (name: string) =>
  z
    .string({ error: `set ${name} or ${name}_FILE (base64 of at least 32 random bytes)` })
    .trim()
    .refine((value) => /^[A-Za-z0-9+/_-]+={0,2}$/.test(value) && Buffer.from(value, 'base64').length >= 32, {
      message: `${name} must be base64 of at least 32 random bytes (openssl rand -base64 32)`,
    })
    .transform((value) => Buffer.from(value, 'base64'));

export const loggingEnv = {
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

export const portEnv = (defaultPort: number) =>
  z.coerce.number().int().min(0).max(65_535).default(defaultPort);

export { booleanFlag, durationMs };
