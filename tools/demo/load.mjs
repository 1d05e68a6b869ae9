// Loads the demo organisation structure through the org-structure service's operator commands (the API needs
// a logged-in user with a second factor, so the demo goes in the way an operator loads data):
//   1. units.json          Bắc Giang and Bắc Ninh as they stood from 2020-10-15 (province and district party
//                          committees, communes, party cells, committee organs, UBND tỉnh and departments),
//                          with `cli.js import`;
//   2. restructuring.json  Resolution 202/2025/QH15, effective 2025-07-01 (DOMAIN ORG-9): Bắc Giang merges into
//                          Bắc Ninh, the district level ends, two communes become one, with `cli.js restructure`.
// The import is idempotent on unit code, and the restructuring is applied only when the database holds no
// restructuring of that decision on that date, so running it again changes nothing. The events of both reach
// JetStream through the outbox, published by the running service.
//
//   node tools/demo/load.mjs     with org-structure's own environment (DATABASE_URL, DATABASE_PASSWORD(_FILE),
//                                AUDIT_KEY(_FILE) …), after `npm start` or its migrate command
import { spawn } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = 'apps/org-structure/dist/cli.js';
const UNITS_FILE = fileURLToPath(new URL('units.json', import.meta.url));
const RESTRUCTURING_FILE = fileURLToPath(new URL('restructuring.json', import.meta.url));
/** The service's own default, used when DATABASE_URL is not set. */
const DEFAULT_DATABASE_URL = 'postgres://org_structure@127.0.0.1:5432/records';

/** A unit the demo imports; when it exists, the demo (or something built on it) is already in the database. */
export const DEMO_UNIT_CODE = 'TU-BN';

/**
 * Loads the demo into the database of `env` (DATABASE_URL or DATABASE_URL_FILE, DATABASE_PASSWORD or
 * DATABASE_PASSWORD_FILE, DATABASE_SCHEMA as the service
 * reads them). Needs the org_structure schema migrated. Rejects with the command's output when a step fails.
 */
export async function loadDemo({ env = process.env, log = (line) => console.log(line) } = {}) {
  const units = JSON.parse(readFileSync(UNITS_FILE, 'utf8'));
  const restructuring = JSON.parse(readFileSync(RESTRUCTURING_FILE, 'utf8'));

  // 1. The units before the 2025 reform. Rows whose code already names the same unit are left alone.
  const imported = await runCli(['import', UNITS_FILE], env, 'the demo import');
  log(`demo: ${units.length} units valid from ${units[0].validFrom}: ${imported.trim()}`);

  // 2. The restructuring, unless it was applied before.
  if (await restructuringRecorded(env, restructuring)) {
    log(`demo: restructuring ${restructuring.decisionRef} effective ${restructuring.effectiveDate} already applied, skipped`);
    return;
  }
  const applied = await runCli(['restructure', RESTRUCTURING_FILE], env, 'the demo restructuring');
  log(`demo: ${applied.trim()}`);
}

/** True when a unit with the demo's code has ever existed in the database of `env`. */
export async function demoUnitsPresent(env = process.env) {
  return withDatabase(env, async (client, schema) => {
    const found = await client.query(`SELECT 1 FROM ${schema}.unit_version WHERE code = $1 LIMIT 1`, [DEMO_UNIT_CODE]);
    return found.rowCount > 0;
  });
}

async function restructuringRecorded(env, { decisionRef, effectiveDate }) {
  return withDatabase(env, async (client, schema) => {
    const found = await client.query(
      `SELECT 1 FROM ${schema}.restructuring WHERE decision_ref = $1 AND effective_date = $2::date LIMIT 1`,
      [decisionRef, effectiveDate],
    );
    return found.rowCount > 0;
  });
}

async function withDatabase(env, work) {
  const url = new URL(databaseUrl(env));
  const password = databasePassword(env);
  // In the URL: pg lets a URL's (empty) password win over a separate one.
  if (password) url.password = password;
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 10_000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client, client.escapeIdentifier(env.DATABASE_SCHEMA || 'org_structure'));
  } finally {
    await client.end().catch(() => {});
  }
}

function databasePassword(env) {
  if (env.DATABASE_PASSWORD) return env.DATABASE_PASSWORD;
  if (env.DATABASE_PASSWORD_FILE) return readFileSync(env.DATABASE_PASSWORD_FILE, 'utf8').trim();
  return undefined;
}

function databaseUrl(env) {
  if (env.DATABASE_URL) return env.DATABASE_URL;
  if (env.DATABASE_URL_FILE) return readFileSync(env.DATABASE_URL_FILE, 'utf8').trim();
  return DEFAULT_DATABASE_URL;
}

/** Runs an org-structure operator command; resolves to its standard output, rejects with all of it on failure. */
function runCli(args, env, what) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.once('error', (error) => reject(new Error(`${what} could not start: ${error.message}`)));
    child.once('close', (code, signal) => {
      if (code === 0) return resolve(stdout);
      const output = [stdout, stderr].map((text) => text.trim()).filter(Boolean).join('\n');
      reject(new Error(`${what} (node ${CLI} ${args[0]}) failed (${signal ? `signal ${signal}` : `exit code ${code}`})${output ? `:\n${output}` : ''}`));
    });
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  loadDemo().then(
    () => console.log('demo: done'),
    (error) => {
      console.error(`demo: failed: ${error.message}`);
      process.exit(1);
    },
  );
}
