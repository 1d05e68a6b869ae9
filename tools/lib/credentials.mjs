// The platform's credentials, one set of files per deployment: what each process needs and no more
// (docs/access-control.md). Read by `npm start` (under .data/keys) and by `npm run secrets` for docker-compose
// (under secrets/). Files are created once, owner-only, and kept: a new signing key would log everyone out, a new
// audit key would leave the chains written so far unverifiable.
//
// Needs the workspace built (`npm run build`): the permissions come from the services' bus contracts.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { randomBytes, generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

/** The built libraries (CommonJS), loaded only when needed: node_modules may not exist when this is imported. */
function libraries() {
  return {
    registry: require('@contracts/registry'),
    nats: require('@platform/nats'),
    auth: require('@platform/auth'),
  };
}


function writeOwnerOnly(path, content) {
  writeFileSync(path, content, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** The file's content, made by `make` the first time. */
function kept(dir, name, make) {
  const path = join(dir, name);
  if (!existsSync(path)) writeOwnerOnly(path, make());
  return { path, value: readFileSync(path, 'utf8').trim() };
}

/** A secret of the deployment's own beside the platform's (e.g. a database superuser's password): made once, kept. */
export function ensureSecretFile(dir, name, make) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return kept(dir, name, make);
}

/**
 * A file that follows other secrets or the contracts (a URL holding a password, a server configuration), owner-only;
 * written only when its content changes, so an unchanged file keeps its owner and modification time.
 */
export function writeDerivedFile(dir, name, content) {
  const path = join(dir, name);
  const current = existsSync(path) ? readFileSync(path, 'utf8') : null;
  if (current !== content) writeOwnerOnly(path, content);
  return { path, changed: current !== content };
}

/** Audit keys a service takes over from the process whose schema it now owns (see ensurePlatformCredentials). */
const LEGACY_AUDIT_KEYS = { identity: 'gateway.audit-key' };

const randomKey = () => `${randomBytes(32).toString('base64')}\n`;

/**
 * Creates what is missing under `dir` and answers, for each process, the variables pointing at its files
 * (`NAME_FILE`, as the apps read secrets), its database role and password, and the NATS users (public keys and
 * permissions) a nats-server must know.
 */
export function ensurePlatformCredentials(dir) {
  const { registry, nats, auth } = libraries();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const clients = [registry.GATEWAY_BUS];
  const services = registry.PLATFORM_SERVICE_BUSES;
  const names = [...clients.map((client) => client.process), ...services.map((service) => service.service)];

  const publicKeys = {};
  const processes = {};
  for (const name of names) {
    const seed = kept(dir, `${name}.nats-seed`, () => `${nats.newNatsUserKey().seed}\n`);
    publicKeys[name] = nats.natsPublicKeyOf(seed.value);
    processes[name] = { databaseRole: null, databasePassword: null, env: { NATS_NKEY_SEED_FILE: seed.path } };
  }
  // Only services keep records: each its own database role and audit chain. The gateway has neither.
  for (const { bus, database } of registry.PLATFORM_SERVICES) {
    const password = kept(dir, `${bus.service}.database-password`, () => `${randomBytes(18).toString('base64url')}\n`);
    // A chain keeps its key when its schema changes hands: identity's was the gateway's until identity had a
    // service of its own, and records written then verify only under that key.
    const legacy = LEGACY_AUDIT_KEYS[bus.service];
    const audit = kept(dir, `${bus.service}.audit-key`, () =>
      legacy && existsSync(join(dir, legacy)) ? readFileSync(join(dir, legacy), 'utf8') : randomKey(),
    );
    Object.assign(processes[bus.service], { databaseRole: database.role, databasePassword: password.value });
    Object.assign(processes[bus.service].env, { DATABASE_PASSWORD_FILE: password.path, AUDIT_KEY_FILE: audit.path });
  }

  const signing = kept(dir, 'gateway.signing.pem', () =>
    generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  );
  const callerSecret = kept(dir, 'gateway.caller-token-secret', randomKey);
  Object.assign(processes.gateway.env, { AUTH_SIGNING_KEY_FILE: signing.path, CALLER_TOKEN_SECRET_FILE: callerSecret.path });
  for (const { service } of services) {
    const key = auth.callerTokenKey(Buffer.from(callerSecret.value, 'base64'), service).toString('base64');
    // Derived, so always rewritten: it follows the gateway's secret.
    const path = join(dir, `${service}.caller-token-key`);
    writeOwnerOnly(path, `${key}\n`);
    processes[service].env.CALLER_TOKEN_KEY_FILE = path;
  }
  return { processes, natsUsers: nats.platformNatsUsers(clients, services, publicKeys) };
}

/** A nats-server configuration for the platform's processes (JSON, which nats-server reads). */
export function natsServerConfigFor({ host, port, storeDir, users }) {
  return libraries().nats.natsServerConfig({ host, port, storeDir, users });
}

/** `url` with another user and password: a service's own login on the same server and database. */
export function withCredentials(url, user, password) {
  const parsed = new URL(url);
  parsed.username = user;
  parsed.password = password;
  return parsed.toString();
}

/** Variables naming one process's credentials, each also as `NAME_FILE`. */
export const CREDENTIAL_VARIABLES = ['DATABASE_URL', 'DATABASE_PASSWORD', 'DATABASE_ADMIN_URL', 'NATS_URL', 'NATS_NKEY_SEED', 'AUDIT_KEY',
  'AUTH_SIGNING_KEY', 'CALLER_TOKEN_SECRET', 'CALLER_TOKEN_KEY', 'AUTH_PUBLIC_KEY', 'ADMIN_PASSWORD'];

/**
 * `env` without any process's credentials, so that a tool's own environment never hands one process's to another.
 * An undefined value keeps a variable out of a child's environment, also where the parent's is merged in.
 */
export function withoutCredentials(env = process.env) {
  const kept = { ...env };
  for (const name of CREDENTIAL_VARIABLES) {
    kept[name] = undefined;
    kept[`${name}_FILE`] = undefined;
  }
  return kept;
}
