import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The last TOTP time step accepted from each user: a code is accepted only for a later step, so a code seen once
 * (at login or when confirming enrolment) cannot be used again (RFC 6238 §5.2).
 */
export class TotpLastStep1796000000000 implements MigrationInterface {
  name = 'TotpLastStep1796000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE app_user ADD COLUMN totp_last_step bigint');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE app_user DROP COLUMN IF EXISTS totp_last_step');
  }
}
