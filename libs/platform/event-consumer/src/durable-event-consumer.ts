import type { EventConsumerContract } from '@contracts/common';
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type ConsumerConfig,
  type ConsumerMessages,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '@platform/logging';
import type { DataSource, EntityManager } from 'typeorm';
import { inboxTables } from './inbox-sql';

/** One event as a handler receives it. */
export interface ConsumedEvent {
  /** The event id: the message's `Nats-Msg-Id`, which the outbox relay sets to the outbox row's id. */
  id: string;
  subject: string;
  /** Its position in the stream. */
  streamSequence: number;
  /** How many times it has been delivered, this delivery included. */
  deliveryCount: number;
  /** The body, parsed as JSON. */
  payload: unknown;
}

/**
 * Applies one event inside the consumer's transaction: everything it writes through `manager` commits with the
 * event's inbox row, or not at all. Throwing rolls both back and the event is delivered again later.
 */
export type EventHandler = (event: ConsumedEvent, manager: EntityManager) => Promise<void>;

/** Thrown by a handler for an event that can never be applied (malformed, contradicting the model): given up on at once. */
export class UnprocessableEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnprocessableEventError';
  }
}

export interface RedeliveryBackoff {
  /** Delay before the second delivery; doubled for each one after. */
  initialMs: number;
  maxMs: number;
}

export interface DurableEventConsumerOptions {
  /** Stream, durable name and filter subject: the same object the process's bus permissions are derived from. */
  consumer: EventConsumerContract;
  /** The process's NATS connection, awaited at start and after every failure (e.g. `() => nats.whenReady()`). */
  connection: () => Promise<NatsConnection>;
  dataSource: DataSource;
  /** The service's schema, holding the tables of `eventInboxTableSql`. */
  schema: string;
  handler: EventHandler;
  /** Called once an applied event's transaction has committed (not for duplicates or failures). */
  afterCommit?: () => void;
  logger: Logger;
  /** Deliveries of one event before it is given up on (recorded as a dead letter and terminated). */
  maxDeliveries?: number;
  backoff?: RedeliveryBackoff;
  /** How long the server waits for an acknowledgement before delivering again; a running handler extends it. */
  ackWaitMs?: number;
  /** Wait before setting up again after a failure (no stream yet, NATS down). */
  retryDelayMs?: number;
}


/** Delay before the next delivery of an event that has failed `deliveryCount` times. */
export function redeliveryDelayMs(deliveryCount: number, backoff: RedeliveryBackoff): number {
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.max(0, deliveryCount - 1));
}

type Outcome = 'applied' | 'duplicate';

/**
 * Reads a stream through a durable JetStream pull consumer and applies each event exactly once to the service's
 * database (ARCHITECTURE decision 3):
 *
 * - each event runs in one transaction that first inserts its inbox row (`ON CONFLICT DO NOTHING`): an event
 *   already there is skipped and acknowledged, so redeliveries and replays change nothing;
 * - the acknowledgement follows the commit, so a crash in between redelivers an event the inbox then skips;
 * - events are applied one at a time in stream order (the durable allows one unacknowledged message), which a
 *   read model needs: a unit's move must not overtake its creation;
 * - a failed event is delivered again after a growing delay, and after `maxDeliveries` it is recorded in
 *   `event_dead_letter`, logged and terminated, so one bad event holds the stream back for a while, not forever;
 * - the database's own position decides where reading starts: a new (or restored) database replays the stream
 *   from the start (or from where it stands) even when the durable had gone further for another database.
 */
export class DurableEventConsumer {
  private readonly options: Required<DurableEventConsumerOptions>;
  private readonly tables: ReturnType<typeof inboxTables>;
  private stopped = true;
  private loop: Promise<void> | null = null;
  private messages: ConsumerMessages | null = null;
  /** Settles when stop() is called, so waiting for NATS or a retry delay ends at once. */
  private stopping: Promise<void> = Promise.resolve();
  private signalStop: () => void = () => undefined;
  private nc: NatsConnection | null = null;

  constructor(options: DurableEventConsumerOptions) {
    this.options = {
      ...options,
      maxDeliveries: options.maxDeliveries ?? 5,
      backoff: options.backoff ?? { initialMs: 1_000, maxMs: 60_000 },
      ackWaitMs: options.ackWaitMs ?? 30_000,
      retryDelayMs: options.retryDelayMs ?? 2_000,
      afterCommit: options.afterCommit ?? (() => undefined),
    };
    if (!Number.isInteger(this.options.maxDeliveries) || this.options.maxDeliveries < 1) throw new RangeError('maxDeliveries must be a positive integer');
    this.tables = inboxTables(options.schema);
  }

  get name(): string {
    return this.options.consumer.durable;
  }

  /** Starts reading in the background; returns at once (a missing stream or NATS is waited for). */
  start(): void {
    if (this.loop) return;
    this.stopped = false;
    this.stopping = new Promise((resolve) => (this.signalStop = resolve));
    this.loop = this.run();
  }

  /** Stops reading, waiting for the event being applied to commit and be acknowledged (or roll back). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.signalStop();
    this.messages?.stop();
    await this.loop;
    this.loop = null;
  }

  /** Events of the stream not yet applied (waiting or in flight), or null while the durable cannot be reached. */
  async pending(): Promise<number | null> {
    if (!this.nc) return null;
    try {
      const { stream, durable } = this.options.consumer;
      const info = await (await jetstreamManager(this.nc)).consumers.info(stream, durable);
      return info.num_pending + info.num_ack_pending;
    } catch {
      return null;
    }
  }

  private async run(): Promise<void> {
    const { logger, consumer } = this.options;
    while (!this.stopped) {
      try {
        const nc = await Promise.race([this.options.connection(), this.stopping.then(() => null)]);
        if (!nc || this.stopped) break;
        this.nc = nc;
        await this.prepare(nc);
        const durable = await jetstream(nc).consumers.get(consumer.stream, consumer.durable);
        const messages = await durable.consume({ max_messages: 16, abort_on_missing_resource: true });
        this.messages = messages;
        if (this.stopped) messages.stop();
        for await (const message of messages) {
          if (this.stopped) {
            // Not started: delivered again at once, here or to another replica.
            message.nak();
            continue;
          }
          await this.receive(message);
        }
      } catch (error) {
        if (!this.stopped) {
          logger.warn({ consumer: consumer.durable, err: (error as Error).message }, 'event consumer: cannot read the stream; will retry');
        }
      } finally {
        this.messages?.stop();
        this.messages = null;
      }
      if (!this.stopped) await this.pause(this.options.retryDelayMs);
    }
  }

  /**
   * Makes the durable start where this database stands. Read in this order (the durable's acknowledgements, then
   * the database) because an acknowledgement always follows its commit: a durable ahead of the database means the
   * database is not the one the durable was read into (new, reset or restored), and the durable is created again
   * from the database's position.
   */
  private async prepare(nc: NatsConnection): Promise<void> {
    const { stream, durable, filterSubject } = this.options.consumer;
    const manager = await jetstreamManager(nc);
    const streamInfo = await manager.streams.info(stream);
    const existing = await manager.consumers.info(stream, durable).catch((error: Error) => {
      if (/consumer not found/i.test(error.message)) return null;
      throw error;
    });
    let position = await this.position();
    if (position > streamInfo.state.last_seq) {
      // The stream was created anew (its store lost): its sequences mean nothing to this database. Read it all;
      // the inbox still skips every event already applied.
      this.options.logger.warn({ consumer: durable, position, lastSeq: streamInfo.state.last_seq }, 'event consumer: the stream is behind this database; reading it from the start');
      await this.options.dataSource.query(`UPDATE ${this.tables.position} SET stream_seq = 0, updated_at = now() WHERE consumer = $1`, [durable]);
      position = 0;
      if (existing) await manager.consumers.delete(stream, durable);
      await this.createDurable(manager, 0);
      return;
    }
    if (existing && existing.config.filter_subject === filterSubject && existing.ack_floor.stream_seq <= position) return;
    if (existing) {
      this.options.logger.warn(
        { consumer: durable, position, ackFloor: existing.ack_floor.stream_seq, filter: existing.config.filter_subject },
        'event consumer: the durable does not match this database; creating it again from the database position',
      );
      await manager.consumers.delete(stream, durable);
    }
    await this.createDurable(manager, position);
  }

  private async createDurable(manager: JetStreamManager, position: number): Promise<void> {
    const { stream, durable, filterSubject } = this.options.consumer;
    const config: Partial<ConsumerConfig> = {
      durable_name: durable,
      filter_subject: filterSubject,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(this.options.ackWaitMs),
      // One event at a time, in stream order.
      max_ack_pending: 1,
      ...(position > 0 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: position + 1 } : { deliver_policy: DeliverPolicy.All }),
    };
    await manager.consumers.add(stream, config);
    this.options.logger.info({ consumer: durable, from: position + 1 }, 'event consumer: durable created');
  }

  private async position(): Promise<number> {
    const rows: Array<{ stream_seq: string }> = await this.options.dataSource.query(
      `SELECT stream_seq FROM ${this.tables.position} WHERE consumer = $1`,
      [this.options.consumer.durable],
    );
    return rows.length > 0 ? Number(rows[0].stream_seq) : 0;
  }

  private async receive(message: JsMsg): Promise<void> {
    const { logger, maxDeliveries } = this.options;
    const { streamSequence, deliveryCount } = message.info;
    const id = message.headers?.get('Nats-Msg-Id') || null;
    const context = { consumer: this.name, subject: message.subject, seq: streamSequence, eventId: id, deliveries: deliveryCount };
    let outcome: Outcome;
    try {
      if (!id) throw new UnprocessableEventError('the message has no Nats-Msg-Id, so it cannot be told apart from a redelivery');
      let payload: unknown;
      try {
        payload = message.json();
      } catch {
        throw new UnprocessableEventError('the body is not JSON');
      }
      outcome = await this.apply({ id, subject: message.subject, streamSequence, deliveryCount, payload }, message);
      // What the handler wrote is committed: e.g. wake the outbox relay, so events it appended leave now.
      if (outcome === 'applied') this.options.afterCommit();
    } catch (error) {
      const reason = (error as Error).message;
      // Past maxDeliveries only when the dead letter could not be recorded (the database was down): tried again,
      // since the event may well be fine.
      if (error instanceof UnprocessableEventError || deliveryCount >= maxDeliveries) {
        await this.giveUp(message, id, reason);
      } else {
        const delay = redeliveryDelayMs(deliveryCount, this.options.backoff);
        logger.warn({ ...context, err: reason, retryInMs: delay }, 'event consumer: applying an event failed; it will be delivered again');
        message.nak(delay);
      }
      return;
    }
    // An acknowledgement lost here is harmless: the event comes again and the inbox skips it.
    await message.ackAck().catch((error: Error) => logger.warn({ ...context, err: error.message }, 'event consumer: acknowledgement not confirmed'));
    logger.debug({ ...context, outcome }, 'event consumer: event done');
  }

  /** The inbox row, the position and the handler's writes, in one transaction. */
  private async apply(event: ConsumedEvent, message: JsMsg): Promise<Outcome> {
    const { dataSource, handler, ackWaitMs } = this.options;
    // A long handler keeps the server from delivering the event again meanwhile.
    const progress = setInterval(() => message.working(), Math.max(1_000, ackWaitMs / 2));
    try {
      return await dataSource.transaction(async (manager) => {
        const inserted: unknown[] = await manager.query(
          `INSERT INTO ${this.tables.inbox} (consumer, event_id, subject, stream_seq) VALUES ($1, $2, $3, $4)
           ON CONFLICT DO NOTHING RETURNING 1`,
          [this.name, event.id, event.subject, event.streamSequence],
        );
        await this.advance(manager, event.streamSequence);
        if (inserted.length === 0) return 'duplicate';
        await handler(event, manager);
        return 'applied';
      });
    } finally {
      clearInterval(progress);
    }
  }

  private async advance(manager: EntityManager, streamSequence: number): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.tables.position} AS p (consumer, stream_seq) VALUES ($1, $2)
       ON CONFLICT (consumer) DO UPDATE SET stream_seq = GREATEST(p.stream_seq, EXCLUDED.stream_seq), updated_at = now()`,
      [this.name, streamSequence],
    );
  }

  /**
   * Records the event as a dead letter and terminates it. Unrecorded, it is not terminated: if the database cannot
   * take the record, the event is delivered again later and given up on then.
   */
  private async giveUp(message: JsMsg, id: string | null, reason: string): Promise<void> {
    const { streamSequence, deliveryCount } = message.info;
    const context = { consumer: this.name, subject: message.subject, seq: streamSequence, eventId: id, deliveries: deliveryCount };
    try {
      await this.options.dataSource.transaction(async (manager) => {
        await manager.query(
          `INSERT INTO ${this.tables.deadLetter} AS d (consumer, stream_seq, event_id, subject, deliveries, error, payload)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (consumer, stream_seq) DO UPDATE
             SET deliveries = EXCLUDED.deliveries, error = EXCLUDED.error, rejected_at = now()`,
          [this.name, streamSequence, id, message.subject, deliveryCount, reason.slice(0, 2_000), Buffer.from(message.data)],
        );
        await this.advance(manager, streamSequence);
      });
    } catch (error) {
      this.options.logger.error({ ...context, err: (error as Error).message, reason }, 'event consumer: cannot record a dead letter; the event will be delivered again');
      message.nak(this.options.backoff.maxMs);
      return;
    }
    this.options.logger.error({ ...context, reason }, 'event consumer: gave up on an event (recorded in event_dead_letter)');
    // Without a reason: nats-server 2.9 takes `+TERM <reason>` for an unknown acknowledgement and ignores it.
    message.term();
  }

  private async pause(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise((resolve) => (timer = setTimeout(resolve, ms))), this.stopping]);
    clearTimeout(timer);
  }
}
