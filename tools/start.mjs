// `npm start`: the whole platform on one machine (ARCHITECTURE decision 9).
//
//   1. installs dependencies if node_modules is missing, and builds (tsc -b);
//   2. PostgreSQL: DATABASE_URL, else the machine's on 5432, else embedded PostgreSQL under .data/postgres;
//      NATS: NATS_URL, else the machine's on 4222, else nats-server started with JetStream under .data/nats;
//   3. migrates, then runs the gateway and the org-structure service side by side;
//   4. once the gateway is ready, loads the demo data on the first run (tools/demo);
//   5. Ctrl-C (or SIGTERM) stops the apps, then NATS and PostgreSQL if it started them, and exits 0.
//
// Only Node's own modules are imported up front: node_modules may not exist yet.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
process.chdir(ROOT);

const PORT = Number(process.env.PORT || 3000);
const HOST = process.env.HOST || '127.0.0.1';
const BASE_URL = `http://127.0.0.1:${PORT}`;
const DATA_DIR = join(ROOT, '.data');
const DEMO_MARKER = join(DATA_DIR, 'demo-loaded');
const READY_TIMEOUT_MS = 60_000;
const APPS = [
  { name: 'gateway', main: 'apps/gateway/dist/main.js', color: 'cyan' },
  { name: 'org-structure', main: 'apps/org-structure/dist/main.js', color: 'magenta' },
];
const MIGRATE = ['apps/org-structure/dist/cli.js', 'migrate'];

const log = (line) => console.log(`[start] ${line}`);
const warn = (line) => console.error(`[start] ${line}`);

/** Stop functions of what we started, in start order; run in reverse on the way out. */
const started = [];
/** An infrastructure start in progress, so a signal arriving meanwhile still stops what it brings up. */
let acquiring = null;
/** A child process of a step in progress (npm install, build, migrate). */
let step = null;
/** The apps, once running: `{ commands, result }` from concurrently. */
let apps = null;
let stopping = null;
let signals = 0;

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    signals += 1;
    if (signals === 1) {
      console.log('');
      log(`${signal}: stopping the platform…`);
      void shutdown(0);
    } else if (signals === 2) {
      warn('still stopping; press Ctrl-C once more to quit at once (what was started may be left running)');
    } else {
      process.exit(1);
    }
  });
}

main().catch(async (error) => {
  warn(error.message);
  await shutdown(1);
});

async function main() {
  if (!Number.isInteger(PORT) || PORT < 1 || PORT > 65_535) throw new Error(`PORT=${process.env.PORT} is not a TCP port`);
  if (await portTaken(PORT)) {
    warn(`Port ${PORT} is already in use (another \`npm start\` still running?), so the gateway cannot listen on it.`);
    warn(`Stop whatever listens on ${PORT}, or choose another port: PORT=3001 npm start`);
    process.exit(1);
  }

  if (!existsSync(join(ROOT, 'node_modules'))) {
    log('node_modules is missing: npm install');
    await run(npmCommand(), ['install'], 'npm install');
  }
  log('building: npm run build');
  await run(npmCommand(), ['run', 'build'], 'the build (npm run build)');
  const missing = [...APPS.map((app) => app.main), MIGRATE[0]].filter((file) => !existsSync(join(ROOT, file)));
  if (missing.length) throw new Error(`the build produced no ${missing.join(', ')}`);

  const infra = await import('./lib/infra.mjs');
  const infraLog = (line) => log(line);
  // Say so before starting anything when NATS will be needed and cannot be had.
  const natsUp = process.env.NATS_URL || (await infra.canConnect('127.0.0.1', 4222, 300));
  if (!natsUp && !infra.resolveNatsServerBinary()) {
    warn(new infra.MissingNatsServerError().message);
    process.exit(1);
  }
  const postgres = await acquire(infra.ensurePostgres({ log: infraLog }));
  const nats = await acquire(infra.ensureNats({ log: infraLog }).catch((error) => {
    if (error instanceof infra.MissingNatsServerError) {
      warn(error.message);
      error.message = 'cannot start without NATS';
    }
    throw error;
  }));

  const env = { DATABASE_URL: postgres.url, NATS_URL: nats.url };
  log('migrating the org_structure schema');
  await run(process.execPath, MIGRATE, 'the migration', { ...process.env, ...env });

  if (await portTaken(PORT)) throw new Error(`port ${PORT} was taken while the platform was being prepared; free it or set PORT`);
  await startApps(env);
  await waitUntilReady();
  await loadDemoOnce(infra.redact(postgres.url));

  console.log('');
  console.log(`Platform ready: API ${BASE_URL}/api/v1 — Swagger UI ${BASE_URL}/api/docs`);
  console.log('Press Ctrl-C to stop.');
}

/** Registers what an `ensure*` brought up for shutdown, even when a signal arrived while it was starting. */
async function acquire(promise) {
  acquiring = promise;
  const resource = await promise;
  acquiring = null;
  started.push(resource.stop);
  if (stopping) await new Promise(() => {}); // shutdown() is under way and exits the process
  return resource;
}

async function startApps(env) {
  const { concurrently } = await import('concurrently');
  apps = concurrently(
    APPS.map((app) => ({
      name: app.name,
      // `exec` lets the shell hand over to node, so signals reach the app itself.
      command: `${process.platform === 'win32' ? '' : 'exec '}"${process.execPath}" ${app.main}`,
      prefixColor: app.color,
      env: app.name === 'gateway' ? { ...env, PORT: String(PORT), HOST } : env,
    })),
    { prefix: '[{name}]', cwd: ROOT, killOthersOn: [], handleInput: false },
  );
  apps.result.catch(() => {});
  for (const command of apps.commands) {
    command.close.subscribe((event) => {
      if (!stopping) {
        warn(`${command.name} exited (code ${event.exitCode}); stopping the platform`);
        void shutdown(1);
      }
    });
  }
}

async function stopApps() {
  if (!apps) return;
  for (const command of apps.commands) command.kill('SIGTERM'); // a no-op for one that has exited
  const settled = apps.result.then(() => true, () => true);
  const timeout = new Promise((resolve) => setTimeout(() => resolve(false), 15_000));
  if (!(await Promise.race([settled, timeout]))) {
    warn('the apps did not stop within 15 s; killing them');
    for (const command of apps.commands) command.kill('SIGKILL');
    await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, 2_000))]);
  }
}

function shutdown(code) {
  stopping ??= (async () => {
    if (step && step.exitCode === null) step.kill('SIGTERM');
    await stopApps();
    if (acquiring) {
      const resource = await acquiring.catch(() => null);
      if (resource && !started.includes(resource.stop)) started.push(resource.stop);
    }
    // NATS after the apps, PostgreSQL last.
    for (const stop of started.reverse()) {
      try {
        await stop();
      } catch (error) {
        warn(error.message);
      }
    }
    process.exit(code);
  })();
  return stopping;
}

async function waitUntilReady() {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = 'no answer';
  log(`waiting for ${BASE_URL}/health/ready`);
  while (Date.now() < deadline) {
    if (stopping) await new Promise(() => {});
    try {
      const response = await fetch(`${BASE_URL}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
      last = `${response.status} ${(await response.text()).slice(0, 300)}`;
    } catch (error) {
      last = error.cause?.message ?? error.message;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the platform was not ready within ${READY_TIMEOUT_MS / 1000} s: GET ${BASE_URL}/health/ready last gave: ${last}`);
}

/**
 * The demo data goes in once per database: on the first run against it (the marker names the database it went
 * into), and never over data that is already there.
 */
async function loadDemoOnce(database) {
  const marker = readMarker();
  if (marker && marker.database === database) return;
  const markLoaded = () => {
    mkdirSync(DATA_DIR, { recursive: true });
    writeFileSync(DEMO_MARKER, `${JSON.stringify({ database, loadedAt: new Date().toISOString() })}\n`);
  };
  try {
    const response = await fetch(`${BASE_URL}/api/v1/org/units?code=TU-BN`, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`GET /api/v1/org/units?code=TU-BN answered ${response.status}: ${await response.text()}`);
    const page = await response.json();
    if (page.items?.length) {
      log('demo data: already present, not loaded again');
      markLoaded();
      return;
    }
    log('demo data: loading (first run)');
    const { loadDemo } = await import('./demo/load.mjs');
    await loadDemo(BASE_URL, (line) => log(line));
    markLoaded();
  } catch (error) {
    warn(`demo data could not be loaded: ${error.message}`);
    warn(`the platform keeps running; load it later with: node tools/demo/load.mjs ${BASE_URL}`);
  }
}

function readMarker() {
  try {
    return JSON.parse(readFileSync(DEMO_MARKER, 'utf8'));
  } catch {
    return existsSync(DEMO_MARKER) ? { database: null } : null;
  }
}

function npmCommand() {
  return process.platform === 'win32' ? 'npm.cmd' : 'npm';
}

/** Runs a step with the terminal attached; rejects when it fails. */
function run(command, args, what, env = process.env) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: 'inherit', shell: process.platform === 'win32' });
    step = child;
    child.once('error', (error) => reject(new Error(`${what} could not start: ${error.message}`)));
    child.once('exit', (code, signal) => {
      step = null;
      if (stopping) return; // shutdown() exits the process
      if (code === 0) resolve();
      else reject(new Error(`${what} failed (${signal ? `signal ${signal}` : `exit code ${code}`})`));
    });
  });
}

/** True when something already listens on `port` (or it cannot be bound on HOST). */
async function portTaken(port) {
  const answers = await new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, '127.0.0.1', () => done(true));
  });
  if (answers) return true;
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error) => resolve(error.code === 'EADDRINUSE' || error.code === 'EACCES'));
    server.listen({ port, host: HOST, exclusive: true }, () => server.close(() => resolve(false)));
  });
}
