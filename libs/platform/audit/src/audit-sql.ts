/** SQLSTATE the append-only trigger raises (insufficient_privilege). */
export const AUDIT_CHANGE_REFUSED_SQLSTATE = '42501';

const TABLE_NAME = /^[a-z_][a-z0-9_]{0,47}$/;

/**
 * Checks an audit table name: lower case, unquoted, unqualified (the service's schema comes from its
 * search_path), short enough for the names derived from it to fit PostgreSQL's 63 characters.
 */
export function assertAuditTableName(table: string): string {
  if (!TABLE_NAME.test(table)) {
    throw new TypeError(`audit table name "${table}" must match ${TABLE_NAME} (unqualified, lower case, at most 48 characters)`);
  }
  return table;
}

/**
 * The statements that create an audit table in the current schema: the table, its query indexes, and a trigger
 * refusing UPDATE, DELETE and TRUNCATE (MERGE and `INSERT … ON CONFLICT DO UPDATE` included), so that not even the
 * service's own role can change a record through SQL. The trigger function is named `<table>_forbid_change`, so
 * several audit tables can live in one schema.
 *
 * A migration copies these statements as they are on the day it is written (paste the strings, do not call this
 * function from the migration): a migration that has run must never change, even when this helper does.
 */
export function auditTableSql(table = 'audit_log'): string[] {
  const t = assertAuditTableName(table);
  return [
    `CREATE TABLE ${t} (
  seq bigint PRIMARY KEY CHECK (seq > 0),
  id uuid NOT NULL UNIQUE,
  occurred_at timestamptz NOT NULL,
  actor jsonb NOT NULL,
  action text NOT NULL,
  object jsonb NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('success', 'denied', 'failure')),
  request_id text,
  details jsonb NOT NULL,
  prev_hash text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$')
)`,
    `COMMENT ON TABLE ${t} IS 'Append-only, hash-chained audit trail (@platform/audit). Never update or delete a row.'`,
    `CREATE INDEX ${t}_actor_user_id ON ${t} ((actor->>'userId'), seq)`,
    `CREATE INDEX ${t}_action ON ${t} (action, seq)`,
    `CREATE INDEX ${t}_object_id ON ${t} ((object->>'id'), seq)`,
    `CREATE INDEX ${t}_occurred_at ON ${t} (occurred_at)`,
    `CREATE FUNCTION ${t}_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
    USING ERRCODE = '${AUDIT_CHANGE_REFUSED_SQLSTATE}', HINT = 'Audit records are never changed; append a new record instead.';
END
$fn$`,
    `CREATE TRIGGER ${t}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ${t} FOR EACH STATEMENT EXECUTE FUNCTION ${t}_forbid_change()`,
  ];
}

/**
 * The statements a migration's `down` runs to remove what {@link auditTableSql} created. Reverting that migration
 * destroys the audit trail: export its head first, and do it in production only on purpose.
 */
export function auditTableDropSql(table = 'audit_log'): string[] {
  const t = assertAuditTableName(table);
  return [`DROP TABLE IF EXISTS ${t}`, `DROP FUNCTION IF EXISTS ${t}_forbid_change()`];
}
