import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Users, their scoped role assignments, refresh-token families and login attempts (issue: access control). */
export class IdentityInitial1763900000000 implements MigrationInterface {
  name = 'IdentityInitial1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE app_user (
        id uuid PRIMARY KEY,
        username text NOT NULL,
        display_name text NOT NULL,
        password_hash text,
        totp_secret text,
        totp_enabled boolean NOT NULL DEFAULT false,
        clearance text NOT NULL DEFAULT 'none' CHECK (clearance IN ('none', 'mat', 'toi_mat', 'tuyet_mat')),
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
        external_issuer text,
        external_subject text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE UNIQUE INDEX app_user_username ON app_user (lower(username))');
    await q.query(
      'CREATE UNIQUE INDEX app_user_external ON app_user (external_issuer, external_subject) WHERE external_subject IS NOT NULL',
    );

    await q.query(`
      CREATE TABLE role_assignment (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES app_user (id),
        role text NOT NULL,
        unit_id uuid,
        valid_from date NOT NULL,
        valid_to date,
        reason text,
        CHECK (valid_to IS NULL OR valid_to >= valid_from)
      )`);
    await q.query('CREATE INDEX role_assignment_user ON role_assignment (user_id) WHERE valid_to IS NULL');
    await q.query('CREATE INDEX role_assignment_unit ON role_assignment (unit_id) WHERE valid_to IS NULL');

    await q.query(`
      CREATE TABLE refresh_token (
        id uuid PRIMARY KEY,
        family_id uuid NOT NULL,
        user_id uuid NOT NULL REFERENCES app_user (id),
        token_hash text NOT NULL UNIQUE,
        issued_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query('CREATE INDEX refresh_token_family ON refresh_token (family_id)');

    await q.query(`
      CREATE TABLE login_attempt (
        id bigserial PRIMARY KEY,
        username text NOT NULL,
        client_address text NOT NULL,
        succeeded boolean NOT NULL,
        attempted_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX login_attempt_username ON login_attempt (lower(username), attempted_at)');
    await q.query('CREATE INDEX login_attempt_address ON login_attempt (client_address, attempted_at)');

    // Events from other services already acted on, so a redelivered event changes nothing twice.
    await q.query('CREATE TABLE processed_event (event_id uuid PRIMARY KEY, processed_at timestamptz NOT NULL DEFAULT now())');
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['processed_event', 'login_attempt', 'refresh_token', 'role_assignment', 'app_user']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
