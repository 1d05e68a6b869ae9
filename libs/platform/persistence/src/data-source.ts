import { DataSource, type DataSourceOptions as TypeOrmOptions } from 'typeorm';

export interface DataSourceOptions {
  url: string;
  /** Overrides the URL's password (kept in a secret file apart from the URL). */
  password?: string;
  /** The service's own schema (ARCHITECTURE decision 8); its migrations table lives there too. */
  schema: string;
  migrations: NonNullable<TypeOrmOptions['migrations']>;
  poolSize: number;
  statementTimeoutMs: number;
  applicationName: string;
}

/** `url` with its password replaced by `password`, when one is given. */
export function withPassword(url: string, password?: string): string {
  if (!password) return url;
  const parsed = new URL(url);
  parsed.password = password;
  return parsed.toString();
}

/** A TypeORM data source bound to one service schema. Never `synchronize`: schemas change only by migrations. */
export function createDataSource(options: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    // In the URL itself: TypeORM and pg let a URL's (empty) password win over a separate one.
    url: withPassword(options.url, options.password),
    schema: options.schema,
    synchronize: false,
    migrationsRun: false,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    entities: [],
    applicationName: options.applicationName,
    poolSize: options.poolSize,
    extra: {
      options: `-c search_path=${options.schema},public -c statement_timeout=${options.statementTimeoutMs}`,
      connectionTimeoutMillis: 3_000,
    },
  });
}

/**
 * Applies pending migrations. The schema must exist first, because the migrations table lives in it: a service role
 * finds it made by provisioning (it may not create schemas); anyone else may have it created here.
 */
export async function runMigrations(dataSource: DataSource, schema: string): Promise<string[]> {
  const present = await dataSource.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  if (present.length === 0) await dataSource.query(`CREATE SCHEMA "${schema}"`);
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((migration) => migration.name);
}

export async function revertLastMigration(dataSource: DataSource): Promise<void> {
  await dataSource.undoLastMigration({ transaction: 'each' });
}
