import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** Runs one SQL statement and answers its rows: an EntityManager (e.g. inside a transaction) or a pool reader. */
export interface Queryable {
  query<Rows = unknown>(sql: string, parameters?: unknown[]): Promise<Rows>;
}

/**
 * Single-statement reads straight on the data source's connection pool: the same connections and settings
 * (search_path, statement_timeout) without TypeORM's per-call QueryRunner, which is created, connected and released
 * around every `DataSource.query` (about 20 µs a query on the hot read path; docs/performance.md). Writes and
 * anything that needs a transaction keep using the EntityManager.
 */
export function poolReader(db: DataSource): Queryable {
  return {
    async query<Rows>(sql: string, parameters?: unknown[]): Promise<Rows> {
      // Resolved per call: the pool exists only once the data source is initialised.
      const pool = (db.driver as PostgresDriver).master as Pool;
      const result = await pool.query(sql, parameters);
      return result.rows as Rows;
    },
  };
}
