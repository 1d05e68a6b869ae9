// The platform for benchmarks: compiled gateway, identity and org-structure processes on a private nats-server and a
// scratch database, with an administrator and a read-only user logged in. Like the end-to-end tests, nothing
// is shared with a platform left running on the machine, and every process runs as deployed: its own NKey on a
// server that authenticates every connection, its own database role (never a superuser), its own audit key.
import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Secret, TOTP } from 'otpauth';
import { REPO_ROOT, canConnect, resolveNatsServerBinary, sleep, waitFor } from '../../tools/lib/infra.mjs';
import { busCredentials, callerTokens, withoutCredentials } from './credentials.mjs';
import { createDatabase } from './databases.mjs';

const require = createRequire(import.meta.url);
const { natsServerConfig } = require('@platform/nats');
const { ORG_SERVICE } = require('@contracts/org-structure');
const { IDENTITY_SERVICE } = require('@contracts/identity');

export const node = process.execPath;
export const app = (name, file = 'main.js') => join(REPO_ROOT, `apps/${name}/dist/${file}`);

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A private nats-server with JetStream that lets in only `users` (NKeys), each with its permissions. */
export async function startNats(users) {
  const port = await freePort();
  const store = mkdtempSync(join(tmpdir(), 'bench-nats-'));
  const configFile = join(store, 'nats-server.conf');
  writeFileSync(configFile, natsServerConfig({ host: '127.0.0.1', port, storeDir: store, users }), { mode: 0o600 });
  const child = spawn(resolveNatsServerBinary(), ['-c', configFile], { stdio: 'ignore' });
  await waitFor(() => canConnect('127.0.0.1', port), 10_000, 'nats-server');
  return {
    url: `nats://127.0.0.1:${port}`,
    pid: child.pid,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(store, { recursive: true, force: true });
    },
  };
}

/** The code an authenticator enrolled with `secret` shows at `timestamp` (now by default). */
export function totpCode(secret, timestamp = Date.now()) {
  return new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) }).generate({ timestamp });
}

/** Starts the platform; `orgReplicas` org-structure processes share the queue group. */
export async function startPlatform({ orgReplicas = 1, env: extraEnv = {}, nodeArgs = {} } = {}) {
  const bus = busCredentials();
  const nats = await startNats(bus.users);
  const database = await createDatabase('bench');
  const port = await freePort();
  const keyDir = mkdtempSync(join(tmpdir(), 'bench-keys-'));
  const { privateKey } = generateKeyPairSync('ed25519');
  writeFileSync(join(keyDir, 'signing.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const callers = callerTokens();
  const common = {
    ...withoutCredentials(process.env),
    NATS_URL: nats.url,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '1000000',
    ...extraEnv,
  };
  // Each process gets only its own credentials, as in a deployment.
  const envs = {
    gateway: {
      ...common,
      NATS_NKEY_SEED: bus.seeds.gateway,
      AUTH_SIGNING_KEY_FILE: join(keyDir, 'signing.pem'),
      CALLER_TOKEN_SECRET: callers.secret.toString('base64'),
    },
    [IDENTITY_SERVICE]: {
      ...common,
      DATABASE_URL: database.serviceUrl(IDENTITY_SERVICE),
      NATS_NKEY_SEED: bus.seeds[IDENTITY_SERVICE],
      CALLER_TOKEN_KEY: callers.keyOf(IDENTITY_SERVICE),
      AUDIT_KEY: database.auditKey(IDENTITY_SERVICE),
    },
    [ORG_SERVICE]: {
      ...common,
      DATABASE_URL: database.serviceUrl(ORG_SERVICE),
      NATS_NKEY_SEED: bus.seeds[ORG_SERVICE],
      CALLER_TOKEN_KEY: callers.keyOf(ORG_SERVICE),
      AUDIT_KEY: database.auditKey(ORG_SERVICE),
    },
  };
  const asAdministrator = { DATABASE_ADMIN_URL: database.url };
  const admin = { ADMIN_USERNAME: 'bench-admin', ADMIN_PASSWORD: 'bench-admin-passphrase' };
  for (const [command, env] of [
    [[app('org-structure', 'cli.js'), 'migrate'], { ...envs[ORG_SERVICE], ...asAdministrator }],
    [[app('identity', 'cli.js'), 'migrate'], { ...envs[IDENTITY_SERVICE], ...asAdministrator }],
    [[app('identity', 'cli.js'), 'create-admin'], { ...envs[IDENTITY_SERVICE], ...admin }],
  ]) {
    const result = spawnSync(node, command, { env, encoding: 'utf8' });
    if (result.status !== 0) {
      await nats.stop();
      await database.drop();
      rmSync(keyDir, { recursive: true, force: true });
      throw new Error(`${command.join(' ')}: ${result.stdout}${result.stderr}`);
    }
  }
  const children = [];
  const launch = (main, env, args = []) => {
    const child = spawn(node, [...args, main], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    child.output = '';
    child.stdout.on('data', (chunk) => (child.output += chunk));
    children.push(child);
    return child;
  };
  const orgs = [];
  for (let i = 0; i < orgReplicas; i++) orgs.push(launch(app('org-structure'), envs[ORG_SERVICE], nodeArgs.orgStructure));
  const identity = launch(app('identity'), envs[IDENTITY_SERVICE], nodeArgs.identity);
  const gateway = launch(app('gateway'), envs.gateway, nodeArgs.gateway);
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitFor(async () => (await fetch(`${baseUrl}/health/ready`).catch(() => null))?.status === 200, 30_000, 'platform ready');
  } catch (error) {
    for (const child of children) child.kill('SIGKILL');
    await nats.stop();
    await database.drop();
    rmSync(keyDir, { recursive: true, force: true });
    throw error;
  }

  const post = async (path, body, token) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json().catch(() => null) };
  };
  const login = async (username, password) => {
    let attempt = await post('/api/v1/auth/login', { username, password });
    if (attempt.status === 403) {
      const enrol = await post('/api/v1/auth/totp/enrol', { username, password });
      await post('/api/v1/auth/totp/confirm', { username, password, code: totpCode(enrol.body.secret) });
      // The confirming code is spent; the gateway takes the next 30-s step's code already.
      attempt = await post('/api/v1/auth/login', { username, password, totp: totpCode(enrol.body.secret, Date.now() + 30_000) });
    }
    if (attempt.status !== 200) throw new Error(`login ${username}: ${JSON.stringify(attempt.body)}`);
    return attempt.body.accessToken;
  };
  const adminToken = await login('bench-admin', 'bench-admin-passphrase');
  const reader = await post('/api/v1/admin/users', { username: 'bench-reader', displayName: 'Bench reader', password: 'bench-reader-passphrase' }, adminToken);
  await post(`/api/v1/admin/users/${reader.body.id}/roles`, { role: 'records-clerk', unitId: null }, adminToken);
  const readerToken = await login('bench-reader', 'bench-reader-passphrase');

  return {
    baseUrl,
    /** The environment `process` (gateway, org-structure) runs with: its own credentials only. */
    envOf: (process) => ({ ...envs[process] }),
    /** Every process's NKey seed, to reach the bus as one of them. */
    seeds: bus.seeds,
    /** The gateway's caller-token secret, to sign requests to a service as the gateway does. */
    callerSecret: callers.secret,
    nats,
    database,
    adminToken,
    readerToken,
    orgs,
    /** Process ids, for measuring the CPU each one spends. */
    pids: { gateway: gateway.pid, identity: identity.pid, orgs: orgs.map((child) => child.pid), nats: nats.pid },
    post,
    /** Stops every process; resolves with each org-structure replica's stdout (its shutdown log). */
    async stop() {
      await Promise.all(
        children.map(
          (child) =>
            new Promise((resolve) => {
              if (child.exitCode !== null && child.stdout.readableEnded) return resolve();
              // 'close', not 'exit': the last log lines may still be in the pipe when the process exits.
              child.once('close', resolve);
              child.kill('SIGTERM');
            }),
        ),
      );
      await sleep(100);
      await nats.stop();
      await database.drop();
      rmSync(keyDir, { recursive: true, force: true });
      return orgs.map((child) => child.output);
    },
  };
}

/** A small tree to read from: `provinces` × `communes` party committees, imported through the API. */
export async function seedUnits(platform, { provinces = 10, communes = 100 } = {}) {
  const rows = [];
  for (let p = 1; p <= provinces; p++) {
    rows.push({ code: `B-P${p}`, name: `Tỉnh ủy Thử nghiệm ${p}`, kind: 'party_committee', level: 'province', block: 'party', validFrom: '2020-10-15' });
    for (let c = 1; c <= communes; c++) {
      rows.push({ code: `B-P${p}-C${c}`, name: `Đảng ủy xã Số ${c} tỉnh ${p}`, kind: 'party_committee', level: 'commune', block: 'party', parentCode: `B-P${p}`, validFrom: '2020-10-15' });
    }
  }
  const result = await platform.post('/api/v1/org/imports', { format: 'json', rows }, platform.adminToken);
  if (result.status !== 201) throw new Error(`seed import: ${JSON.stringify(result.body)}`);
  const client = new pg.Client({ connectionString: platform.database.url });
  await client.connect();
  const { rows: ids } = await client.query('SELECT unit_id FROM org_structure.unit_version WHERE valid_to IS NULL ORDER BY code');
  await client.end();
  return ids.map((row) => row.unit_id);
}
