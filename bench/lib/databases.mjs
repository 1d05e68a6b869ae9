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

/**
 * A fresh database on the server of `adminDatabaseUrl`; `drop()` removes it and the roles made for it.
 *
 * `url` is the administrator's (set-up, assertions, baselines). A service logs in as its own role, as deployed:
 * `serviceUrl(service)` names one after the database, so runs never share roles (they belong to the whole server)
 * and never touch the `gateway` or `org_structure` roles of a platform on the same server; the service's `migrate`
 * command creates it. `auditKey(service)` is the key of that service's audit chain in this database (base64).
 */
export async function createScratchDatabase(adminDatabaseUrl, prefix) {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  await withClient(adminDatabaseUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminDatabaseUrl);
  url.pathname = `/${name}`;
  const passwords = new Map();
  const auditKeys = new Map();
  const once = (map, key, make) => {
    if (!map.has(key)) map.set(key, make());
    return map.get(key);
  };
  return {
    name,
    url: url.toString(),
    serviceUrl(service) {
      const role = `${name}_${service.replace(/-/g, '_')}`;
      const serviceUrl = new URL(url);
      serviceUrl.username = role;
      serviceUrl.password = once(passwords, role, () => randomBytes(12).toString('hex'));
      return serviceUrl.toString();
    },
    auditKey: (service) => once(auditKeys, service, () => randomBytes(32).toString('base64')),
    drop: () =>
      withClient(adminDatabaseUrl, async (client) => {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        const { rows } = await client.query('SELECT rolname FROM pg_roles WHERE rolname LIKE $1', [`${name}\\_%`]);
        for (const { rolname } of rows) await client.query(`DROP ROLE IF EXISTS ${client.escapeIdentifier(rolname)}`);
      }),
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
