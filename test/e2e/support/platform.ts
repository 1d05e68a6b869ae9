import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Secret, TOTP } from 'otpauth';
import { callerTokenKey, generateSigningKeyPair } from '@platform/auth';
import { IDENTITY_ERRORS, IDENTITY_SERVICE } from '@contracts/identity';
import { GATEWAY_BUS, PLATFORM_SERVICE_BUSES, PLATFORM_SERVICES, SERVICE_ROUTES } from '@contracts/registry';
import { ORG_ERRORS } from '@contracts/org-structure';
import { auditRoutes, type AnyRoute } from '@contracts/common';
import { natsAuthOptions } from '@platform/nats';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createTestDatabase,
  freePort,
  newBusCredentials,
  routeAnswerProblems,
  startNatsServer,
  waitFor,
  type BusCredentials,
  type TestDatabase,
  type TestNatsServer,
} from '@platform/testing';

const ROOT = join(__dirname, '..', '..', '..');
const mainOf = (app: string) => join(ROOT, 'apps', app, 'dist/main.js');
const cliOf = (app: string) => join(ROOT, 'apps', app, 'dist/cli.js');
const GATEWAY = 'gateway';
export const ADMIN = { username: 'admin', password: 'e2e-admin-Passphrase' };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted field by field
export type Json = any;

export interface HttpResponse<T = Json> {
  status: number;
  contentType: string;
  headers: Headers;
  body: T;
}

export interface Platform {
  baseUrl: string;
  nats: TestNatsServer;
  database: TestDatabase;
  requestTimeoutMs: number;
  /** The administrator's access token; `http` sends it unless `headers.authorization` says otherwise. */
  adminToken: string;
  /** The gateway's signing key, to forge tokens in tests of token checks. */
  signingKeyPem: string;
  /** Every process's NKey seed: a test connects to the bus as one of them (or as no one) to attack it. */
  bus: BusCredentials;
  /** A connection to the bus as `process`, closed with the platform. */
  connectAs(process: string): Promise<NatsConnection>;
  /** The database URL a service logs in with (its own role). */
  serviceDatabaseUrl(service: string): string;
  /** The environment a process runs with (its own credentials), for running its operator commands. */
  envOf(process: string): Record<string, string | undefined>;
  /** Runs SQL as the database's administrator, for set-up, for assertions, and to play someone who owns the server. */
  sql<Row = Json>(text: string, params?: unknown[]): Promise<Row[]>;
  /** The audit key of each service's chain, as the platform's configuration holds them. */
  auditKeys: Record<string, Buffer>;
  http<T = Json>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpResponse<T>>;
  /** A user with one role (over a unit, or everywhere), logged in; second factor enrolled when the role needs it. */
  userWithRole(role: string, unitId: string | null): Promise<{ id: string; username: string; password: string; token: string }>;
  /** Logs in, enrolling and answering a second factor when the account needs one. */
  login(username: string, password: string): Promise<{ accessToken: string; refreshToken: string }>;
  /** Sends a raw body with the given content type, for malformed-input tests. */
  raw<T = Json>(method: string, path: string, body: string, contentType: string): Promise<HttpResponse<T>>;
  /** SIGKILL of one service's process, and its start again (waiting until the platform is ready). */
  killService(service: string): Promise<void>;
  startService(service: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The platform as a client meets it: the compiled gateway and every registered service (built by `npm test`),
 * on a private nats-server and a fresh database, reached over HTTP.
 */
export async function startPlatform(options: { requestTimeoutMs?: number; env?: Record<string, string> } = {}): Promise<Platform> {
  const bus = newBusCredentials([GATEWAY_BUS], PLATFORM_SERVICE_BUSES);
  const nats = await startNatsServer({ users: bus.users });
  const database = await createTestDatabase('e2e');
  const callerSecret = randomBytes(32);
  const auditKeys: Record<string, Buffer> = Object.fromEntries(PLATFORM_SERVICES.map(({ bus }) => [bus.service, randomBytes(32)]));
  const port = await freePort();
  const requestTimeoutMs = options.requestTimeoutMs ?? 2_000;
  const keyDir = mkdtempSync(join(tmpdir(), 'keys-'));
  const keys = await generateSigningKeyPair();
  writeFileSync(join(keyDir, 'signing.pem'), keys.privateKeyPem, { mode: 0o600 });
  const common = {
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    LOGIN_MAX_FAILURES_PER_ADDRESS: '1000',
    RATE_LIMIT_PER_MINUTE: '100000',
    ...process.env,
    NATS_URL: nats.url,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    PORT: String(port),
    HOST: '127.0.0.1',
    NATS_REQUEST_TIMEOUT_MS: String(requestTimeoutMs),
    READINESS_TIMEOUT_MS: '500',
    OUTBOX_POLL_MS: '200',
    ...options.env,
  };
  // Each process gets only its own credentials, as in a deployment.
  const gatewayEnv = {
    ...common,
    NATS_NKEY_SEED: bus.seeds.gateway,
    AUTH_SIGNING_KEY_FILE: join(keyDir, 'signing.pem'),
    CALLER_TOKEN_SECRET: callerSecret.toString('base64'),
  };
  const envs: Record<string, Record<string, string | undefined>> = { [GATEWAY]: gatewayEnv };
  for (const { bus: { service } } of PLATFORM_SERVICES) {
    envs[service] = {
      ...common,
      DATABASE_URL: database.serviceUrl(service),
      NATS_NKEY_SEED: bus.seeds[service],
      CALLER_TOKEN_KEY: callerTokenKey(callerSecret, service).toString('base64'),
      AUDIT_KEY: auditKeys[service].toString('base64'),
    };
  }
  const appOf = (name: string) => (name === GATEWAY ? GATEWAY : (PLATFORM_SERVICES.find(({ bus }) => bus.service === name)?.app ?? name));
  const admin = { DATABASE_ADMIN_URL: database.url };
  for (const [command, env] of [
    ...PLATFORM_SERVICES.map(({ app, bus: { service } }) => [[cliOf(app), 'migrate'], { ...envs[service], ...admin }] as const),
    [[cliOf(appOf(IDENTITY_SERVICE)), 'create-admin'], envs[IDENTITY_SERVICE]],
  ] as const) {
    const result = spawnSync(process.execPath, command, { env, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${command.join(' ')} failed: ${result.stdout}${result.stderr}`);
  }

  const children = new Set<ChildProcess>();
  const connections: NatsConnection[] = [];
  const running = new Map<string, ChildProcess>();
  const launch = (name: string) => {
    const child = spawn(process.execPath, [mainOf(appOf(name))], { env: envs[name], stdio: ['ignore', 'inherit', 'inherit'] });
    children.add(child);
    running.set(name, child);
    child.once('exit', () => children.delete(child));
    return child;
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const ready = () => fetch(`${baseUrl}/health/ready`).then((r) => r.status === 200, () => false);

  for (const { bus: { service } } of PLATFORM_SERVICES) launch(service);
  launch(GATEWAY);
  await waitFor(ready, 30_000, 'the platform to be ready');

  const request = async <T>(method: string, path: string, body: string | undefined, headers: Record<string, string>) => {
    const response = await fetch(`${baseUrl}${path}`, { method, body, headers });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    const answer = {
      status: response.status,
      contentType,
      headers: response.headers,
      body: (contentType.includes('json') && text ? JSON.parse(text) : text) as T,
    };
    checkAgainstRoute(method, path, answer);
    return answer;
  };

  const totpSecrets = new Map<string, string>();
  // The gateway accepts each time step of a user's authenticator once (RFC 6238 §5.2), and at most one step
  // ahead of its clock: each code the harness sends is of a later step than the last, waiting when it must.
  const lastTotpSteps = new Map<string, number>();
  const freshTotpCode = async (username: string, secret: string) => {
    const step = Math.max(Math.floor(Date.now() / TOTP_PERIOD_MS), (lastTotpSteps.get(username) ?? -1) + 1);
    const wait = (step - 1) * TOTP_PERIOD_MS - Date.now();
    if (wait > 0) await sleep(wait + 100);
    lastTotpSteps.set(username, step);
    return totpCode(secret, step * TOTP_PERIOD_MS);
  };
  const login = async (username: string, password: string) => {
    let attempt = await request<Json>('POST', '/api/v1/auth/login', JSON.stringify({ username, password }), { 'content-type': 'application/json' });
    if (attempt.status === 403 && attempt.body.code === 'AUTH_SECOND_FACTOR_ENROLMENT_REQUIRED') {
      const enrol = await request<Json>('POST', '/api/v1/auth/totp/enrol', JSON.stringify({ username, password }), { 'content-type': 'application/json' });
      totpSecrets.set(username, enrol.body.secret);
      const code = await freshTotpCode(username, enrol.body.secret);
      await request('POST', '/api/v1/auth/totp/confirm', JSON.stringify({ username, password, code }), { 'content-type': 'application/json' });
    }
    const secret = totpSecrets.get(username);
    const body = secret ? { username, password, totp: await freshTotpCode(username, secret) } : { username, password };
    attempt = await request<Json>('POST', '/api/v1/auth/login', JSON.stringify(body), { 'content-type': 'application/json' });
    if (attempt.status !== 200) throw new Error(`login of ${username} failed: ${JSON.stringify(attempt.body)}`);
    return { accessToken: attempt.body.accessToken as string, refreshToken: attempt.body.refreshToken as string };
  };
  const adminToken = (await login(ADMIN.username, ADMIN.password)).accessToken;
  const authorised = (headers: Record<string, string>) =>
    'authorization' in headers ? headers : { authorization: `Bearer ${adminToken}`, ...headers };
  let users = 0;

  const stopChild = (child: ChildProcess, signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    });

  return {
    baseUrl,
    nats,
    database,
    requestTimeoutMs,
    adminToken,
    signingKeyPem: keys.privateKeyPem,
    bus,
    auditKeys,
    serviceDatabaseUrl: (service) => database.serviceUrl(service),
    envOf: (process) => {
      if (!envs[process]) throw new Error(`no process ${process} in the platform`);
      return { ...envs[process] };
    },
    async sql<Row>(text: string, params: unknown[] = []) {
      const client = new Client({ connectionString: database.url });
      await client.connect();
      try {
        return (await client.query(text, params)).rows as Row[];
      } finally {
        await client.end();
      }
    },
    async connectAs(process) {
      const seed = bus.seeds[process];
      if (!seed) throw new Error(`no bus credentials for ${process}`);
      const connection = await connect({ servers: nats.url, ...natsAuthOptions(process, seed) });
      connections.push(connection);
      return connection;
    },
    http: (method, path, body, headers = {}) =>
      request(method, path, body === undefined ? undefined : JSON.stringify(body), authorised({
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      })),
    raw: (method, path, body, contentType) => request(method, path, body, authorised({ 'content-type': contentType })),
    login,
    async userWithRole(role, unitId) {
      users += 1;
      const username = `user${users}-${role}`;
      const password = `pass-${role}-${users}-long-enough`;
      const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
      const created = await request<Json>('POST', '/api/v1/admin/users', JSON.stringify({ username, displayName: username, password }), headers);
      if (created.status !== 201) throw new Error(`create user failed: ${JSON.stringify(created.body)}`);
      const assigned = await request<Json>('POST', `/api/v1/admin/users/${created.body.id}/roles`, JSON.stringify({ role, unitId, validFrom: '2000-01-01' }), headers);
      if (assigned.status !== 201) throw new Error(`assign role failed: ${JSON.stringify(assigned.body)}`);
      const { accessToken } = await login(username, password);
      return { id: created.body.id, username, password, token: accessToken };
    },
    async killService(service) {
      const child = running.get(service);
      if (child) await stopChild(child, 'SIGKILL');
    },
    async startService(service) {
      launch(service);
      await waitFor(ready, 30_000, `${service} to answer again`);
    },
    async stop() {
      await Promise.all(connections.map((connection) => connection.close().catch(() => undefined)));
      await Promise.all([...children].map((child) => stopChild(child, 'SIGTERM')));
      await nats.stop();
      await database.drop();
    },
  };
}

/** The routes whose answers every test checks against their statement: the services' and the audit records' page. */
const CHECKED_ROUTES: Array<{ route: AnyRoute; pattern: RegExp }> = [...SERVICE_ROUTES, auditRoutes('gateway').events].map((route) => ({
  route,
  pattern: new RegExp(`^${route.path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));
const SERVICE_CODES = new Set([...Object.keys(IDENTITY_ERRORS), ...Object.keys(ORG_ERRORS)]);

/**
 * Every answer of a table route is held to the route: a success must be what its response schema describes, a
 * service's error one the route declares. A test that gets anything else fails with the difference.
 */
function checkAgainstRoute(method: string, path: string, answer: HttpResponse): void {
  const bare = path.split('?')[0];
  const match = CHECKED_ROUTES.find(({ route, pattern }) => route.method === method && pattern.test(bare));
  if (!match || typeof answer.body !== 'object' || answer.body === null) return;
  const outcome =
    answer.status === match.route.status ? { ok: true as const, body: answer.body } : answer.status >= 400 ? { ok: false as const, code: String(answer.body.code) } : null;
  const problems = outcome ? routeAnswerProblems(match.route, outcome, SERVICE_CODES) : [`${method} ${path} answered ${answer.status}, not ${match.route.status}`];
  if (problems.length > 0) throw new Error(`${method} ${path}: ${problems.join('; ')}`);
}

export const TOTP_PERIOD_MS = 30_000;

/** The code an authenticator enrolled with `secret` shows at `timestamp` (now by default). */
export function totpCode(secret: string, timestamp = Date.now()): string {
  return new TOTP({ algorithm: 'SHA1', digits: 6, period: TOTP_PERIOD_MS / 1_000, secret: Secret.fromBase32(secret) }).generate({ timestamp });
}
