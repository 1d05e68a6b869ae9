// Credentials for the processes a benchmark runs, made for the run and given to each process alone, as a
// deployment does (docs/access-control.md): an NKey per process with the permissions of the services' bus contracts,
// the gateway's caller-token secret and each service's key derived from it. Needs the workspace built.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { GATEWAY_BUS, PLATFORM_SERVICE_BUSES } = require('@contracts/registry');
const { newBusCredentials } = require('@platform/testing');
const { callerTokenKey } = require('@platform/auth');

/** Every process's NKey seed, and the users (public keys, permissions) the run's nats-server lists. */
export function busCredentials() {
  return newBusCredentials([GATEWAY_BUS], PLATFORM_SERVICE_BUSES);
}

/** The gateway's caller-token secret; `keyOf(service)` is the key that service checks tokens with (base64). */
export function callerTokens() {
  const secret = randomBytes(32);
  return { secret, keyOf: (service) => callerTokenKey(secret, service).toString('base64') };
}

export { withoutCredentials } from '../../tools/lib/credentials.mjs';
