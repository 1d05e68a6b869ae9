import { auditTableDropSql, auditTableSql } from './audit-sql';

describe('auditTableSql', () => {
  it('creates the table, its indexes and the append-only trigger for the default table', () => {
    const sql = auditTableSql();
    expect(sql[0]).toMatch(/^CREATE TABLE audit_log \(/);
    expect(sql[0]).toContain('seq bigint PRIMARY KEY');
    expect(sql.filter((statement) => statement.startsWith('CREATE INDEX'))).toEqual([
      "CREATE INDEX audit_log_actor_user_id ON audit_log ((actor->>'userId'), seq)",
      'CREATE INDEX audit_log_action ON audit_log (action, seq)',
      "CREATE INDEX audit_log_object_id ON audit_log ((object->>'id'), seq)",
      'CREATE INDEX audit_log_occurred_at ON audit_log (occurred_at)',
    ]);
    expect(sql).toContainEqual(expect.stringMatching(/^CREATE FUNCTION audit_log_forbid_change\(\) RETURNS trigger/));
    expect(sql.at(-1)).toBe(
      'CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log FOR EACH STATEMENT ' +
        'EXECUTE FUNCTION audit_log_forbid_change()',
    );
  });

  it('names everything after the table, so several audit tables fit in one schema', () => {
    const sql = auditTableSql('login_audit').join('\n');
    expect(sql).toContain('CREATE FUNCTION login_audit_forbid_change()');
    expect(sql).not.toMatch(/audit_log/);
  });

  it.each(['', 'Audit', 'org.audit', 'audit log', 'audit;drop', '"audit"', 'a'.repeat(49)])('refuses the table name %j', (name) => {
    expect(() => auditTableSql(name)).toThrow(TypeError);
    expect(() => auditTableDropSql(name)).toThrow(TypeError);
  });

  it('drops the table and then its function', () => {
    expect(auditTableDropSql('audit_log')).toEqual(['DROP TABLE IF EXISTS audit_log', 'DROP FUNCTION IF EXISTS audit_log_forbid_change()']);
  });
});
