// `npm start`: the whole platform on one machine (ARCHITECTURE decision 9).
//
//   1. installs dependencies if node_modules is missing, and builds (tsc -b);
//   2. every process's credentials, generated once under .data/keys (owner-only): NATS NKeys, database role
//      passwords, audit keys, the gateway's signing key and caller-token secret (tools/lib/credentials.mjs);
//   3. PostgreSQL: DATABASE_URL (an administrator's connection), else the machine's on 5432, else embedded
//      PostgreSQL under .data/postgres; NATS: NATS_URL (a server that authorises the keys above), else nats-server
//      started on 127.0.0.1:NATS_PORT (4223) with JetStream and authentication under .data/nats; a NATS without
//      authentication (such as a machine's own on 4222) is never used;
//   4. migrates every service's schema (the registry's, libs/contracts/registry) as the services' own roles,
//      created and sealed with the administrator's connection, and creates the first administrator (identity's
//      create-admin) when there is none,
//      with ADMIN_USERNAME / ADMIN_PASSWORD when set, else a generated password shown once and kept in
//      .data/admin-password (owner-only);
//   5. loads the demo data on the first run through the operator commands (tools/demo);
//   6. runs the gateway and every registered service side by side and, once ready, says how to log in;
//   7. Ctrl-C (or SIGTERM) stops the apps, then NATS and PostgreSQL if it started them, and exits 0.
//
// Only Node's own modules are imported up front: node_modules may not exist yet.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { join, relative as relativePath } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
process.chdir(ROOT);

const PORT = Number(process.env.PORT || 3000);
const HOST = process.env.HOST || '127.0.0.1';
const BASE_URL = `http://127.0.0.1:${PORT}`;
const DATA_DIR = join(ROOT, '.data');
const DEMO_MARKER = join(DATA_DIR, 'demo-loaded');
const KEYS_DIR = join(DATA_DIR, 'keys');
const NATS_PORT = Number(process.env.NATS_PORT || 4223);
const ADMIN_PASSWORD_FILE = join(DATA_DIR, 'admin-password');
const READY_TIMEOUT_MS = 60_000;
const GATEWAY_CLI = 'apps/gateway/dist/cli.js';
const COLORS = ['magenta', 'green', 'yellow', 'blue', 'red', 'white'];
/** The gateway and every service of the registry (libs/contracts/registry), read once the build has made it. */
let platform = [];

function platformApps() {
  const { PLATFORM_SERVICES } = createRequire(import.meta.url)('@contracts/registry');
  return [
    { name: 'gateway', main: 'apps/gateway/dist/main.js', cli: GATEWAY_CLI, color: 'cyan', service: null },
    ...PLATFORM_SERVICES.map((service, index) => ({
      name: service.bus.service,
      main: `apps/${service.app}/dist/main.js`,
      cli: `apps/${service.app}/dist/cli.js`,
      color: COLORS[index % COLORS.length],
      service,
    })),
  ];
}

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
  platform = platformApps();
  const missing = platform.flatMap((app) => [app.main, app.cli]).filter((file) => !existsSync(join(ROOT, file)));
  if (missing.length) throw new Error(`the build produced no ${missing.join(', ')}`);

  const infra = await import('./lib/infra.mjs');
  const credentials = await import('./lib/credentials.mjs');
  const infraLog = (line) => log(line);
  // Say so before starting anything when NATS will be needed and cannot be had.
  if (!process.env.NATS_URL && !infra.resolveNatsServerBinary()) {
    warn(new infra.MissingNatsServerError().message);
    process.exit(1);
  }
  if (!Number.isInteger(NATS_PORT) || NATS_PORT < 1 || NATS_PORT > 65_535) throw new Error(`NATS_PORT=${process.env.NATS_PORT} is not a TCP port`);
  mkdirSync(DATA_DIR, { recursive: true });
  const { processes, natsUsers } = credentials.ensurePlatformCredentials(KEYS_DIR);
  log(`credentials: ${relative(KEYS_DIR)} (owner-only; each process is given only its own)`);
  const postgres = await acquire(infra.ensurePostgres({ log: infraLog }));
  const natsConfig = ({ port, storeDir }) => credentials.natsServerConfigFor({ host: '127.0.0.1', port, storeDir, users: natsUsers });
  const nats = await acquire(infra.ensureNats({ log: infraLog, port: NATS_PORT, config: natsConfig }).catch((error) => {
    if (error instanceof infra.MissingNatsServerError) {
      warn(error.message);
      error.message = 'cannot start without NATS';
    }
    throw error;
  }));

  // Each process sees its own credentials only; nothing of the caller's environment that names another's.
  const envOf = (name) => ({
    ...credentials.withoutCredentials(process.env),
    // Only `create-admin` reads the administrator's first password; the apps are started without it.
    ADMIN_PASSWORD: process.env.ADMIN_PASSWORD,
    ADMIN_PASSWORD_FILE: process.env.ADMIN_PASSWORD_FILE,
    NATS_URL: nats.url,
    // The gateway keeps no database; each service logs in as its own role.
    ...(processes[name].databaseRole ? { DATABASE_URL: credentials.withCredentials(postgres.url, processes[name].databaseRole, '') } : {}),
    ...processes[name].env,
  });
  const envs = Object.fromEntries(platform.map((app) => [app.name, envOf(app.name)]));
  const asAdministrator = { DATABASE_ADMIN_URL: postgres.url };
  for (const { name, cli, service } of platform.filter((app) => app.service)) {
    const schema = service.database.schema;
    log(`migrating the ${schema} schema of ${name} (its role created and its audit table sealed with the administrator's connection)`);
    await run(process.execPath, [cli, 'migrate'], `the ${schema} migration`, { ...envs[name], ...asAdministrator });
  }
  log('making sure an administrator exists');
  const identity = platform.find((app) => app.name === 'identity');
  const admin = administrator(
    await run(process.execPath, [identity.cli, 'create-admin', relative(ADMIN_PASSWORD_FILE)], 'creating the administrator', envs.identity, {
      showOutput: true,
    }),
  );
  await loadDemoOnce(envs['org-structure'], infra.redact(postgres.url));

  if (await portTaken(PORT)) throw new Error(`port ${PORT} was taken while the platform was being prepared; free it or set PORT`);
  await startApps(envs);
  await waitUntilReady();

  console.log('');
  console.log(`Platform ready: API ${BASE_URL}/api/v1 — Swagger UI ${BASE_URL}/api/docs`);
  for (const line of loginHelp(admin)) console.log(line);
  console.log('Press Ctrl-C to stop.');
}

/** What `create-admin` said: the administrator's username, and whether it was created now with a generated password. */
function administrator(output) {
  const created = /^created administrator (\S+)/m.exec(output);
  const existing = /^an administrator exists \((.+)\)$/m.exec(output);
  return {
    username: created?.[1] ?? existing?.[1] ?? (process.env.ADMIN_USERNAME || 'admin'),
    createdNow: Boolean(created),
    generated: /generated password/.test(output),
  };
}

function loginHelp(admin) {
  const passwordFile = relative(ADMIN_PASSWORD_FILE);
  let password;
  if (admin.createdNow) password = admin.generated ? `printed above, also in ${passwordFile}` : 'your ADMIN_PASSWORD';
  else if (existsSync(ADMIN_PASSWORD_FILE)) password = `in ${passwordFile} (or your ADMIN_PASSWORD, if you set one on the first run)`;
  else password = 'the ADMIN_PASSWORD set on the first run';
  return [
    `Log in as the administrator "${admin.username}"; password: ${password}.`,
    `  POST ${BASE_URL}/api/v1/auth/login {"username", "password"}: the administrator needs a second factor, so the`,
    '  first login answers 403 AUTH_SECOND_FACTOR_ENROLMENT_REQUIRED. Enrol an authenticator app with',
    '  POST /api/v1/auth/totp/enrol {"username", "password"} (answers its secret and otpauth:// URI), confirm with',
    '  POST /api/v1/auth/totp/confirm {"username", "password", "code"}, then log in with "totp" as well.',
    '  Send the access token as "Authorization: Bearer <token>" (in Swagger UI: Authorize).',
  ];
}

function relative(path) {
  return relativePath(ROOT, path);
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

async function startApps(envs) {
  const { concurrently } = await import('concurrently');
  apps = concurrently(
    platform.map((app) => ({
      name: app.name,
      // `exec` lets the shell hand over to node, so signals reach the app itself.
      command: `${process.platform === 'win32' ? '' : 'exec '}"${process.execPath}" ${app.main}`,
      prefixColor: app.color,
      env: {
        ...envs[app.name],
        // Only `create-admin` reads these (an undefined value keeps a variable out of the app's environment).
        ADMIN_PASSWORD: undefined,
        ADMIN_PASSWORD_FILE: undefined,
        ...(app.name === 'gateway' ? { PORT: String(PORT), HOST } : {}),
      },
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
 * into), and never over data that is already there. It goes in through the operator commands: the API needs a
 * logged-in user with a second factor.
 */
async function loadDemoOnce(env, database) {
  const marker = readMarker();
  if (marker && marker.database === database) return;
  const markLoaded = () => {
    mkdirSync(DATA_DIR, { recursive: true });
    writeFileSync(DEMO_MARKER, `${JSON.stringify({ database, loadedAt: new Date().toISOString() })}\n`);
  };
  try {
    const { demoUnitsPresent, DEMO_UNIT_CODE, loadDemo } = await import('./demo/load.mjs');
    if (await demoUnitsPresent(env)) {
      log(`demo data: already present (unit ${DEMO_UNIT_CODE} exists), not loaded again`);
      markLoaded();
      return;
    }
    log('demo data: loading (first run)');
    await loadDemo({ env, log: (line) => log(line) });
    markLoaded();
  } catch (error) {
    if (stopping) await new Promise(() => {});
    warn(`demo data could not be loaded: ${error.message}`);
    warn('the platform starts without it; load it later with: DATABASE_URL=… node tools/demo/load.mjs');
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

/**
 * Runs a step with the terminal attached; rejects when it fails. With `showOutput`, its standard output is
 * shown as it comes and also resolved, for the caller to read.
 */
function run(command, args, what, env = process.env, { showOutput = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env,
      stdio: showOutput ? ['inherit', 'pipe', 'inherit'] : 'inherit',
      shell: process.platform === 'win32',
    });
    step = child;
    let output = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.once('error', (error) => reject(new Error(`${what} could not start: ${error.message}`)));
    child.once('close', (code, signal) => {
      step = null;
      if (stopping) return; // shutdown() exits the process
      if (code === 0) resolve(output);
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
