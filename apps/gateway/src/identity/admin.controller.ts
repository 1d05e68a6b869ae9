import { AuthErrorCode, decodeCursor, DomainError, encodeCursor, Permission, ROLES, scopeFor, todayIso } from '@contracts/common';
import { Body, Controller, Get, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequiresPermission } from '@platform/auth';
import { randomUUID } from 'node:crypto';
import type { AuditTrail } from '../audit/audit-trail';
import { Call, type CallContext } from '../http/call-context';
import { ApiProblems, ApiZodBody, ApiZodQuery } from '../http/openapi';
import { validate } from '../http/validation';
import { AUDIT_TRAIL } from '../tokens';
import { ServiceClient } from '../messaging/service-client';
import { IdentityErrorCode } from '@contracts/identity';
import { OrgErrorCode, OrgSubject } from '@contracts/org-structure';
import { ServiceReplyError } from '@platform/nats';
import { actorOf, AuthService } from './auth-service';
import { recentCallers } from './identity-cache';
import { IdentityStore, type UserKey, type UserRecord } from './identity-store';
import {
  assignmentParams,
  assignRoleRequest,
  createUserRequest,
  endAssignmentRequest,
  listUsersRequest,
  updateUserRequest,
  userIdParam,
} from './schemas';

/** A cursor's fields as this gateway writes them: a username as stored, lower-cased, and a user id. */
const USER_CURSOR = { username: /^[^\u0000\p{Surrogate}]{1,200}$/u, id: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i };

const notFound = (id: string) => new DomainError(IdentityErrorCode.UserNotFound, `User ${id} does not exist`);

function userView(user: UserRecord) {
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

/** Users, role assignments and clearances. Administering users needs a system-wide administrator role. */
@ApiTags('administration')
@ApiBearerAuth()
@Controller('api/v1/admin')
export class AdminController {
  constructor(
    @Inject(IdentityStore) private readonly store: IdentityStore,
    @Inject(AUDIT_TRAIL) private readonly audit: AuditTrail,
    @Inject(ServiceClient) private readonly services: ServiceClient,
  ) {}

  @Get('roles')
  @RequiresPermission(Permission.AdminUserManage)
  @ApiOperation({ summary: 'The roles and the permissions each bundles' })
  @ApiProblems(401, 403)
  roles(@Call() call: CallContext) {
    systemWide(call);
    return { items: Object.entries(ROLES).map(([name, role]) => ({ name, ...role })) };
  }

  @Get('users')
  @RequiresPermission(Permission.AdminUserManage)
  @ApiOperation({ summary: 'All users, by username, a page at a time' })
  @ApiZodQuery(listUsersRequest)
  @ApiProblems(401, 403)
  async users(@Query() query: Record<string, unknown>, @Call() call: CallContext) {
    systemWide(call);
    const { cursor, limit } = validate(listUsersRequest, query);
    const after = cursor ? decodeCursor<UserKey>(cursor, USER_CURSOR) : null;
    const rows = await this.store.usersAfter(after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(userView),
      nextCursor: rows.length > limit && last ? encodeCursor({ username: last.username_key, id: last.id }) : null,
    };
  }

  @Post('users')
  @RequiresPermission(Permission.AdminUserManage)
  @ApiOperation({ summary: 'Create a user (a local password, or none for identity-provider users)' })
  @ApiZodBody(createUserRequest)
  @ApiProblems(401, 403, 409)
  async createUser(@Body() body: unknown, @Call() call: CallContext) {
    systemWide(call);
    const request = validate(createUserRequest, body, 'body');
    const passwordHash = request.password ? await AuthService.passwordHashFor(request.password, request.username) : null;
    const id = randomUUID();
    await this.store.db.transaction(async (manager) => {
      const taken = await manager.query('SELECT 1 FROM app_user WHERE lower(username) = lower($1)', [request.username]);
      if (taken.length > 0) throw new DomainError(AuthErrorCode.Conflict, `The username ${request.username} is taken`);
      await manager.query(
        'INSERT INTO app_user (id, username, display_name, password_hash, clearance) VALUES ($1, $2, $3, $4, $5)',
        [id, request.username, request.displayName, passwordHash, request.clearance],
      );
      await this.audit.record(this.change(call, 'admin.user.create', id, { username: request.username, clearance: request.clearance }), manager);
    });
    return userView((await this.store.userById(id)) as UserRecord);
  }

  @Get('users/:id')
  @RequiresPermission(Permission.AdminUserManage)
  @ApiOperation({ summary: 'A user with their role assignments' })
  @ApiProblems(401, 403, 404)
  async user(@Param('id') id: string, @Call() call: CallContext) {
    systemWide(call);
    validate(userIdParam, { id }, 'path');
    const user = await this.store.userById(id);
    if (!user) throw notFound(id);
    const assignments = await this.store.assignments(id);
    return {
      ...userView(user),
      assignments: assignments.map((a) => ({ id: a.id, role: a.role, unitId: a.unit_id, validFrom: a.valid_from, validTo: a.valid_to, reason: a.reason })),
    };
  }

  @Patch('users/:id')
  @RequiresPermission(Permission.AdminUserManage)
  @ApiOperation({ summary: 'Change a user: display name, password, clearance, status' })
  @ApiZodBody(updateUserRequest)
  @ApiProblems(401, 403, 404)
  async updateUser(@Param('id') id: string, @Body() body: unknown, @Call() call: CallContext) {
    systemWide(call);
    validate(userIdParam, { id }, 'path');
    const request = validate(updateUserRequest, body, 'body');
    await this.store.db.transaction(async (manager) => {
      const user = await this.store.userById(id, manager);
      if (!user) throw notFound(id);
      const passwordHash = request.password ? await AuthService.passwordHashFor(request.password, user.username) : user.password_hash;
      await manager.query(
        'UPDATE app_user SET display_name = $2, password_hash = $3, clearance = $4, status = $5 WHERE id = $1',
        [id, request.displayName ?? user.display_name, passwordHash, request.clearance ?? user.clearance, request.status ?? user.status],
      );
      if (request.status === 'disabled' || request.password) {
        await manager.query('UPDATE refresh_token SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [id]);
      }
      await this.audit.record(
        this.change(call, 'admin.user.update', id, { ...request, password: request.password ? 'changed' : undefined }),
        manager,
      );
    });
    return userView((await this.store.userById(id)) as UserRecord);
  }

  @Post('users/:id/roles')
  @RequiresPermission(Permission.AdminUserManage)
  @ApiOperation({ summary: 'Give a user a role over a unit\'s subtree (or the whole system), from a date' })
  @ApiZodBody(assignRoleRequest)
  @ApiProblems(401, 403, 404, 422, 503)
  async assign(@Param('id') id: string, @Body() body: unknown, @Call() call: CallContext) {
    systemWide(call);
    validate(userIdParam, { id }, 'path');
    const request = validate(assignRoleRequest, body, 'body');
    const validFrom = request.validFrom ?? todayIso();
    // The unit must be alive when the role takes effect: today, or on a later first day.
    if (request.unitId) await this.assertUnitExists(request.unitId, validFrom > todayIso() ? validFrom : todayIso(), call);
    const assignmentId = randomUUID();
    await this.store.db.transaction(async (manager) => {
      if (!(await this.store.userById(id, manager))) throw notFound(id);
      await manager.query(
        'INSERT INTO role_assignment (id, user_id, role, unit_id, valid_from, reason) VALUES ($1, $2, $3, $4, $5, $6)',
        [assignmentId, id, request.role, request.unitId, validFrom, request.reason ?? null],
      );
      await this.audit.record(
        { ...this.change(call, 'admin.role.assign', id, { assignmentId, role: request.role }), object: { type: 'user', id, unitScope: request.unitId } },
        manager,
      );
    });
    return { id: assignmentId, userId: id, role: request.role, unitId: request.unitId, validFrom: validFrom, validTo: null };
  }

  @Post('users/:id/roles/:assignmentId/end')
  @RequiresPermission(Permission.AdminUserManage)
  @ApiOperation({ summary: 'End a role assignment (today, or on the date given)' })
  @ApiZodBody(endAssignmentRequest)
  @ApiProblems(401, 403, 404)
  async endAssignment(@Param('id') id: string, @Param('assignmentId') assignmentId: string, @Body() body: unknown, @Call() call: CallContext) {
    systemWide(call);
    validate(assignmentParams, { id, assignmentId }, 'path');
    const request = validate(endAssignmentRequest, body ?? {}, 'body');
    const validTo = request.validTo ?? todayIso();
    await this.store.db.transaction(async (manager) => {
      const [ended] = await manager.query(
        `UPDATE role_assignment SET valid_to = GREATEST(valid_from, $3::date)
          WHERE id = $1 AND user_id = $2 AND valid_to IS NULL RETURNING id`,
        [assignmentId, id, validTo],
      );
      if (ended.length === 0) throw new DomainError(IdentityErrorCode.AssignmentNotFound, `No open assignment ${assignmentId} for user ${id}`);
      await this.audit.record(this.change(call, 'admin.role.end', id, { assignmentId, validTo }), manager);
    });
    return { id: assignmentId, validTo };
  }

  /** A role over a unit needs the unit, alive on `date` (asked of org-structure). */
  private async assertUnitExists(unitId: string, date: string, call: CallContext): Promise<void> {
    try {
      await this.services.send(OrgSubject.unitGet, { id: unitId, asOf: date }, call);
    } catch (error) {
      if (error instanceof ServiceReplyError && error.payload.code === OrgErrorCode.UnitNotFound) {
        throw new DomainError(IdentityErrorCode.ReferencedUnitNotFound, `Unit ${unitId} does not exist on ${date}`, {
          errors: [{ path: 'unitId', message: `no unit alive on ${date}` }],
        });
      }
      throw error;
    }
  }

  private change(call: CallContext, action: string, userId: string, details: Record<string, unknown>) {
    // Every change here can change what a caller may do: forget cached callers.
    recentCallers.clear();
    return {
      action,
      outcome: 'success' as const,
      actor: actorOf(call.caller),
      object: { type: 'user', id: userId, unitScope: null },
      requestId: call.requestId,
      details,
    };
  }
}

/** Scoped administrators are not supported yet: administering users needs the role over the whole system. */
function systemWide(call: CallContext): void {
  if (scopeFor(call.caller, Permission.AdminUserManage) !== null) {
    throw new DomainError(AuthErrorCode.Forbidden, 'Administering users needs the administrator role over the whole system');
  }
}
