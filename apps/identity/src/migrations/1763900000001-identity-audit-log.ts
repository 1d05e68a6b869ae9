import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The gateway's audit trail: authentication, denied requests, administration. Append-only and hash-chained (@platform/audit): a trigger refuses UPDATE, DELETE and TRUNCATE
 * even to the service's own role. The statements are copied from auditTableSql() as it was when this landed.
 */
export class IdentityAuditLog1763900000001 implements MigrationInterface {
  name = 'IdentityAuditLog1763900000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE audit_log (
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
)`);
    await q.query(`COMMENT ON TABLE audit_log IS 'Append-only, hash-chained audit trail (@platform/audit). Never update or delete a row.'`);
    await q.query(`CREATE INDEX audit_log_actor_user_id ON audit_log ((actor->>'userId'), seq)`);
    await q.query(`CREATE INDEX audit_log_action ON audit_log (action, seq)`);
    await q.query(`CREATE INDEX audit_log_object_id ON audit_log ((object->>'id'), seq)`);
    await q.query(`CREATE INDEX audit_log_occurred_at ON audit_log (occurred_at)`);
    await q.query(`CREATE FUNCTION audit_log_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
    USING ERRCODE = '42501', HINT = 'Audit records are never changed; append a new record instead.';
END
$fn$`);
    await q.query(`CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_forbid_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS audit_log`);
    await q.query(`DROP FUNCTION IF EXISTS audit_log_forbid_change()`);
  }
}
