import { jetstreamManager, jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';

/** Creates the stream when missing, or updates its subjects; safe to call at every boot. */
export async function ensureStream(connection: NatsConnection, name: string, subjects: string[]): Promise<void> {
  const manager = await jetstreamManager(connection);
  try {
    const info = await manager.streams.info(name);
    const missing = subjects.filter((subject) => !info.config.subjects?.includes(subject));
    if (missing.length > 0) {
      await manager.streams.update(name, { ...info.config, subjects: [...(info.config.subjects ?? []), ...missing] });
    }
  } catch (error) {
    if (!/stream not found/i.test((error as Error).message)) throw error;
    // Two minutes of de-duplication covers any relay retry after a crash between publish and mark. No limit on
    // age, count or size: other services' read models fill themselves by replaying the stream from its start.
    await manager.streams.add({ name, subjects, duplicate_window: 120_000_000_000 });
  }
}

export interface EventMessage {
  id: string;
  subject: string;
  payload: unknown;
  headers?: Record<string, string>;
}

/** Publishes with `Nats-Msg-Id` = event id, so JetStream drops a duplicate of an event already stored. */
export async function publishEvent(client: JetStreamClient, event: EventMessage): Promise<void> {
  await client.publish(event.subject, JSON.stringify(event.payload), { msgID: event.id, timeout: 5_000 });
}

export { jetstream };
