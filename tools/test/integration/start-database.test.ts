import { adminDatabaseUrl, freePort } from '@platform/testing';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from 'pg';

/* `npm start` with a DATABASE_URL naming a database the server does not have. */
const ROOT = join(__dirname, '..', '..', '..');
const INFRA = pathToFileURL(join(ROOT, 'tools/lib/infra.mjs')).href;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function asAdmin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const databaseExists = (name: string) =>
  asAdmin(async (admin) => (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1);

function urlOf(database: string, credentials?: { user: string; password: string }): string {
  const url = new URL(adminDatabaseUrl());
  url.pathname = `/${database}`;
  if (credentials) {
    url.username = credentials.user;
    url.password = credentials.password;
  }
  return url.toString();
}

const freshName = (prefix: string) => `${prefix}_${randomBytes(5).toString('hex')}`;

it('creates the database through the server\'s postgres database when the URL\'s role may', async () => {
  const database = freshName('start_created');
  try {
    const script = `import { ensurePostgres } from ${JSON.stringify(INFRA)};
      const postgres = await ensurePostgres({ log: (line) => console.log(line) });
      console.log(postgres.url);`;
    const result = await run(['--input-type=module', '-e', script], { DATABASE_URL: urlOf(database) });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain(`created database "${database}"`);
    expect(await databaseExists(database)).toBe(true);
  } finally {
    await asAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(database)}`));
  }
});

it('says in one line what to run, and exits non-zero without a stack, when the role cannot create it', async () => {
  const role = { user: freshName('start_no_createdb'), password: randomBytes(12).toString('hex') };
  const database = freshName('start_missing');
  await asAdmin((admin) => admin.query(`CREATE ROLE ${admin.escapeIdentifier(role.user)} LOGIN NOCREATEDB PASSWORD '${role.password}'`));
  try {
    const result = await run([join(ROOT, 'tools/start.mjs')], {
      DATABASE_URL: urlOf(database, role),
      PORT: String(await freePort()),
      NATS_PORT: String(await freePort()),
    });
    expect(result.code).not.toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^\\[start\\] database "${database}" does not exist .*createdb .*${database}`));
    expect(lines[0]).not.toContain(role.password);
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/^\s+at /m);
    expect(await databaseExists(database)).toBe(false);
  } finally {
    await asAdmin((admin) => admin.query(`DROP ROLE IF EXISTS ${admin.escapeIdentifier(role.user)}`));
  }
});
