// Scratch databases for the scenarios, on the server the tests use (or one given), dropped afterwards.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensureTestPostgres } from '../../tools/lib/infra.mjs';

/**
 * The server scratch databases go on: `adminDatabaseUrl` when given, else as the tests find one (TEST_DATABASE_URL,
 * the local server on 5432, or an embedded PostgreSQL started for the run; `stop()` stops only what it started).
 */
export async function adminServer(adminDatabaseUrl) {
  if (adminDatabaseUrl) return { url: adminDatabaseUrl, stop: async () => undefined };
  const { url, stop } = await ensureTestPostgres({ log: () => undefined });
  return { url, stop: async () => stop?.() };
}

/** A fresh database on the server of `adminDatabaseUrl`; `drop()` removes it. */
export async function createScratchDatabase(adminDatabaseUrl, prefix) {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  await withClient(adminDatabaseUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminDatabaseUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => withClient(adminDatabaseUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)),
  };
}

/** A scratch database on the tests' server; `drop()` also stops that server if it was started for this. */
export async function createDatabase(prefix) {
  const server = await adminServer();
  const database = await createScratchDatabase(server.url, prefix);
  return {
    ...database,
    async drop() {
      await database.drop();
      await server.stop();
    },
  };
}

/** Runs `work` with a connected client and closes it whatever happens. */
export async function withClient(url, work) {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}
