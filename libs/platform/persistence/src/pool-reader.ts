import { hash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** Runs one SQL statement and answers its rows: an EntityManager (e.g. inside a transaction) or a pool reader. */
export interface Queryable {
  query<Rows = unknown>(sql: string, parameters?: unknown[]): Promise<Rows>;
}

/** One statement of a batch. */
export interface Statement {
  sql: string;
  parameters?: unknown[];
  /**
   * Kept parsed and planned on each connection (a named prepared statement), for the hot reads whose SQL never
   * changes: PostgreSQL then skips parsing and planning it on every execution.
   */
  prepared?: boolean;
}

const preparedNames = new Map<string, string>();

/** The statement as pg takes it: a stable name per SQL text when prepared. */
function toQuery({ sql, parameters, prepared }: Statement): { text: string; values?: unknown[]; name?: string } {
  if (!prepared) return { text: sql, values: parameters };
  let name = preparedNames.get(sql);
  if (!name) {
    name = `platform_${hash('sha1', sql, 'hex').slice(0, 16)}`;
    preparedNames.set(sql, name);
  }
  return { text: sql, values: parameters, name };
}

export interface PoolReader extends Queryable {
  /**
   * Independent single-statement reads on one connection, written together and answered in order (PostgreSQL's
   * pipelining): one round trip and one write instead of one of each per statement. Each runs on its own, as
   * `query` would run it, not in a transaction; the first failure is thrown once all have finished. `Rows` names
   * the rows of each statement, in order.
   */
  queryAll<Rows extends unknown[]>(statements: readonly Statement[]): Promise<Rows>;
}

/** What pipelining needs of a pg client beyond its typed API: the mode switch, and its socket to write in one go. */
interface PipelinedClient {
  pipeline: boolean;
  connection?: { stream?: { cork?: () => void; uncork?: () => void } };
}

/**
 * Single-statement reads straight on the data source's connection pool: the same connections and settings
 * (search_path, statement_timeout) without TypeORM's per-call QueryRunner, which is created, connected and released
 * around every `DataSource.query` (about 20 µs a query on the hot read path; docs/performance.md). Writes and
 * anything that needs a transaction keep using the EntityManager.
 */
export function poolReader(db: DataSource): PoolReader {
  // Resolved per call: the pool exists only once the data source is initialised.
  const pool = () => (db.driver as PostgresDriver).master as Pool;
  return {
    async query<Rows>(sql: string, parameters?: unknown[]): Promise<Rows> {
      const result = await pool().query(sql, parameters);
      return result.rows as Rows;
    },

    async queryAll<Rows extends unknown[]>(statements: readonly Statement[]): Promise<Rows> {
      if (statements.length < 2) return Promise.all(statements.map(async (statement) => (await pool().query(toQuery(statement))).rows)) as Promise<Rows>;
      const client = await pool().connect();
      let settled: Array<PromiseSettledResult<{ rows: unknown }>>;
      try {
        settled = await sendTogether(client, statements);
      } catch (error) {
        client.release(error as Error);
        throw error;
      }
      const failure = settled.find((outcome) => outcome.status === 'rejected');
      // As pool.query does: a connection whose statement failed is not handed out again.
      client.release(failure ? (failure.reason as Error) : undefined);
      if (failure) throw failure.reason;
      return settled.map((outcome) => (outcome as PromiseFulfilledResult<{ rows: unknown }>).value.rows) as Rows;
    },
  };
}

async function sendTogether(client: PoolClient, statements: readonly Statement[]): Promise<Array<PromiseSettledResult<{ rows: unknown }>>> {
  const pipelined = client as unknown as PipelinedClient;
  const socket = pipelined.connection?.stream;
  const mode = pipelined.pipeline;
  pipelined.pipeline = true;
  // Corked, the statements leave in one write instead of one each.
  socket?.cork?.();
  let sent: Array<Promise<{ rows: unknown }>>;
  try {
    sent = statements.map((statement) => client.query(toQuery(statement)));
  } finally {
    socket?.uncork?.();
  }
  const settled = await Promise.allSettled(sent);
  // Every statement has been answered: the connection goes back as it came, for whoever takes it next.
  pipelined.pipeline = mode;
  return settled;
}
