import { durationMs, loadConfig, loggingEnv, natsEnv, portEnv, secretKey, withFileSecrets } from '@platform/config';
import { isIP } from 'node:net';
import { z } from 'zod';

const optionalUrl = z.preprocess((value) => (value === '' ? undefined : value), z.url().optional());
const seconds = z.coerce.number().int().min(1).max(31_536_000);
const count = z.coerce.number().int().min(1).max(1_000_000);

/** The gateway keeps no database: identity holds the users and sessions, each service its own records. */
export const gatewayEnv = z.object({
  ...natsEnv,
  ...loggingEnv,
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: portEnv(3000),
  /** Largest request body accepted; bigger ones answer 413. */
  HTTP_BODY_LIMIT_BYTES: z.coerce.number().int().min(1_024).max(50_000_000).default(1_048_576),
  /** How long readiness waits for each service's health answer. */
  READINESS_TIMEOUT_MS: durationMs.default(1_000),
  /** Ed25519 private key (PKCS#8 PEM) signing access tokens. */
  AUTH_SIGNING_KEY: z.string().min(1, 'set AUTH_SIGNING_KEY or AUTH_SIGNING_KEY_FILE'),
  /**
   * The secret the key of each service's caller tokens is derived from (`cli.js caller-key <service>` prints one
   * service's key). Only the gateway holds it.
   */
  CALLER_TOKEN_SECRET: secretKey('CALLER_TOKEN_SECRET'),
  AUTH_ISSUER: z.string().min(1).default('political-system-records'),
  AUTH_AUDIENCE: z.string().min(1).default('political-system-records-api'),
  ACCESS_TOKEN_TTL_SECONDS: seconds.default(900),
  /** How long who a token stands for is reused before it is read again (0: read on every request). */
  IDENTITY_CACHE_SECONDS: z.coerce.number().int().min(0).max(60).default(5),
  /**
   * Addresses or CIDR ranges of the reverse proxies in front of the gateway, comma-separated; requests from them
   * have their client address taken from X-Forwarded-For. Empty (the default): the connection's address is the
   * client's. Any address listed here can claim to be any client, so list only real proxies.
   */
  TRUST_PROXY: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((entry) => entry.trim()).filter(Boolean))
    .refine((entries) => entries.every(isAddressOrRange), 'comma-separated IP addresses or CIDR ranges (e.g. 10.0.0.0/8)'),
  /** Requests per minute per user (per client address before login) across the whole API. */
  RATE_LIMIT_PER_MINUTE: count.default(600),
  /** Web clients allowed to call the API from a browser, comma-separated origins. */
  CORS_ORIGINS: z.string().default(''),
  /** An external OpenID Connect provider (e.g. Keycloak) whose access tokens are accepted. */
  OIDC_ISSUER: z.string().default(''),
  OIDC_JWKS_URL: optionalUrl,
  OIDC_AUDIENCE: z.string().default(''),
  /** The claim naming the platform user a provider's token stands for. */
  OIDC_USERNAME_CLAIM: z.string().min(1).default('preferred_username'),
});
export type GatewayConfig = z.infer<typeof gatewayEnv>;

function isAddressOrRange(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** Secrets and connection strings may come from files (NAME_FILE) instead of the environment. */
export const GATEWAY_SECRETS = ['NATS_URL', 'NATS_NKEY_SEED', 'AUTH_SIGNING_KEY', 'CALLER_TOKEN_SECRET'] as const;

/** What the operator commands read: the caller-token secret, for `caller-key`. */
export const gatewayCliEnv = z.object({ CALLER_TOKEN_SECRET: gatewayEnv.shape.CALLER_TOKEN_SECRET.optional() });
export type GatewayCliConfig = z.infer<typeof gatewayCliEnv>;

export function loadGatewayCliConfig(env: Record<string, string | undefined> = process.env): GatewayCliConfig {
  return loadConfig(gatewayCliEnv, withFileSecrets(env, GATEWAY_SECRETS));
}

export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  return loadConfig(gatewayEnv, withFileSecrets(env, GATEWAY_SECRETS));
}
