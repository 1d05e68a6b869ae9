/**
 * The statements that create a service's outbox in the current schema, as `appendToOutbox` writes it and
 * `OutboxRelay` reads it: rows in commit order (`seq`), the event id that becomes `Nats-Msg-Id` (unique, so an event
 * is written once), and a partial index over the rows still to publish, which stays small however long the outbox.
 *
 * A migration copies these statements as they are on the day it is written (paste the strings, do not call this
 * function from the migration): a migration that has run must never change, even when this helper does.
 */
export function outboxTableSql(): string[] {
  return [
    `CREATE TABLE outbox (
  seq bigserial PRIMARY KEY,
  id uuid NOT NULL UNIQUE,
  subject text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
)`,
    'CREATE INDEX outbox_unpublished ON outbox (seq) WHERE published_at IS NULL',
  ];
}

/** What a migration's `down` runs to remove what {@link outboxTableSql} created; unpublished events go with it. */
export function outboxTableDropSql(): string[] {
  return ['DROP TABLE IF EXISTS outbox'];
}
