import type { EventConsumerContract, ServiceBusContract } from '@contracts/common';
import { jetstream, jetstreamManager, AckPolicy, DeliverPolicy } from '@nats-io/jetstream';
import { connect, headers, nanos, type NatsConnection } from '@nats-io/transport-node';
import { createLogger } from '@platform/logging';
import { ensureStream, natsAuthOptions, publishEvent } from '@platform/nats';
import { createDataSource } from '@platform/persistence';
import { createTestDatabase, newBusCredentials, startNatsServer, waitFor, type BusCredentials, type TestDatabase, type TestNatsServer } from '@platform/testing';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { DurableEventConsumer, UnprocessableEventError, eventInboxTableSql, type EventHandler, type DurableEventConsumerOptions } from '../../src';

/*
 * A durable consumer applies each event of a stream once to the service's database (ARCHITECTURE decision 3), with
 * a real nats-server authenticating both ends by the contracts, and a real PostgreSQL.
 */
const STREAM = 'TEST_EVENTS';
const SCHEMA = 'reader';
const consumerOf = (name: string): EventConsumerContract => ({ stream: STREAM, durable: `reader-${name}`, filterSubject: `test.events.${name}.>` });
const CONSUMERS = {
  order: consumerOf('order'),
  duplicates: consumerOf('duplicates'),
  replay: consumerOf('replay'),
  failure: consumerOf('failure'),
  poison: consumerOf('poison'),
  stop: consumerOf('stop'),
  backfill: consumerOf('backfill'),
  late: { stream: 'LATE_EVENTS', durable: 'reader-late', filterSubject: 'late.events.>' },
};
const SOURCE: ServiceBusContract = { service: 'events-source', requests: ['source.v1.>'], stream: { name: STREAM, subjects: ['test.events.>'] } };
const LATE_SOURCE: ServiceBusContract = { service: 'late-source', requests: ['late.v1.>'], stream: { name: 'LATE_EVENTS', subjects: ['late.events.>'] } };
const READER: ServiceBusContract = { service: 'reader', requests: ['reader.v1.>'], stream: null, consumers: Object.values(CONSUMERS) };
const TEST_OPERATOR = 'test-operator';

const logger = createLogger({ service: 'event-consumer-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
let nats: TestNatsServer;
let bus: BusCredentials;
let database: TestDatabase;
let db: DataSource;
let source: NatsConnection;
let reader: NatsConnection;
let operator: NatsConnection;
const running: DurableEventConsumer[] = [];

async function openDatabase(target: TestDatabase): Promise<DataSource> {
  const dataSource = await createDataSource({
    url: target.url,
    schema: SCHEMA,
    migrations: [],
    poolSize: 4,
    statementTimeoutMs: 10_000,
    applicationName: 'event-consumer-test',
  }).initialize();
  await dataSource.query(`CREATE SCHEMA ${SCHEMA}`);
  for (const statement of eventInboxTableSql(SCHEMA)) await dataSource.query(statement);
  await dataSource.query(`CREATE TABLE ${SCHEMA}.applied (seq bigserial PRIMARY KEY, consumer text NOT NULL, event_id text NOT NULL, value text)`);
  return dataSource;
}

/** The handler of most tests: one row per application, so a second application of an event shows. */
const recordApplied =
  (consumer: string): EventHandler =>
  async (event, manager) => {
    await manager.query(`INSERT INTO ${SCHEMA}.applied (consumer, event_id, value) VALUES ($1, $2, $3)`, [consumer, event.id, (event.payload as { value?: string }).value ?? null]);
  };

function startConsumer(options: Partial<DurableEventConsumerOptions> & Pick<DurableEventConsumerOptions, 'consumer'>): DurableEventConsumer {
  const consumer = new DurableEventConsumer({
    connection: async () => reader,
    dataSource: db,
    schema: SCHEMA,
    handler: recordApplied(options.consumer.durable),
    logger,
    retryDelayMs: 200,
    backoff: { initialMs: 200, maxMs: 1_000 },
    ...options,
  });
  running.push(consumer);
  consumer.start();
  return consumer;
}

/** Publishes as the outbox relay does: `Nats-Msg-Id` = event id. */
async function publish(subject: string, payload: Record<string, unknown>, id: string = randomUUID()): Promise<string> {
  await publishEvent(jetstream(source), { id, subject, payload: { eventId: id, ...payload } });
  return id;
}

async function applied(consumer: EventConsumerContract, on: DataSource = db): Promise<Array<{ event_id: string; value: string | null }>> {
  return on.query(`SELECT event_id, value FROM ${SCHEMA}.applied WHERE consumer = $1 ORDER BY seq`, [consumer.durable]);
}

async function inboxCount(consumer: EventConsumerContract, on: DataSource = db): Promise<number> {
  const [{ n }] = await on.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.event_inbox WHERE consumer = $1`, [consumer.durable]);
  return n;
}

async function caughtUp(consumer: DurableEventConsumer): Promise<void> {
  // Generous: on a loaded machine recreating a durable and replaying into a new database took over 15 s once.
  await waitFor(async () => (await consumer.pending()) === 0, 45_000, `${consumer.name} to apply every event`);
}

const connectAs = (process: string) => connect({ servers: nats.url, ...natsAuthOptions(process, bus.seeds[process]), maxReconnectAttempts: -1, reconnectTimeWait: 100 });

beforeAll(async () => {
  bus = newBusCredentials([{ process: TEST_OPERATOR, consumers: [] }], [SOURCE, LATE_SOURCE, READER]);
  // An operator recreating a durable by hand, as the replay test needs; nothing of the platform holds these rights.
  const operatorUser = bus.users.find((user) => user.name === TEST_OPERATOR)!;
  operatorUser.permissions = { ...operatorUser.permissions, publish: ['$JS.API.>'] };
  nats = await startNatsServer({ users: bus.users });
  source = await connectAs(SOURCE.service);
  reader = await connectAs(READER.service);
  operator = await connectAs(TEST_OPERATOR);
  await ensureStream(source, STREAM, ['test.events.>']);
  // A short duplicate window, so that a copy published after it (the relay restarted long after a crash between
  // publishing and marking) is stored a second time, as it would be in production after two minutes.
  const manager = await jetstreamManager(source);
  const info = await manager.streams.info(STREAM);
  await manager.streams.update(STREAM, { ...info.config, duplicate_window: nanos(300) });
  database = await createTestDatabase('event_consumer');
  db = await openDatabase(database);
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((consumer) => consumer.stop()));
});

afterAll(async () => {
  await Promise.all([source, reader, operator].map((connection) => connection?.close()));
  await db?.destroy();
  await database?.drop();
  await nats?.stop();
});

it('applies every event once, in stream order, with the credentials its contract gives it', async () => {
  const ids = [];
  for (const value of ['a', 'b', 'c']) ids.push(await publish('test.events.order.happened', { value }));
  const consumer = startConsumer({ consumer: CONSUMERS.order });
  await caughtUp(consumer);
  expect(await applied(CONSUMERS.order)).toEqual(ids.map((id, i) => ({ event_id: id, value: 'abc'[i] })));
  expect(await inboxCount(CONSUMERS.order)).toBe(3);

  // Events published while it runs are applied as they come.
  const later = await publish('test.events.order.happened', { value: 'd' });
  await waitFor(async () => (await applied(CONSUMERS.order)).length === 4, 10_000, 'the later event');
  expect((await applied(CONSUMERS.order))[3].event_id).toBe(later);
});

it('a second copy of an event in the stream (same event id, stored twice) changes nothing', async () => {
  const id = await publish('test.events.duplicates.happened', { value: 'first' });
  await new Promise((resolve) => setTimeout(resolve, 500));
  await publish('test.events.duplicates.happened', { value: 'copy' }, id);
  const stored = await jetstreamManager(source).then((m) => m.streams.info(STREAM, { subjects_filter: 'test.events.duplicates.>' }));
  expect(stored.state.subjects?.['test.events.duplicates.happened']).toBe(2);

  const consumer = startConsumer({ consumer: CONSUMERS.duplicates });
  await caughtUp(consumer);
  expect(await applied(CONSUMERS.duplicates)).toEqual([{ event_id: id, value: 'first' }]);
  expect(await inboxCount(CONSUMERS.duplicates)).toBe(1);
});

it('the whole stream delivered a second time (its durable recreated from the start) changes nothing', async () => {
  for (const value of ['x', 'y', 'z']) await publish('test.events.replay.happened', { value });
  const first = startConsumer({ consumer: CONSUMERS.replay });
  await caughtUp(first);
  await first.stop();
  const before = await applied(CONSUMERS.replay);
  expect(before).toHaveLength(3);

  const { stream, durable, filterSubject } = CONSUMERS.replay;
  const manager = await jetstreamManager(operator);
  await manager.consumers.delete(stream, durable);
  await manager.consumers.add(stream, {
    durable_name: durable,
    filter_subject: filterSubject,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    max_ack_pending: 1,
  });

  const second = startConsumer({ consumer: CONSUMERS.replay });
  await caughtUp(second);
  // Every event did come again, through the durable recreated by hand.
  expect((await manager.consumers.info(stream, durable)).delivered.consumer_seq).toBe(3);
  expect(await applied(CONSUMERS.replay)).toEqual(before);
  expect(await inboxCount(CONSUMERS.replay)).toBe(3);
});

it('a failing handler rolls back its writes and the inbox row, and the event is delivered again', async () => {
  const deliveries: Array<{ count: number; appliedBefore: number }> = [];
  const handler: EventHandler = async (event, manager) => {
    // Read on another connection: what earlier deliveries committed.
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.applied WHERE event_id = $1`, [event.id]);
    deliveries.push({ count: event.deliveryCount, appliedBefore: n });
    await recordApplied(CONSUMERS.failure.durable)(event, manager);
    if (event.deliveryCount === 1) throw new Error('the database of a neighbour is down');
  };
  const id = await publish('test.events.failure.happened', { value: 'v' });
  const consumer = startConsumer({ consumer: CONSUMERS.failure, handler });
  await caughtUp(consumer);
  // Called a second time at all: the first delivery's inbox row was rolled back with its write.
  expect(deliveries).toEqual([
    { count: 1, appliedBefore: 0 },
    { count: 2, appliedBefore: 0 },
  ]);
  expect(await applied(CONSUMERS.failure)).toEqual([{ event_id: id, value: 'v' }]);
  expect(await inboxCount(CONSUMERS.failure)).toBe(1);
});

it('gives up on a poison event after its deliveries, records it, and goes on with the next ones', async () => {
  const poisonId = await publish('test.events.poison.happened', { value: 'poison' });
  const hopelessId = await publish('test.events.poison.happened', { value: 'hopeless' });
  await jetstream(source).publish('test.events.poison.happened', 'not json', { headers: withMsgId('not-json-1') });
  const goodId = await publish('test.events.poison.happened', { value: 'good' });
  const attempts = new Map<string, number>();
  const handler: EventHandler = async (event, manager) => {
    attempts.set(event.id, (attempts.get(event.id) ?? 0) + 1);
    const { value } = event.payload as { value: string };
    if (value === 'poison') throw new Error('cannot apply this one');
    if (value === 'hopeless') throw new UnprocessableEventError('names a unit that never existed');
    await recordApplied(CONSUMERS.poison.durable)(event, manager);
  };
  const consumer = startConsumer({ consumer: CONSUMERS.poison, handler, maxDeliveries: 3, backoff: { initialMs: 100, maxMs: 200 } });
  await caughtUp(consumer);

  expect(await applied(CONSUMERS.poison)).toEqual([{ event_id: goodId, value: 'good' }]);
  expect(attempts.get(poisonId)).toBe(3);
  expect(attempts.get(hopelessId)).toBe(1);
  const dead = await db.query(
    `SELECT event_id, deliveries, error, convert_from(payload, 'UTF8') AS body FROM ${SCHEMA}.event_dead_letter WHERE consumer = $1 ORDER BY stream_seq`,
    [CONSUMERS.poison.durable],
  );
  expect(dead).toEqual([
    { event_id: poisonId, deliveries: 3, error: 'cannot apply this one', body: expect.stringContaining('"poison"') },
    { event_id: hopelessId, deliveries: 1, error: 'names a unit that never existed', body: expect.stringContaining('"hopeless"') },
    { event_id: 'not-json-1', deliveries: 1, error: 'the body is not JSON', body: 'not json' },
  ]);
  // Terminated, not left pending: nothing of the stream waits any more.
  const info = await jetstreamManager(operator).then((m) => m.consumers.info(STREAM, CONSUMERS.poison.durable));
  expect(info.num_ack_pending + info.num_pending).toBe(0);
});

it('stop waits for the event being applied, which commits and is acknowledged', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let started = false;
  const handler: EventHandler = async (event, manager) => {
    started = true;
    await gate;
    await recordApplied(CONSUMERS.stop.durable)(event, manager);
  };
  const id = await publish('test.events.stop.happened', { value: 'slow' });
  const consumer = startConsumer({ consumer: CONSUMERS.stop, handler });
  await waitFor(() => started, 10_000, 'the handler to start');
  let stopped = false;
  const stopping = consumer.stop().then(() => (stopped = true));
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(stopped).toBe(false);
  release();
  await stopping;
  expect(await applied(CONSUMERS.stop)).toEqual([{ event_id: id, value: 'slow' }]);
  const info = await jetstreamManager(operator).then((m) => m.consumers.info(STREAM, CONSUMERS.stop.durable));
  expect(info.ack_floor.stream_seq).toBe(info.delivered.stream_seq);
  expect(info.num_ack_pending).toBe(0);
});

it('a new database replays the stream from the start although the durable had read it all for another', async () => {
  for (const value of ['1', '2']) await publish('test.events.backfill.happened', { value });
  const first = startConsumer({ consumer: CONSUMERS.backfill });
  await caughtUp(first);
  await first.stop();

  const fresh = await createTestDatabase('event_consumer_fresh');
  const freshDb = await openDatabase(fresh);
  try {
    const second = startConsumer({ consumer: CONSUMERS.backfill, dataSource: freshDb });
    await caughtUp(second);
    expect((await applied(CONSUMERS.backfill, freshDb)).map((row) => row.value)).toEqual(['1', '2']);
    await second.stop();

    // Back on the first database, which has everything already: it keeps its durable and applies only what is new.
    await publish('test.events.backfill.happened', { value: '3' });
    const third = startConsumer({ consumer: CONSUMERS.backfill });
    await caughtUp(third);
    expect((await applied(CONSUMERS.backfill)).map((row) => row.value)).toEqual(['1', '2', '3']);
  } finally {
    await Promise.all(running.splice(0).map((consumer) => consumer.stop()));
    await freshDb.destroy();
    await fresh.drop();
  }
});

it('waits for a stream that does not exist yet and reads it once it appears', async () => {
  const consumer = startConsumer({ consumer: CONSUMERS.late });
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(await consumer.pending()).toBeNull();
  const lateSource = await connectAs(LATE_SOURCE.service);
  try {
    await ensureStream(lateSource, 'LATE_EVENTS', ['late.events.>']);
    const id = randomUUID();
    await publishEvent(jetstream(lateSource), { id, subject: 'late.events.happened', payload: { eventId: id, value: 'late' } });
    await waitFor(async () => (await applied(CONSUMERS.late)).length === 1, 15_000, 'the event of the late stream');
  } finally {
    await lateSource.close();
  }
});

it('stops at once while waiting to retry', async () => {
  const consumer = startConsumer({ consumer: consumerOf('unlisted'), retryDelayMs: 10_000 });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const started = Date.now();
  await consumer.stop();
  expect(Date.now() - started).toBeLessThan(1_000);
});

function withMsgId(id: string) {
  const h = headers();
  h.set('Nats-Msg-Id', id);
  return h;
}
