// Credentials for the processes a benchmark runs, made for the run and given to each process alone, as a
// deployment does (docs/access-control.md): an NKey per process with the permissions of the services' bus contracts,
// the gateway's caller-token secret and each service's key derived from it. Needs the workspace built.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { GATEWAY_BUS, PLATFORM_SERVICES } = require('@contracts/registry');
const { newNatsUserKey, platformNatsUsers } = require('@platform/nats');
const { callerTokenKey } = require('@platform/auth');

/** Every process's NKey seed, and the users (public keys, permissions) the run's nats-server lists. */
export function busCredentials() {
  const names = [GATEWAY_BUS.process, ...PLATFORM_SERVICES.map((service) => service.service)];
  const seeds = {};
  const publicKeys = {};
  for (const name of names) {
    const key = newNatsUserKey();
    seeds[name] = key.seed;
    publicKeys[name] = key.publicKey;
  }
  return { seeds, users: platformNatsUsers([GATEWAY_BUS], PLATFORM_SERVICES, publicKeys) };
}

/** The gateway's caller-token secret; `keyOf(service)` is the key that service checks tokens with (base64). */
export function callerTokens() {
  const secret = randomBytes(32);
  return { secret, keyOf: (service) => callerTokenKey(secret, service).toString('base64') };
}

/** Variables naming one process's credentials; the bench's own environment must not hand them to another. */
const CREDENTIALS = ['DATABASE_URL', 'DATABASE_PASSWORD', 'DATABASE_ADMIN_URL', 'NATS_URL', 'NATS_NKEY_SEED', 'AUDIT_KEY',
  'AUTH_SIGNING_KEY', 'CALLER_TOKEN_SECRET', 'CALLER_TOKEN_KEY', 'AUTH_PUBLIC_KEY', 'ADMIN_PASSWORD'];

/** `env` without any process's credentials (nor their `_FILE` forms). */
export function withoutCredentials(env = process.env) {
  const kept = { ...env };
  for (const name of CREDENTIALS) {
    delete kept[name];
    delete kept[`${name}_FILE`];
  }
  return kept;
}
