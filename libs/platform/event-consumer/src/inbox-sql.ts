const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,47}$/;

/** A schema name as services name theirs: lower case, unquoted. */
export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new TypeError(`schema name "${schema}" must match ${SCHEMA_NAME}`);
  return schema;
}

/** The inbox tables of one schema, qualified; what the consumer reads and writes. */
export function inboxTables(schema: string): { inbox: string; position: string; deadLetter: string } {
  const s = assertSchemaName(schema);
  return { inbox: `${s}.event_inbox`, position: `${s}.event_consumer_position`, deadLetter: `${s}.event_dead_letter` };
}

/**
 * The statements a service's migration runs to create its inbox in its own schema (ARCHITECTURE decision 3:
 * durable, idempotent consumers). One set of tables serves every consumer of the service, each row naming its
 * durable:
 *
 * - `event_inbox`: one row per event applied, keyed by (consumer, event id), written in the handler's transaction;
 * - `event_consumer_position`: the stream sequence each consumer's database has reached, so a new or restored
 *   database replays the stream from where it stands rather than from where the durable stands;
 * - `event_dead_letter`: events given up on, with the error and the body, for an operator to look at.
 *
 * A service's migration pastes these statements (as migrations copy outboxTableSql() and auditTableSql()), so a
 * migration that has run keeps meaning what it meant; the tests and the read model's own tests create them here.
 */
export function eventInboxTableSql(schema: string): string[] {
  const t = inboxTables(schema);
  return [
    `CREATE TABLE ${t.inbox} (
  consumer text NOT NULL,
  event_id text NOT NULL,
  subject text NOT NULL,
  stream_seq bigint NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
)`,
    `COMMENT ON TABLE ${t.inbox} IS 'Events each durable consumer has applied (@platform/event-consumer); a second delivery of one is skipped.'`,
    `CREATE TABLE ${t.position} (
  consumer text PRIMARY KEY,
  stream_seq bigint NOT NULL CHECK (stream_seq >= 0),
  updated_at timestamptz NOT NULL DEFAULT now()
)`,
    `CREATE TABLE ${t.deadLetter} (
  consumer text NOT NULL,
  stream_seq bigint NOT NULL,
  event_id text,
  subject text NOT NULL,
  deliveries integer NOT NULL,
  error text NOT NULL,
  payload bytea NOT NULL,
  rejected_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, stream_seq)
)`,
    `COMMENT ON TABLE ${t.deadLetter} IS 'Events a durable consumer gave up on (@platform/event-consumer): never applied.'`,
  ];
}

/** What a migration's `down` runs to remove the tables {@link eventInboxTableSql} created. */
export function eventInboxTableDropSql(schema: string): string[] {
  const t = inboxTables(schema);
  return [`DROP TABLE IF EXISTS ${t.deadLetter}`, `DROP TABLE IF EXISTS ${t.position}`, `DROP TABLE IF EXISTS ${t.inbox}`];
}
