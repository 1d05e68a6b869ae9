import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { runMigrations } from './data-source';

/**
 * Least privilege in PostgreSQL (docs/access-control.md). Every service connects as its own login role, never a
 * superuser. The role may create and own the tables of its schema, but the schema itself and the audit tables
 * belong to a second role that nobody logs in as (the guard): the service can only SELECT and INSERT audit records,
 * so it can neither change, delete, truncate nor drop them, nor switch their append-only trigger off.
 */
export interface ServiceDatabasePlan {
  schema: string;
  /** Extensions the migrations use, created by the administrator (a service role cannot create them). */
  extensions: readonly string[];
  /** Append-only tables handed to the guard role once the migrations have created them. */
  auditTables: readonly string[];
}

const NAME = /^[a-z_][a-z0-9_]{0,47}$/;

function checkedName(kind: string, name: string): string {
  if (!NAME.test(name)) throw new Error(`${kind} "${name}" must match ${NAME} (lower case, unquoted, at most 48 characters)`);
  return name;
}

/** The role that owns a service's schema and audit tables: never given a login, never granted to anyone. */
export function guardRoleOf(serviceRole: string): string {
  return `${checkedName('database role', serviceRole)}_guard`;
}

/** The login role and password a database URL names. */
export function credentialsOf(url: string, password?: string): { role: string; password: string | null } {
  const parsed = new URL(url);
  const role = checkedName('database role', decodeURIComponent(parsed.username));
  const given = password ?? (parsed.password ? decodeURIComponent(parsed.password) : '');
  return { role, password: given || null };
}

async function asAdministrator<T>(adminUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000, application_name: 'provisioning' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Creates (or brings in line) the service's login role, its guard role and its schema, and gives the service role
 * every object of the schema except the audit tables. Idempotent; run with an administrator's connection before
 * the migrations. Sets the role's password when one is given.
 */
export async function provisionServiceRole(adminUrl: string, serviceUrl: string, plan: ServiceDatabasePlan, password?: string): Promise<void> {
  const schema = checkedName('schema', plan.schema);
  const { role, password: secret } = credentialsOf(serviceUrl, password);
  const guard = guardRoleOf(role);
  for (const table of plan.auditTables) checkedName('audit table', table);
  await asAdministrator(adminUrl, async (db) => {
    const id = (name: string) => db.escapeIdentifier(name);
    const exists = async (name: string) => (await db.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name])).rowCount === 1;
    const limits = 'NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT';
    if (!(await exists(guard))) await db.query(`CREATE ROLE ${id(guard)} NOLOGIN ${limits}`);
    await db.query(`ALTER ROLE ${id(guard)} NOLOGIN ${limits}`);
    const passwordClause = secret ? ` PASSWORD ${db.escapeLiteral(secret)}` : '';
    if (!(await exists(role))) await db.query(`CREATE ROLE ${id(role)} LOGIN ${limits}${passwordClause}`);
    await db.query(`ALTER ROLE ${id(role)} LOGIN ${limits}${passwordClause}`);
    // Taken back in case someone once made the service a member of its guard.
    await db.query(`REVOKE ${id(guard)} FROM ${id(role)}`);

    for (const extension of plan.extensions) {
      await db.query(`CREATE EXTENSION IF NOT EXISTS ${id(checkedName('extension', extension))} WITH SCHEMA public`);
    }
    const [{ database }] = (await db.query('SELECT current_database() AS database')).rows;
    await db.query(`GRANT CONNECT ON DATABASE ${id(database)} TO ${id(role)}`);
    await db.query(`CREATE SCHEMA IF NOT EXISTS ${id(schema)} AUTHORIZATION ${id(guard)}`);
    await db.query(`ALTER SCHEMA ${id(schema)} OWNER TO ${id(guard)}`);
    await db.query(`REVOKE ALL ON SCHEMA ${id(schema)} FROM PUBLIC`);
    await db.query(`GRANT USAGE, CREATE ON SCHEMA ${id(schema)} TO ${id(role)}`);

    // Objects created before the service had a role of its own (by a superuser, say) become the service's.
    const owned = await db.query<{ kind: string; name: string }>(
      `SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END AS kind,
              c.relname AS name
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
          AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
          AND c.relname <> ALL($2::text[]) AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = $3)`,
      [schema, plan.auditTables, role],
    );
    for (const { kind, name } of owned.rows) await db.query(`ALTER ${kind} ${id(schema)}.${id(name)} OWNER TO ${id(role)}`);
    const functions = await db.query<{ signature: string }>(
      `SELECT p.oid::regprocedure::text AS signature FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = $1 AND p.proname <> ALL($2::text[]) AND p.proowner <> (SELECT oid FROM pg_roles WHERE rolname = $3)`,
      [schema, plan.auditTables.map((table) => `${table}_forbid_change`), role],
    );
    // regprocedure text is schema-qualified when the schema is not on the search_path: qualify it ourselves.
    await db.query(`SET search_path TO ${id(schema)}`);
    for (const { signature } of functions.rows) await db.query(`ALTER FUNCTION ${signature} OWNER TO ${id(role)}`);
    await db.query('RESET search_path');
  });
}

/**
 * Hands the audit tables (and their append-only triggers' functions) to the guard role and leaves the service only
 * SELECT and INSERT on them. Run with an administrator's connection after the migrations that create them.
 */
export async function sealAuditTables(adminUrl: string, serviceUrl: string, plan: ServiceDatabasePlan): Promise<string[]> {
  const schema = checkedName('schema', plan.schema);
  const { role } = credentialsOf(serviceUrl);
  const guard = guardRoleOf(role);
  return asAdministrator(adminUrl, async (db) => {
    const id = (name: string) => db.escapeIdentifier(name);
    const sealed: string[] = [];
    for (const table of plan.auditTables) {
      const name = checkedName('audit table', table);
      const found = await db.query('SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = $2', [schema, name]);
      if (found.rowCount === 0) continue;
      const qualified = `${id(schema)}.${id(name)}`;
      await db.query(`ALTER TABLE ${qualified} OWNER TO ${id(guard)}`);
      await db.query(`ALTER FUNCTION ${id(schema)}.${id(`${name}_forbid_change`)}() OWNER TO ${id(guard)}`);
      await db.query(`REVOKE ALL ON TABLE ${qualified} FROM PUBLIC, ${id(role)}`);
      await db.query(`GRANT SELECT, INSERT ON TABLE ${qualified} TO ${id(role)}`);
      sealed.push(name);
    }
    return sealed;
  });
}

/**
 * Refuses to run a service on a connection that could rewrite its own audit trail: a superuser, the owner of the
 * schema or of an audit table, or a role allowed to change audit records. Called at boot, before any request.
 */
export async function assertLeastPrivilege(db: DataSource, plan: ServiceDatabasePlan): Promise<void> {
  const [row]: Array<{ role: string; superuser: boolean; bypass_rls: boolean; owns_schema: boolean | null; audit: Array<{ table: string; present: boolean; owner: boolean; change: boolean }> }> =
    await db.query(
      `SELECT r.rolname AS role, r.rolsuper AS superuser, r.rolbypassrls AS bypass_rls,
              (SELECT n.nspowner = r.oid FROM pg_namespace n WHERE n.nspname = $1) AS owns_schema,
              (SELECT coalesce(jsonb_agg(jsonb_build_object(
                        'table', t.name,
                        'present', c.oid IS NOT NULL,
                        'owner', coalesce(c.relowner = r.oid, false),
                        'change', c.oid IS NOT NULL AND (has_table_privilege(c.oid, 'UPDATE') OR has_table_privilege(c.oid, 'DELETE')
                                  OR has_table_privilege(c.oid, 'TRUNCATE') OR has_table_privilege(c.oid, 'TRIGGER')))), '[]'::jsonb)
                 FROM unnest($2::text[]) AS t(name)
                 LEFT JOIN pg_class c ON c.relname = t.name AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = $1)) AS audit
         FROM pg_roles r WHERE r.rolname = current_user`,
      [plan.schema, plan.auditTables],
    );
  const problems: string[] = [];
  if (row.superuser) problems.push('is a superuser');
  if (row.bypass_rls) problems.push('bypasses row-level security');
  if (row.owns_schema) problems.push(`owns the schema ${plan.schema}`);
  for (const table of row.audit) {
    if (!table.present) problems.push(`finds no table ${plan.schema}.${table.table} (run the migrations)`);
    else if (table.owner) problems.push(`owns ${table.table}`);
    else if (table.change) problems.push(`may change or remove records of ${table.table}`);
  }
  if (problems.length > 0) {
    throw new Error(
      `refusing to start: the database role ${row.role} ${problems.join(', ')}. A service runs as its own role that can ` +
        'only append to its audit trail: run its `migrate` command with DATABASE_ADMIN_URL set to an administrator\'s ' +
        'connection, which creates the role and seals the audit tables (docs/access-control.md).',
    );
  }
}

/**
 * Everything a service's schema needs, in order: with an administrator's connection, its roles first and the audit
 * tables sealed last; the migrations in between run as the service itself (a data source made by `dataSource` only
 * then, since provisioning may just have created its role), so what they create is the service's.
 */
export async function migrateServiceDatabase(options: {
  plan: ServiceDatabasePlan;
  serviceUrl: string;
  password?: string;
  adminUrl?: string;
  dataSource: () => DataSource;
}): Promise<{ applied: string[]; sealed: string[] }> {
  const { plan, serviceUrl, password, adminUrl } = options;
  if (adminUrl) await provisionServiceRole(adminUrl, serviceUrl, plan, password);
  const db = await options.dataSource().initialize();
  let applied: string[];
  try {
    applied = await runMigrations(db, plan.schema);
  } finally {
    await db.destroy();
  }
  const sealed = adminUrl ? await sealAuditTables(adminUrl, serviceUrl, plan) : [];
  return { applied, sealed };
}

/** A service's data source, opened only on a connection that cannot rewrite its audit trail. */
export async function openServiceDataSource(dataSource: DataSource, plan: ServiceDatabasePlan): Promise<DataSource> {
  const db = await dataSource.initialize();
  try {
    await assertLeastPrivilege(db, plan);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
}
