import { AuthErrorCode, DomainError, Permission, ROLES, scopeFor, todayIso, type CallerIdentity, type Page } from '@contracts/common';
import {
  IdentityErrorCode,
  type AssignedRoleView,
  type assignRoleMessage,
  type createUserMessage,
  type endAssignmentMessage,
  type listUsersRequest,
  type RoleListView,
  type updateUserMessage,
  type UserDetailView,
  type UserView,
} from '@contracts/identity';
import { auditActorOf, type AuditEntry, type AuditLog } from '@platform/audit';
import { currentRequestId } from '@platform/logging';
import { decodeCursor, encodeCursor, UUID } from '@platform/query';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { passwordHashFor } from './auth-service';
import type { CallerChanges } from './caller-changes';
import { IdentityStore, type UserRecord } from './identity-store';

export const userNotFound = (id: string) => new DomainError(IdentityErrorCode.UserNotFound, `User ${id} does not exist`, { details: { id } });

export function userView(user: UserRecord): UserView {
  return {
    id: user.id,
    username: user.username,
    displayName: user.display_name,
    clearance: user.clearance,
    status: user.status,
    secondFactor: user.totp_enabled,
    externalIdentity: user.external_subject ? { issuer: user.external_issuer, subject: user.external_subject } : null,
  };
}

/** Scoped administrators are not supported yet: administering users needs the role over the whole system. */
function systemWide(caller: CallerIdentity): void {
  if (scopeFor(caller, Permission.AdminUserManage) !== null) {
    throw new DomainError(AuthErrorCode.Forbidden, 'Administering users needs the administrator role over the whole system');
  }
}

/** Users, role assignments and clearances. Every change is audited and tells the gateways to forget the user. */
export class AdminService {
  constructor(
    private readonly store: IdentityStore,
    private readonly audit: AuditLog,
    private readonly changes: CallerChanges,
  ) {}

  roles(caller: CallerIdentity): RoleListView {
    systemWide(caller);
    return { items: Object.entries(ROLES).map(([name, role]) => ({ name: name as keyof typeof ROLES, ...role })) };
  }

  /** Users by username, case-insensitively, then id: a keyset that never skips or repeats a user between pages. */
  async users(request: z.infer<typeof listUsersRequest>, caller: CallerIdentity): Promise<Page<UserView>> {
    systemWide(caller);
    const after = request.cursor ? decodeCursor<{ name: string; id: string }>(request.cursor, { name: (value) => value.length <= 200, id: UUID }) : null;
    // One row more than the page: whether there is a next page, without a count.
    const rows = await this.store.usersAfter(after ? { username: after.name, id: after.id } : null, request.limit + 1);
    const items = rows.slice(0, request.limit);
    const last = items[items.length - 1];
    return {
      items: items.map(userView),
      nextCursor: rows.length > request.limit && last ? encodeCursor({ name: last.username_key, id: last.id }) : null,
    };
  }

  async createUser(request: z.infer<typeof createUserMessage>, caller: CallerIdentity): Promise<UserView> {
    systemWide(caller);
    const passwordHash = request.password ? await passwordHashFor(request.password, request.username) : null;
    const id = randomUUID();
    await this.changes.transaction(async (manager) => {
      const taken = await manager.query('SELECT 1 FROM app_user WHERE lower(username) = lower($1)', [request.username]);
      if (taken.length > 0) throw new DomainError(AuthErrorCode.Conflict, `The username ${request.username} is taken`);
      await manager.query('INSERT INTO app_user (id, username, display_name, password_hash, clearance) VALUES ($1, $2, $3, $4, $5)', [
        id,
        request.username,
        request.displayName,
        passwordHash,
        request.clearance,
      ]);
      await this.audit.append(this.change(caller, 'admin.user.create', id, { username: request.username, clearance: request.clearance }), manager);
    });
    return userView((await this.store.userById(id)) as UserRecord);
  }

  async user(id: string, caller: CallerIdentity): Promise<UserDetailView> {
    systemWide(caller);
    const user = await this.store.userById(id);
    if (!user) throw userNotFound(id);
    const assignments = await this.store.assignments(id);
    return {
      ...userView(user),
      assignments: assignments.map((a) => ({ id: a.id, role: a.role, unitId: a.unit_id, validFrom: a.valid_from, validTo: a.valid_to, reason: a.reason })),
    };
  }

  async updateUser({ id, ...request }: z.infer<typeof updateUserMessage>, caller: CallerIdentity): Promise<UserView> {
    systemWide(caller);
    await this.changes.transaction(async (manager) => {
      const user = await this.store.userById(id, manager);
      if (!user) throw userNotFound(id);
      const passwordHash = request.password ? await passwordHashFor(request.password, user.username) : user.password_hash;
      await manager.query('UPDATE app_user SET display_name = $2, password_hash = $3, clearance = $4, status = $5 WHERE id = $1', [
        id,
        request.displayName ?? user.display_name,
        passwordHash,
        request.clearance ?? user.clearance,
        request.status ?? user.status,
      ]);
      if (request.status === 'disabled' || request.password) {
        await manager.query('UPDATE refresh_token SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [id]);
      }
      await this.changes.record(manager, [id], 'account');
      await this.audit.append(this.change(caller, 'admin.user.update', id, { ...request, password: request.password ? 'changed' : undefined }), manager);
    });
    return userView((await this.store.userById(id)) as UserRecord);
  }

  /** The unit's existence on the day the role takes effect is checked by the gateway, which asks org-structure. */
  async assign({ id, ...request }: z.infer<typeof assignRoleMessage>, caller: CallerIdentity): Promise<AssignedRoleView> {
    systemWide(caller);
    const validFrom = request.validFrom ?? todayIso();
    const assignmentId = randomUUID();
    await this.changes.transaction(async (manager) => {
      if (!(await this.store.userById(id, manager))) throw userNotFound(id);
      await manager.query('INSERT INTO role_assignment (id, user_id, role, unit_id, valid_from, reason) VALUES ($1, $2, $3, $4, $5, $6)', [
        assignmentId,
        id,
        request.role,
        request.unitId,
        validFrom,
        request.reason ?? null,
      ]);
      await this.changes.record(manager, [id], 'roles');
      await this.audit.append(
        { ...this.change(caller, 'admin.role.assign', id, { assignmentId, role: request.role }), object: { type: 'user', id, unitScope: request.unitId } },
        manager,
      );
    });
    return { id: assignmentId, userId: id, role: request.role, unitId: request.unitId, validFrom, validTo: null };
  }

  async endAssignment({ id, assignmentId, validTo: requested }: z.infer<typeof endAssignmentMessage>, caller: CallerIdentity) {
    systemWide(caller);
    const validTo = requested ?? todayIso();
    await this.changes.transaction(async (manager) => {
      const [ended] = await manager.query(
        `UPDATE role_assignment SET valid_to = GREATEST(valid_from, $3::date)
          WHERE id = $1 AND user_id = $2 AND valid_to IS NULL RETURNING id`,
        [assignmentId, id, validTo],
      );
      if (ended.length === 0) {
        throw new DomainError(IdentityErrorCode.AssignmentNotFound, `No open assignment ${assignmentId} for user ${id}`, { details: { id, assignmentId } });
      }
      await this.changes.record(manager, [id], 'roles');
      await this.audit.append(this.change(caller, 'admin.role.end', id, { assignmentId, validTo }), manager);
    });
    return { id: assignmentId, validTo };
  }

  private change(caller: CallerIdentity, action: string, userId: string, details: Record<string, unknown>): AuditEntry {
    return {
      action,
      outcome: 'success',
      actor: auditActorOf(caller),
      object: { type: 'user', id: userId, unitScope: null },
      requestId: currentRequestId() ?? null,
      details,
    };
  }
}
