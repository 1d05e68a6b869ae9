import type { Clearance, RoleName, ScopedRole } from '@contracts/common';
import type { DataSource, EntityManager } from 'typeorm';

export interface UserRecord {
  id: string;
  username: string;
  display_name: string;
  password_hash: string | null;
  totp_secret: string | null;
  totp_enabled: boolean;
  clearance: Clearance;
  status: 'active' | 'disabled';
  external_issuer: string | null;
  external_subject: string | null;
}

/** Where a page of users starts after: the lower-cased username and id of the previous page's last user. */
export type UserKey = { username: string; id: string };

export interface AssignmentRecord {
  id: string;
  user_id: string;
  role: RoleName;
  unit_id: string | null;
  valid_from: string;
  valid_to: string | null;
  reason: string | null;
}

const USER_COLUMNS = `id, username, display_name, password_hash, totp_secret, totp_enabled, clearance, status,
  external_issuer, external_subject`;
const ASSIGNMENT_COLUMNS = `id, user_id, role, unit_id, valid_from::text AS valid_from, valid_to::text AS valid_to, reason`;

/** The gateway's identity records (schema `identity`): users, scoped role assignments, sessions, login attempts. */
export class IdentityStore {
  constructor(readonly db: DataSource) {}

  async userById(id: string, manager: EntityManager = this.db.manager): Promise<UserRecord | null> {
    const [row] = await manager.query(`SELECT ${USER_COLUMNS} FROM app_user WHERE id = $1`, [id]);
    return row ?? null;
  }

  /**
   * A page of users in username order, ignoring case, after `after` (the last row of the previous page): keyset on
   * (lower(username), id), which never changes for a user.
   */
  async usersAfter(after: UserKey | null, limit: number): Promise<Array<UserRecord & { username_key: string }>> {
    return this.db.query(
      `SELECT ${USER_COLUMNS}, lower(username) AS username_key FROM app_user
        WHERE $1::text IS NULL OR (lower(username), id) > ($1::text, $2::uuid)
        ORDER BY lower(username), id
        LIMIT $3`,
      [after?.username ?? null, after?.id ?? null, limit],
    );
  }

  async userByUsername(username: string): Promise<UserRecord | null> {
    const [row] = await this.db.query(`SELECT ${USER_COLUMNS} FROM app_user WHERE lower(username) = lower($1)`, [username]);
    return row ?? null;
  }

  async userByExternal(issuer: string, subject: string, username: string | null): Promise<UserRecord | null> {
    const [bySubject] = await this.db.query(
      `SELECT ${USER_COLUMNS} FROM app_user WHERE external_issuer = $1 AND external_subject = $2`,
      [issuer, subject],
    );
    if (bySubject) return bySubject;
    if (!username) return null;
    // First login through the provider: link the platform user of that name to the provider's subject.
    const [linked] = await this.db.query(
      `UPDATE app_user SET external_issuer = $1, external_subject = $2
        WHERE lower(username) = lower($3) AND external_subject IS NULL RETURNING ${USER_COLUMNS}`,
      [issuer, subject, username],
    );
    return linked?.[0] ?? null;
  }

  /**
   * Everything a request needs to know about its caller, in one round trip: the user, whether the session is
   * still open (null session: not a session token) and the roles in force today.
   */
  async callerOf(userId: string, sessionId: string | null, today: string): Promise<{ user: UserRecord; sessionOpen: boolean; roles: ScopedRole[] } | null> {
    const [row] = await this.db.query(
      `SELECT to_jsonb(u) AS "user",
              ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM refresh_token t WHERE t.family_id = $2 AND t.revoked_at IS NULL)) AS "sessionOpen",
              COALESCE((SELECT jsonb_agg(jsonb_build_object('role', a.role, 'unitId', a.unit_id))
                          FROM role_assignment a
                         WHERE a.user_id = u.id AND a.valid_from <= $3::date AND (a.valid_to IS NULL OR a.valid_to > $3::date)),
                       '[]'::jsonb) AS roles
         FROM app_user u WHERE u.id = $1`,
      [userId, sessionId, today],
    );
    return row ?? null;
  }

  /**
   * Records `step` as the user's last accepted TOTP time step if it is later than the last one; false when it is
   * not (the code, or an earlier one, was already used). One conditional UPDATE, so of two requests racing with the
   * same code only one wins.
   */
  async acceptTotpStep(userId: string, step: number): Promise<boolean> {
    const [rows] = await this.db.query(
      `UPDATE app_user SET totp_last_step = $2
        WHERE id = $1 AND totp_enabled AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING id`,
      [userId, step],
    );
    return rows.length > 0;
  }

  /** Enables the second factor and records the confirming code's step; false if it was enabled meanwhile. */
  async enableTotp(userId: string, step: number): Promise<boolean> {
    const [rows] = await this.db.query(
      `UPDATE app_user SET totp_enabled = true, totp_last_step = $2
        WHERE id = $1 AND NOT totp_enabled AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING id`,
      [userId, step],
    );
    return rows.length > 0;
  }

  /** Role assignments in force today (ORG-2 dating: from valid_from, until valid_to exclusive). */
  async activeRoles(userId: string, today: string): Promise<ScopedRole[]> {
    const rows: AssignmentRecord[] = await this.db.query(
      `SELECT ${ASSIGNMENT_COLUMNS} FROM role_assignment
        WHERE user_id = $1 AND valid_from <= $2::date AND (valid_to IS NULL OR valid_to > $2::date)`,
      [userId, today],
    );
    return rows.map((row) => ({ role: row.role, unitId: row.unit_id }));
  }

  async assignments(userId: string): Promise<AssignmentRecord[]> {
    return this.db.query(`SELECT ${ASSIGNMENT_COLUMNS} FROM role_assignment WHERE user_id = $1 ORDER BY valid_from, role`, [userId]);
  }
}
