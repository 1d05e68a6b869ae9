// `npm run secrets`: everything docker-compose.yml mounts, under secrets/ (git-ignored, owner-only), made once and
// kept on every later run:
//   - every process's own credentials (tools/lib/credentials.mjs): NATS NKey seeds; each service's database role
//     password, audit key and caller-token key; the gateway's signing key and caller-token secret;
//   - postgres.password: the `postgres` superuser's password (POSTGRES_PASSWORD when set on the first run, else
//     generated), and postgres.admin-url, the URL the one-shot migrations provision the roles with;
//   - nats-server.conf: the NATS users (public keys) and what each may publish and subscribe to, from the services'
//     bus contracts, for a server listening on 0.0.0.0:4222 with its JetStream store in /data.
// Derived files (caller-token key, admin URL, NATS configuration) follow their sources and are rewritten when these
// change. Needs the workspace built (the npm script builds first).
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePlatformCredentials, ensureSecretFile, natsServerConfigFor, writeDerivedFile } from './lib/credentials.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
process.chdir(ROOT);

const DIR = 'secrets';
/** The uid the app images run as (`USER node`). */
const CONTAINER_UID = 1000;
/** Written by `cli.js generate-signing-key` for the compose file of earlier releases. */
const LEGACY_SIGNING_KEY = join(DIR, 'auth_signing_key.pem');

const { PLATFORM_SERVICES } = createRequire(import.meta.url)('@contracts/registry');

/** What each file is, for the listing: the gateway's, then every registered service's four. */
const WHAT = {
  'gateway.nats-seed': "the gateway's NATS NKey seed",
  'gateway.signing.pem': "the gateway's Ed25519 signing key (access tokens)",
  'gateway.caller-token-secret': 'secret the caller-token keys are derived from (gateway only)',
  ...Object.fromEntries(
    PLATFORM_SERVICES.flatMap(({ bus: { service }, database: { role } }) => [
      [`${service}.nats-seed`, `${service}'s NATS NKey seed`],
      [`${service}.database-password`, `password of the database role ${role}`],
      [`${service}.audit-key`, `key of ${service}'s audit chain`],
      [`${service}.caller-token-key`, `key ${service} checks caller tokens with (derived)`],
    ]),
  ),
  'postgres.password': 'password of the PostgreSQL superuser postgres',
  'postgres.admin-url': 'superuser URL for the *-migrate containers (derived)',
  'nats-server.conf': 'nats-server configuration: users, permissions, JetStream (derived)',
};

const log = (line) => console.log(`[secrets] ${line}`);

try {
  main();
} catch (error) {
  if (error?.code === 'EACCES' || error?.code === 'EPERM') {
    console.error(`[secrets] ${error.path ?? 'a file under secrets/'} cannot be read or written by uid ${process.getuid?.()}.`);
    console.error('[secrets] Handed over to the containers? Take the files back, run again, then hand them over again:');
    console.error(`[secrets]   sudo chown "$(id -u)" ${DIR}/* && npm run secrets`);
  } else {
    console.error(`[secrets] ${error.stack ?? error}`);
  }
  process.exit(1);
}

function main() {
  const before = snapshot();

  // Sessions survive the move to the new layout: the signing key of an existing deployment is kept.
  const signing = join(DIR, 'gateway.signing.pem');
  let adoptedSigningKey = false;
  if (!existsSync(signing) && existsSync(LEGACY_SIGNING_KEY)) {
    copyFileSync(LEGACY_SIGNING_KEY, signing);
    chmodSync(signing, 0o600);
    adoptedSigningKey = true;
  }

  const { natsUsers } = ensurePlatformCredentials(DIR);
  const superuser = ensureSecretFile(DIR, 'postgres.password', () => `${process.env.POSTGRES_PASSWORD || randomBytes(24).toString('base64url')}\n`);
  writeDerivedFile(DIR, 'postgres.admin-url', `postgres://postgres:${encodeURIComponent(superuser.value)}@postgres:5432/records\n`);
  const nats = writeDerivedFile(DIR, 'nats-server.conf', natsServerConfigFor({ host: '0.0.0.0', port: 4222, storeDir: '/data', users: natsUsers }));

  const after = snapshot();
  log(`${DIR}/ (owner-only; docker-compose.yml mounts each file into the containers that need it, and no other):`);
  for (const [name, content] of after) {
    const state = !before.has(name) ? 'created' : before.get(name) === content ? 'kept' : 'updated';
    log(`  ${state.padEnd(8)} ${name.padEnd(32)} ${WHAT[name] ?? '(not used by docker-compose.yml)'}`);
  }
  if (adoptedSigningKey) log(`the signing key of ${LEGACY_SIGNING_KEY} is kept as gateway.signing.pem: sessions stay valid`);
  if (!before.has('postgres.password')) {
    log(process.env.POSTGRES_PASSWORD
      ? 'postgres.password is POSTGRES_PASSWORD.'
      : 'postgres.password was generated. PostgreSQL takes it only when its volume is created: for an existing pg-data ' +
        'volume, delete secrets/postgres.password and run again with POSTGRES_PASSWORD=<its superuser password>.');
  }

  console.log('');
  log('Next:');
  let step = 1;
  if (process.platform === 'linux' && process.getuid?.() !== CONTAINER_UID) {
    log(`  ${step++}. Docker on Linux mounts these files with their owner and mode as here, and the app containers run as uid`);
    log(`     ${CONTAINER_UID} (node): hand their files over (nats and postgres read theirs as root):`);
    log(`       sudo chown ${CONTAINER_UID} ${['gateway', ...PLATFORM_SERVICES.map(({ bus }) => bus.service)].map((name) => `${DIR}/${name}.*`).join(' ')} ${DIR}/postgres.admin-url`);
    log(`     To run \`npm run secrets\` again later, take them back first: sudo chown "$(id -u)" ${DIR}/*`);
  }
  log(`  ${step++}. ADMIN_PASSWORD=… docker compose up -d --build     (ADMIN_PASSWORD unset: generated, in \`docker compose logs identity-migrate\`)`);
  if (before.has('nats-server.conf') && nats.changed) log(`  ${step++}. nats-server.conf changed: docker compose up -d --force-recreate nats`);
  log(`  Keep a copy of ${DIR}/ somewhere safe and never commit it: a lost audit key leaves its chain unverifiable, a new`);
  log('  signing key logs everyone out.');
}

/** Each file under secrets/ with its content (null when it cannot be read). */
function snapshot() {
  const files = new Map();
  if (!existsSync(DIR)) return files;
  for (const name of readdirSync(DIR).sort()) {
    let content = null;
    try {
      content = readFileSync(join(DIR, name), 'utf8');
    } catch (error) {
      if (error.code === 'EISDIR') continue;
      throw error;
    }
    files.set(name, content);
  }
  return files;
}
