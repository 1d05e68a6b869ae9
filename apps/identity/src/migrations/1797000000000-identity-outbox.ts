import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identity becomes a service of its own that publishes events (who may do what changed), through the outbox like
 * every service: an event exists if and only if its change committed.
 */
export class IdentityOutbox1797000000000 implements MigrationInterface {
  name = 'IdentityOutbox1797000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox (
        seq bigserial PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        subject text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      )`);
    await q.query('CREATE INDEX outbox_unpublished ON outbox (seq) WHERE published_at IS NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS outbox');
  }
}
