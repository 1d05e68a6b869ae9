import { loadServiceConfig, serviceCliEnv, serviceEnv } from '@platform/service-kit';
import { z } from 'zod';

const seconds = z.coerce.number().int().min(1).max(31_536_000);
const count = z.coerce.number().int().min(1).max(1_000_000);

export const identityEnv = serviceEnv({ role: 'identity', schema: 'identity' }).extend({
  /** The issuer shown in authenticator apps next to the account (otpauth:// URIs). */
  AUTH_ISSUER: z.string().min(1).default('political-system-records'),
  REFRESH_TOKEN_TTL_SECONDS: seconds.default(604_800),
  /**
   * Failed logins allowed for one account from one client address, and from one address over all accounts, within
   * the window before that pair (or address) answers 429. Counting the pair, not the account alone, keeps an
   * attacker elsewhere from locking the real user out.
   */
  LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS: count.default(5),
  LOGIN_MAX_FAILURES_PER_ADDRESS: count.default(20),
  LOGIN_WINDOW_SECONDS: seconds.default(900),
  /**
   * Failures of an account from every address within the window after which each attempt on it waits before its
   * answer: LOGIN_SLOWDOWN_DELAY_MS, doubling with every further failure, at most LOGIN_SLOWDOWN_MAX_DELAY_MS.
   * The account is slowed down, never blocked: the right credentials still log in.
   */
  LOGIN_SLOWDOWN_AFTER_FAILURES: count.default(5),
  LOGIN_SLOWDOWN_DELAY_MS: z.coerce.number().int().min(1).max(60_000).default(250),
  LOGIN_SLOWDOWN_MAX_DELAY_MS: z.coerce.number().int().min(1).max(60_000).default(4_000),
});
export type IdentityConfig = z.infer<typeof identityEnv>;

/** The operator commands also read the first administrator's name and password (create-admin). */
export const identityCliEnv = serviceCliEnv(identityEnv).extend({
  ADMIN_USERNAME: z.string().min(3).max(64).default('admin'),
  ADMIN_PASSWORD: z.string().min(1).optional(),
});
export type IdentityCliConfig = z.infer<typeof identityCliEnv>;

/** Variables that changed meaning: refused by name, so an old setting is not silently ignored. */
export const IDENTITY_REPLACED_VARIABLES: Record<string, string> = {
  LOGIN_MAX_FAILURES_PER_ACCOUNT:
    'now counted per account and client address: set LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS (and LOGIN_SLOWDOWN_AFTER_FAILURES for the account over all addresses)',
};

export function loadIdentityCliConfig(env: Record<string, string | undefined> = process.env): IdentityCliConfig {
  return loadServiceConfig(identityCliEnv, env, ['ADMIN_PASSWORD']);
}
