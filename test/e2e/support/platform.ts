import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createTestDatabase, freePort, startNatsServer, waitFor, type TestDatabase, type TestNatsServer } from '@platform/testing';

const ROOT = join(__dirname, '..', '..', '..');
const GATEWAY_MAIN = join(ROOT, 'apps/gateway/dist/main.js');
const ORG_MAIN = join(ROOT, 'apps/org-structure/dist/main.js');
const ORG_CLI = join(ROOT, 'apps/org-structure/dist/cli.js');

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
  http<T = Json>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpResponse<T>>;
  /** Sends a raw body with the given content type, for malformed-input tests. */
  raw<T = Json>(method: string, path: string, body: string, contentType: string): Promise<HttpResponse<T>>;
  killOrgStructure(): Promise<void>;
  startOrgStructure(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The platform as a client meets it: the compiled gateway and org-structure processes (built by `npm test`),
 * on a private nats-server and a fresh database, reached over HTTP.
 */
export async function startPlatform(options: { requestTimeoutMs?: number } = {}): Promise<Platform> {
  const nats = await startNatsServer();
  const database = await createTestDatabase('e2e');
  const port = await freePort();
  const requestTimeoutMs = options.requestTimeoutMs ?? 2_000;
  const env = {
    ...process.env,
    DATABASE_URL: database.url,
    NATS_URL: nats.url,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    PORT: String(port),
    HOST: '127.0.0.1',
    NATS_REQUEST_TIMEOUT_MS: String(requestTimeoutMs),
    READINESS_TIMEOUT_MS: '500',
    OUTBOX_POLL_MS: '200',
  };
  const migrate = spawnSync(process.execPath, [ORG_CLI, 'migrate'], { env, encoding: 'utf8' });
  if (migrate.status !== 0) throw new Error(`migrate failed: ${migrate.stdout}${migrate.stderr}`);

  const children = new Set<ChildProcess>();
  const launch = (main: string) => {
    const child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    children.add(child);
    child.once('exit', () => children.delete(child));
    return child;
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const ready = () => fetch(`${baseUrl}/health/ready`).then((r) => r.status === 200, () => false);

  let org = launch(ORG_MAIN);
  const gateway = launch(GATEWAY_MAIN);
  await waitFor(ready, 30_000, 'the platform to be ready');

  const request = async <T>(method: string, path: string, body: string | undefined, headers: Record<string, string>) => {
    const response = await fetch(`${baseUrl}${path}`, { method, body, headers });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    return {
      status: response.status,
      contentType,
      headers: response.headers,
      body: (contentType.includes('json') && text ? JSON.parse(text) : text) as T,
    };
  };

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
    http: (method, path, body, headers = {}) =>
      request(method, path, body === undefined ? undefined : JSON.stringify(body), {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      }),
    raw: (method, path, body, contentType) => request(method, path, body, { 'content-type': contentType }),
    async killOrgStructure() {
      await stopChild(org, 'SIGKILL');
    },
    async startOrgStructure() {
      org = launch(ORG_MAIN);
      await waitFor(ready, 30_000, 'org-structure to answer again');
    },
    async stop() {
      await Promise.all([...children].map((child) => stopChild(child, 'SIGTERM')));
      void gateway;
      await nats.stop();
      await database.drop();
    },
  };
}
