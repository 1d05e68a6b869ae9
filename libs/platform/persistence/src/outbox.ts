import type { JetStreamClient } from '@nats-io/jetstream';
import { publishEvent } from '@platform/nats';
import type { Logger } from '@platform/logging';
import type { DataSource, EntityManager } from 'typeorm';

export interface OutboxEvent {
  id: string;
  subject: string;
  payload: unknown;
}

/**
 * Writes events in the caller's transaction, so an event exists if and only if its change committed
 * (ARCHITECTURE decision 3). The table is created by each service's own migration, from `outboxTableSql()`.
 */
export async function appendToOutbox(manager: EntityManager, events: OutboxEvent[]): Promise<void> {
  if (events.length === 0) return;
  const values: unknown[] = [];
  const rows = events.map((event, index) => {
    values.push(event.id, event.subject, JSON.stringify(event.payload));
    return `($${index * 3 + 1}, $${index * 3 + 2}, $${index * 3 + 3}::jsonb)`;
  });
  await manager.query(`INSERT INTO outbox (id, subject, payload) VALUES ${rows.join(', ')}`, values);
}

export interface OutboxRelayOptions {
  dataSource: DataSource;
  jetstream: () => JetStreamClient | null;
  logger: Logger;
  /** Poll interval; `nudge()` after a commit makes publishing immediate. */
  intervalMs?: number;
  batchSize?: number;
  /** Key of the advisory lock that lets one relay per service publish at a time, keeping events in order. */
  lockKey: number;
}

/**
 * Publishes committed outbox rows to JetStream, oldest first, and marks them published. A crash between the
 * publish and the mark republishes the row on restart; JetStream drops it as a duplicate of the same
 * `Nats-Msg-Id`, so every committed event reaches the stream at least once and is stored once.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private again = false;
  private stopped = true;

  constructor(private readonly options: OutboxRelayOptions) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    while (this.running) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  /** Publish now instead of at the next poll. */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  /** Publishes until the outbox is empty; returns how many rows it published. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const published = await this.publishBatch();
      total += published;
      if (published < (this.options.batchSize ?? 200)) return total;
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
  }

  private async tick(): Promise<void> {
    this.running = true;
    let delay = this.options.intervalMs ?? 1_000;
    try {
      const published = await this.publishBatch();
      if (published >= (this.options.batchSize ?? 200)) delay = 0;
    } catch (error) {
      this.options.logger.warn({ err: (error as Error).message }, 'outbox relay: publish failed, will retry');
    } finally {
      this.running = false;
    }
    if (this.again) {
      this.again = false;
      delay = 0;
    }
    this.schedule(delay);
  }

  private async publishBatch(): Promise<number> {
    const client = this.options.jetstream();
    if (!client) return 0;
    const limit = this.options.batchSize ?? 200;
    return this.options.dataSource.transaction(async (manager) => {
      const [{ locked }] = await manager.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [this.options.lockKey]);
      if (!locked) return 0;
      const rows: Array<{ id: string; subject: string; payload: unknown }> = await manager.query(
        'SELECT id, subject, payload FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT $1',
        [limit],
      );
      for (const row of rows) {
        await publishEvent(client, { id: row.id, subject: row.subject, payload: row.payload });
      }
      if (rows.length > 0) {
        await manager.query('UPDATE outbox SET published_at = now() WHERE id = ANY($1::uuid[])', [rows.map((r) => r.id)]);
      }
      return rows.length;
    });
  }
}
