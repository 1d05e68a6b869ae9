import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The platform's inbox (@platform/event-consumer): org-structure's events identity applied, each once, where its
 * durable stands, and what it gave up on. The statements of eventInboxTableSql() as they were when this was written,
 * in the service's schema (the search path), pasted rather than called: a migration that has run never changes.
 */
export class IdentityEventInbox1797000000001 implements MigrationInterface {
  name = 'IdentityEventInbox1797000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE event_inbox (
        consumer text NOT NULL,
        event_id text NOT NULL,
        subject text NOT NULL,
        stream_seq bigint NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )`);
    await q.query(
      "COMMENT ON TABLE event_inbox IS 'Events each durable consumer has applied (@platform/event-consumer); a second delivery of one is skipped.'",
    );
    await q.query(`
      CREATE TABLE event_consumer_position (
        consumer text PRIMARY KEY,
        stream_seq bigint NOT NULL CHECK (stream_seq >= 0),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE event_dead_letter (
        consumer text NOT NULL,
        stream_seq bigint NOT NULL,
        event_id text,
        subject text NOT NULL,
        deliveries integer NOT NULL,
        error text NOT NULL,
        payload bytea NOT NULL,
        rejected_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, stream_seq)
      )`);
    await q.query("COMMENT ON TABLE event_dead_letter IS 'Events a durable consumer gave up on (@platform/event-consumer): never applied.'");
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['event_dead_letter', 'event_consumer_position', 'event_inbox']) await q.query(`DROP TABLE IF EXISTS ${table}`);
  }
}
