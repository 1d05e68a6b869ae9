import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export interface TestDatabase {
  /** The database as an administrator (superuser) reaches it: for set-up and for assertions on what was written. */
  url: string;
  name: string;
  /**
   * The URL a service logs in with: its own role, named after this database so test files never share roles (roles
   * belong to the whole server). The role is created by the service's provisioning, as in production.
   */
  serviceUrl(service: string): string;
  drop(): Promise<void>;
}

/** The server tests create their databases on; `TEST_DATABASE_URL` overrides the machine's default. */
export function adminDatabaseUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

async function asAdmin<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database for one test file; dropped afterwards with the roles made for it. */
export async function createTestDatabase(prefix = 'test'): Promise<TestDatabase> {
  const adminUrl = adminDatabaseUrl();
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`.toLowerCase();
  await asAdmin(adminUrl, (admin) => admin.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const passwords = new Map<string, string>();
  return {
    url: url.toString(),
    name,
    serviceUrl(service: string) {
      const role = `${name}_${service.replace(/-/g, '_')}`;
      let password = passwords.get(role);
      if (!password) {
        password = randomBytes(12).toString('hex');
        passwords.set(role, password);
      }
      const serviceUrl = new URL(url);
      serviceUrl.username = role;
      serviceUrl.password = password;
      return serviceUrl.toString();
    },
    async drop() {
      await asAdmin(adminUrl, async (admin) => {
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        const roles = await admin.query<{ rolname: string }>(`SELECT rolname FROM pg_roles WHERE rolname LIKE $1`, [`${name}\\_%`]);
        for (const { rolname } of roles.rows) await admin.query(`DROP ROLE IF EXISTS ${admin.escapeIdentifier(rolname)}`);
      });
    },
  };
}
