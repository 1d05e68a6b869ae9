// Scenario 5: bulk import of the synthetic national tree through the platform's own operator command
// (`node apps/org-structure/dist/cli.js import units.csv`), against PostgreSQL's COPY of the same rows into a bare
// table with the same columns; peak memory of the importing process at two file sizes; then the restructuring
// history applied with `cli.js restructure <file>`, one body at a time (informative).
//
// Needs: the compiled service (`npm run build`), a PostgreSQL on which it may create databases and roles
// (`adminDatabaseUrl`; the commands run as the service's own role, which `cli.js migrate` creates with it), and
// /usr/bin/time (GNU) or /proc for the peak memory of the child process.
// The helpers exported here (scratch database, dataset loading) are shared with scenario 4.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../tools/lib/infra.mjs';
import { withoutCredentials } from '../lib/credentials.mjs';
import { adminServer, createScratchDatabase, withClient } from '../lib/databases.mjs';
import { splitRestructurings, writeDataset } from '../lib/dataset.mjs';

const require = createRequire(import.meta.url);
const CLI = join(REPO_ROOT, 'apps/org-structure/dist/cli.js');
const GNU_TIME = '/usr/bin/time';
const COPY_COLUMNS = 'code text, name text, short_name text, kind text, level text, block text, parent_code text, valid_from date';
const COPY_RUNS = 3;
/** The importing process's heap, capped in a second run of the full file: streaming must fit in it. */
const HEAP_CAP_MB = 128;

export async function run({ scale = 'small', log = () => undefined, workDir, adminDatabaseUrl } = {}) {
  const work = workDir ?? mkdtempSync(join(tmpdir(), 'bench-import-'));
  const server = await adminServer(adminDatabaseUrl);
  try {
    return await measure({ scale, log, work, admin: server.url });
  } finally {
    await server.stop();
    if (!workDir) rmSync(work, { recursive: true, force: true });
  }
}

async function measure({ scale, log, work, admin }) {
  const started = Date.now();

  log(`  generating the ${scale} dataset`);
  const generated = Date.now();
  const dataset = await writeDataset({ scale, dir: join(work, `dataset-${scale}`) });
  const generateSeconds = (Date.now() - generated) / 1000;
  log(`  ${dataset.units} units, ${dataset.restructurings} restructuring bodies (${dataset.operations} operations) in ${generateSeconds.toFixed(1)} s`);

  // The beginning of the file (parents come first, so it is a valid file too) for memory at two sizes: a quarter,
  // or up to half of a small file, so the process runs long enough to reach its steady state.
  const partFile = join(work, `dataset-${scale}`, 'units-part.csv');
  const partRows = writePrefix(dataset.files.units, partFile, Math.max(Math.floor(dataset.units / 4), Math.min(Math.floor(dataset.units / 2), 50_000)));

  const startup = await timedScratch(admin, async (scratch) => (await runCli(['audit:head'], scratch)).seconds);
  const part = await timedScratch(admin, (scratch) => measuredImport(scratch, partFile, partRows, log));
  const capped = await timedScratch(admin, (scratch) => measuredImport(scratch, dataset.files.units, dataset.units, log, [`--max-old-space-size=${HEAP_CAP_MB}`]));

  const db = await createScratchDatabase(admin, 'bench_import');
  try {
    await migrate(db);
    const full = await measuredImport(db, dataset.files.units, dataset.units, log);
    // The baseline as the administrator: its tables go into public, where the service role may not create any.
    const copy = await copyBaseline(db.url, dataset.files.units, dataset.units);
    log(`  COPY into a bare table: ${fmt(copy.rowsPerSecond)} rows/s (median of ${COPY_RUNS}); into a table shaped like unit_version: ${fmt(copy.indexedRowsPerSecond)} rows/s`);
    const history = await applyRestructurings(db, dataset, join(work, `dataset-${scale}`, 'restructurings'), log);

    const ratio = full.rowsPerSecond / copy.rowsPerSecond;
    const withoutStartup = dataset.units / Math.max(0.001, full.seconds - startup);
    const memoryGrowth = full.peakRssMiB / part.peakRssMiB;
    const rows = [
      [`import, first ${fmt(partRows)} rows of the file`, partRows, secs(part.seconds), fmt(part.rowsPerSecond), mib(part.peakRssMiB), '—'],
      ['import, whole file', dataset.units, secs(full.seconds), fmt(full.rowsPerSecond), mib(full.peakRssMiB), percent(ratio)],
      [`import, whole file, heap capped at ${HEAP_CAP_MB} MB`, dataset.units, secs(capped.seconds), fmt(capped.rowsPerSecond), mib(capped.peakRssMiB), percent(capped.rowsPerSecond / copy.rowsPerSecond)],
      ['COPY into a bare table (baseline)', dataset.units, secs(copy.seconds), fmt(copy.rowsPerSecond), '—', '100%'],
      ['COPY into a table shaped like unit_version (all its indexes and constraints; informative)', dataset.units, secs(copy.indexedSeconds), fmt(copy.indexedRowsPerSecond), '—', percent(copy.indexedRowsPerSecond / copy.rowsPerSecond)],
      [`restructurings (${history.bodies} bodies, ${history.operations} operations; informative)`, history.operations, secs(history.seconds), `${fmt(history.operations / history.seconds)} ops/s`, mib(history.peakRssMiB), '—'],
    ];
    return {
      id: '5',
      title: 'Bulk import through the operator command vs PostgreSQL COPY into a bare table',
      columns: ['run', 'rows', 'seconds', 'rows/s', 'peak RSS', 'of COPY rate'],
      rows,
      targets: [
        { name: 'import rate vs raw COPY', target: '≥ 25%', measured: `${percent(ratio)} (${fmt(full.rowsPerSecond)} vs ${fmt(copy.rowsPerSecond)} rows/s)`, met: ratio >= 0.25 },
        {
          name: 'constant memory (streaming)',
          target: `peak RSS not growing with the file; whole file within a ${HEAP_CAP_MB} MB heap`,
          measured: `${mib(part.peakRssMiB)} at ${fmt(partRows)} rows, ${mib(full.peakRssMiB)} at ${fmt(dataset.units)} rows (×${memoryGrowth.toFixed(2)} for ×${(dataset.units / partRows).toFixed(1)} rows); capped run ${capped.ok ? 'completed' : 'failed'} at ${mib(capped.peakRssMiB)}`,
          met: capped.ok && memoryGrowth < 1.5,
        },
      ],
      notes: [
        `scale ${scale}: ${dataset.units} units (${summary(dataset.counts)}), generated in ${generateSeconds.toFixed(1)} s.`,
        `Import times are the whole command as an operator runs it, process start and connection included (≈ ${startup.toFixed(2)} s, measured with \`cli.js audit:head\`); without it the whole file imports at ${fmt(withoutStartup)} rows/s.`,
        'Peak RSS of the importing process from GNU time ("Maximum resident set size") or /proc VmHWM. Node frees memory lazily, so RSS above the live heap is collector slack; the capped run shows the import needs no more than the cap.',
        `COPY: \`COPY … FROM STDIN (FORMAT csv, HEADER)\` of the same file over one connection from this process, median of ${COPY_RUNS}, into \`(${COPY_COLUMNS})\` without indexes. The second COPY goes into a table created \`LIKE unit_version INCLUDING ALL\` (its indexes, its two exclusion constraints), fed the rows the import wrote (ids and paths): what the schema alone costs per row.`,
        `Restructurings: ${history.bodies} bodies applied in order with \`cli.js restructure\`, ${history.perBody} per body; the 2025-07-01 provincial merger (202/2025/QH15) alone: ${secs(history.mergerSeconds)} for ${history.mergerOperations} operations.`,
        `Run time of the scenario: ${secs((Date.now() - started) / 1000)}.`,
      ],
    };
  } finally {
    await db.drop();
  }
}

// ---- helpers shared with scenario 4 ---------------------------------------------------------------------------

/**
 * A scratch database holding the dataset of `scale` as the platform loads it: migrated, `units.csv` imported with
 * the operator command, then every restructuring applied in order, either with `cli.js restructure` (one process
 * a body, as an operator would) or, when `restructureInProcess`, through the compiled RestructuringService the
 * command uses (same validation, same transaction per body, without a process start per body). Returns the
 * database, the dataset (files, probes) and how long each step took.
 */
export async function loadDataset({ scale = 'small', log = () => undefined, workDir, adminDatabaseUrl, prefix = 'bench_tree', restructureInProcess = false }) {
  const dir = join(workDir, `dataset-${scale}`);
  const dataset = await writeDataset({ scale, dir });
  log(`  ${dataset.units} units, ${dataset.restructurings} restructuring bodies (${dataset.operations} operations)`);
  const db = await createScratchDatabase(adminDatabaseUrl, prefix);
  try {
    await migrate(db);
    const imported = await measuredImport(db, dataset.files.units, dataset.units, log);
    const history = restructureInProcess
      ? await applyRestructuringsInProcess(db, dataset, log)
      : await applyRestructurings(db, dataset, join(dir, 'restructurings'), log);
    return { db, dataset, imported, history };
  } catch (error) {
    await db.drop();
    throw error;
  }
}

/**
 * The environment org-structure's commands run with on the scratch database `db`: the service's own role and the
 * key of its audit chain there (imports and restructurings are audited); `migrate` also gets the administrator's
 * URL, with which it creates that role.
 */
function orgCliEnv(db, { administrator = false } = {}) {
  const env = { ...withoutCredentials(process.env), DATABASE_URL: db.serviceUrl('org-structure'), AUDIT_KEY: db.auditKey('org-structure'), LOG_LEVEL: 'warn' };
  if (administrator) env.DATABASE_ADMIN_URL = db.url;
  for (const name of ['DATABASE_SCHEMA', 'NODE_OPTIONS']) delete env[name];
  return env;
}

/** Runs `cli.js <args>` against the scratch database `db`; resolves to its output, duration and peak RSS (MiB). */
export function runCli(args, db, nodeOptions = []) {
  const env = orgCliEnv(db, { administrator: args[0] === 'migrate' });
  const timeFile = existsSync(GNU_TIME) ? join(mkdtempSync(join(tmpdir(), 'bench-time-')), 'time.txt') : null;
  const [command, commandArgs] = timeFile
    ? [GNU_TIME, ['-v', '-o', timeFile, process.execPath, ...nodeOptions, CLI, ...args]]
    : [process.execPath, [...nodeOptions, CLI, ...args]];
  return new Promise((resolve, reject) => {
    const startedAt = process.hrtime.bigint();
    const child = spawn(command, commandArgs, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peakKiB = 0;
    // Without GNU time, the kernel's high-water mark of the child, read until it exits.
    const poll = timeFile ? null : setInterval(() => (peakKiB = Math.max(peakKiB, vmHwmKiB(child.pid))), 50);
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      if (poll) clearInterval(poll);
      if (timeFile) {
        const report = readFileSync(timeFile, 'utf8');
        peakKiB = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(report)?.[1] ?? 0);
        rmSync(join(timeFile, '..'), { recursive: true, force: true });
      }
      resolve({ ok: code === 0, code, stdout, stderr, seconds, peakRssMiB: peakKiB / 1024 });
    });
  });
}

export async function migrate(db) {
  const result = await runCli(['migrate'], db);
  if (!result.ok) throw new Error(`migrate failed: ${result.stdout}${result.stderr}`);
}

async function measuredImport(db, file, rows, log, nodeOptions = []) {
  const result = await runCli(['import', file], db, nodeOptions);
  const expected = `created ${rows}, unchanged 0`;
  const capped = nodeOptions.length > 0;
  if (!result.stdout.includes(expected) && !capped) throw new Error(`import of ${file} failed (exit ${result.code}): ${result.stdout}${result.stderr}`.slice(0, 4_000));
  const ok = result.ok && result.stdout.includes(expected);
  const rowsPerSecond = rows / result.seconds;
  log(`  import ${rows} rows${capped ? ` (${nodeOptions.join(' ')})` : ''}: ${ok ? '' : 'FAILED, '}${result.seconds.toFixed(1)} s, ${fmt(rowsPerSecond)} rows/s, peak RSS ${mib(result.peakRssMiB)}`);
  return { ...result, ok, rowsPerSecond };
}

async function applyRestructurings(db, dataset, dir, log) {
  const bodies = splitRestructurings(JSON.parse(readFileSync(dataset.files.restructurings, 'utf8')), dir);
  let seconds = 0;
  let mergerSeconds = 0;
  let mergerOperations = 0;
  let peakRssMiB = 0;
  let slowest = { seconds: 0 };
  for (const [index, { file, body }] of bodies.entries()) {
    const result = await runCli(['restructure', file], db);
    if (!result.ok) throw new Error(`restructuring ${index + 1}/${bodies.length} (${body.decisionRef}, ${body.effectiveDate}) refused: ${result.stdout}${result.stderr}`.slice(0, 4_000));
    seconds += result.seconds;
    peakRssMiB = Math.max(peakRssMiB, result.peakRssMiB);
    if (body.decisionRef === '202/2025/QH15') {
      mergerSeconds += result.seconds;
      mergerOperations += body.operations.length;
    }
    if (result.seconds > slowest.seconds) slowest = { seconds: result.seconds, operations: body.operations.length, decisionRef: body.decisionRef };
    if ((index + 1) % 20 === 0 || index + 1 === bodies.length) log(`  restructurings: ${index + 1}/${bodies.length} applied, ${seconds.toFixed(0)} s so far`);
  }
  const operations = bodies.reduce((n, { body }) => n + body.operations.length, 0);
  return {
    bodies: bodies.length,
    operations,
    seconds,
    mergerSeconds,
    mergerOperations,
    peakRssMiB,
    perBody: `mean ${secs(seconds / bodies.length)}, slowest ${secs(slowest.seconds)} (${slowest.operations} operations, ${slowest.decisionRef})`,
  };
}

async function applyRestructuringsInProcess(scratch, dataset, log) {
  const dist = (file) => require(join(REPO_ROOT, 'apps/org-structure/dist', file));
  const { applyRestructuringRequest } = require('@contracts/org-structure');
  const { orgDataSource, orgStructureService } = dist('service.js');
  const { UnitOfWork } = require('@platform/service-kit');
  const { loadOrgStructureCliConfig } = dist('config.js');
  const { RestructuringService } = dist('restructuring/restructuring-service.js');
  const { UnitQueries } = dist('units/unit-queries.js');
  // The service's data source as its commands open it (its own role; no bus, so no NATS credentials).
  const db = await orgDataSource(loadOrgStructureCliConfig({ DATABASE_URL: scratch.serviceUrl('org-structure'), LOG_LEVEL: 'silent' })).initialize();
  try {
    const service = new RestructuringService(
      db,
      // Unaudited, as before: this measures the restructurings themselves.
      new UnitOfWork({ dataSource: db, audit: null, nudge: () => undefined, actionPrefix: 'org', constraintErrors: orgStructureService.constraintErrors }),
      new UnitQueries(db),
    );
    const bodies = JSON.parse(readFileSync(dataset.files.restructurings, 'utf8'));
    const startedAt = process.hrtime.bigint();
    for (const [index, body] of bodies.entries()) {
      await service.apply(applyRestructuringRequest.parse(body)).catch((error) => {
        throw new Error(`restructuring ${index + 1}/${bodies.length} (${body.decisionRef}, ${body.effectiveDate}) refused: ${error.message}`);
      });
      if ((index + 1) % 40 === 0 || index + 1 === bodies.length) log(`  restructurings: ${index + 1}/${bodies.length} applied`);
    }
    const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
    return { bodies: bodies.length, operations: bodies.reduce((n, body) => n + body.operations.length, 0), seconds, inProcess: true };
  } finally {
    await db.destroy();
  }
}

/** COPY of the CSV into a bare table, and of the imported rows into a table shaped like unit_version. */
async function copyBaseline(databaseUrl, file, rows) {
  return withClient(databaseUrl, async (client) => {
    await client.query(`CREATE TABLE public.bench_copy (${COPY_COLUMNS})`);
    const runs = [];
    for (let i = 0; i < COPY_RUNS; i += 1) {
      await client.query('TRUNCATE public.bench_copy');
      const startedAt = process.hrtime.bigint();
      const copied = await copyFromFile(client, 'COPY public.bench_copy FROM STDIN (FORMAT csv, HEADER true)', file);
      runs.push(Number(process.hrtime.bigint() - startedAt) / 1e9);
      if (copied !== rows) throw new Error(`COPY wrote ${copied} rows, expected ${rows}`);
    }
    await client.query('DROP TABLE public.bench_copy');
    const seconds = median(runs);

    // The same rows with their ids and paths, as COPY text, into a copy of unit_version with all its indexes.
    const staged = join(mkdtempSync(join(tmpdir(), 'bench-copy-')), 'versions.txt');
    const columns = 'unit_id, code, name, short_name, search_text, kind, level, block, parent_id, path, valid_from';
    await copyToFile(client, `COPY (SELECT ${columns} FROM org_structure.unit_version ORDER BY id) TO STDOUT`, staged);
    await client.query('CREATE TABLE public.bench_versions (LIKE org_structure.unit_version INCLUDING ALL)');
    const startedAt = process.hrtime.bigint();
    await copyFromFile(client, `COPY public.bench_versions (${columns}) FROM STDIN`, staged);
    const indexedSeconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
    await client.query('DROP TABLE public.bench_versions');
    rmSync(join(staged, '..'), { recursive: true, force: true });
    return { seconds, rowsPerSecond: rows / seconds, indexedSeconds, indexedRowsPerSecond: rows / indexedSeconds };
  });
}

/**
 * `COPY … FROM STDIN` fed from a file over a pg client, without an extra package: a query object that pg drives
 * through the copy-in sub-protocol (pg calls submit, handleCopyInResponse, handleCommandComplete, …).
 */
function copyFromFile(client, sql, file) {
  return new Promise((resolve, reject) => {
    let rowCount = 0;
    let source = null;
    client.query({
      submit(connection) {
        connection.query(sql);
      },
      handleCopyInResponse(connection) {
        source = createReadStream(file, { highWaterMark: 256 * 1024 });
        source.on('data', (chunk) => {
          connection.sendCopyFromChunk(chunk);
          if (connection.stream.writableNeedDrain) {
            source.pause();
            connection.stream.once('drain', () => source.resume());
          }
        });
        source.once('end', () => connection.endCopyFrom());
        source.once('error', (error) => connection.sendCopyFail(error.message));
      },
      handleCommandComplete(message) {
        rowCount = Number(/COPY (\d+)/.exec(message.text)?.[1] ?? 0);
      },
      handleReadyForQuery: () => resolve(rowCount),
      handleError(error) {
        source?.destroy();
        reject(error);
      },
      handleRowDescription() {},
      handleDataRow() {},
      handleEmptyQuery() {},
      handlePortalSuspended() {},
      handleCopyData() {},
    });
  });
}

/** `COPY … TO STDOUT` into a file. */
function copyToFile(client, sql, file) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    const flush = () => {
      writeFileSync(file, Buffer.concat(chunks), { flag: 'a' });
      chunks.length = 0;
      size = 0;
    };
    writeFileSync(file, '');
    client.query({
      submit(connection) {
        connection.query(sql);
      },
      handleCopyData(message) {
        chunks.push(Buffer.from(message.chunk));
        size += message.chunk.length;
        if (size > 8 * 1024 * 1024) flush();
      },
      handleCommandComplete() {
        flush();
      },
      handleReadyForQuery: () => resolve(),
      handleError: reject,
      handleRowDescription() {},
      handleDataRow() {},
      handleEmptyQuery() {},
      handlePortalSuspended() {},
      handleCopyInResponse() {},
    });
  });
}

async function timedScratch(admin, work) {
  const db = await createScratchDatabase(admin, 'bench_import');
  try {
    await migrate(db);
    return await work(db);
  } finally {
    await db.drop();
  }
}

/** Copies the header and the first `rows` rows of a CSV whose rows are one line each. */
function writePrefix(source, target, rows) {
  const text = readFileSync(source, 'utf8');
  let end = 0;
  for (let line = 0; line <= rows; line += 1) end = text.indexOf('\n', end) + 1;
  mkdirSync(join(target, '..'), { recursive: true });
  writeFileSync(target, text.slice(0, end));
  return rows;
}


function vmHwmKiB(pid) {
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

function summary(counts) {
  const byLevel = {};
  for (const [key, n] of Object.entries(counts)) byLevel[key.split('/')[0]] = (byLevel[key.split('/')[0]] ?? 0) + n;
  return Object.entries(byLevel).map(([level, n]) => `${level} ${n}`).join(', ');
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const secs = (s) => (s >= 100 ? `${Math.round(s)} s` : `${s.toFixed(s >= 10 ? 1 : 2)} s`);
const mib = (m) => `${Math.round(m)} MiB`;
const percent = (x) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;
