import { Permission, ROLES, type CallerIdentity } from '@contracts/common';
import {
  assignRoleMessage,
  createUserMessage,
  endAssignmentMessage,
  gatewayRefusalMessage,
  IdentitySubject,
  listUsersRequest,
  loginMessage,
  logoutMessage,
  refreshMessage,
  resolveCallerMessage,
  totpConfirmMessage,
  totpEnrolMessage,
  updateUserMessage,
  userIdParam,
  type MeView,
} from '@contracts/identity';
import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AuditLog } from '@platform/audit';
import { Authenticated, Caller, RequiresPermission, Unauthenticated } from '@platform/auth';
import { currentRequestId } from '@platform/logging';
import { parsePayload } from '@platform/nats';
import { AdminService } from './admin-service';
import { AuthService } from './auth-service';
import { Callers } from './callers';
import { IdentityStore } from './identity-store';

/**
 * Before a caller is known (login, refresh, second-factor enrolment, resolving a token) there is no caller token:
 * those handlers are open to the one process NATS lets publish here, the gateway, and check what they are sent.
 */
@Controller()
export class SessionsController {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(Callers) private readonly callers: Callers,
    @Inject(IdentityStore) private readonly store: IdentityStore,
    @Inject(AuditLog) private readonly audit: AuditLog,
  ) {}

  @MessagePattern(IdentitySubject.callerResolve)
  @Unauthenticated()
  resolve(@Payload() data: unknown) {
    return this.callers.resolve(parsePayload(resolveCallerMessage, data));
  }

  @MessagePattern(IdentitySubject.login)
  @Unauthenticated()
  login(@Payload() data: unknown) {
    return this.auth.login(parsePayload(loginMessage, data));
  }

  @MessagePattern(IdentitySubject.refresh)
  @Unauthenticated()
  refresh(@Payload() data: unknown) {
    const request = parsePayload(refreshMessage, data);
    return this.auth.refresh(request.refreshToken, request);
  }

  @MessagePattern(IdentitySubject.totpEnrol)
  @Unauthenticated()
  enrol(@Payload() data: unknown) {
    return this.auth.enrolTotp(parsePayload(totpEnrolMessage, data));
  }

  @MessagePattern(IdentitySubject.totpConfirm)
  @Unauthenticated()
  confirm(@Payload() data: unknown) {
    return this.auth.confirmTotp(parsePayload(totpConfirmMessage, data));
  }

  @MessagePattern(IdentitySubject.logout)
  @Authenticated()
  async logout(@Payload() data: unknown, @Caller() caller: CallerIdentity) {
    await this.auth.logout(caller, parsePayload(logoutMessage, data).sessionId);
    return {};
  }

  @MessagePattern(IdentitySubject.me)
  @Authenticated()
  async me(@Caller() caller: CallerIdentity): Promise<MeView> {
    const user = await this.store.userById(caller.userId);
    const permissions = [...new Set(caller.roles.flatMap(({ role }) => ROLES[role]?.permissions ?? []))].sort() as Permission[];
    return {
      id: caller.userId,
      username: caller.username,
      displayName: user?.display_name ?? null,
      roles: caller.roles,
      permissions,
      clearance: caller.clearance,
      secondFactor: user?.totp_enabled ?? false,
    };
  }

  /** A 403 the gateway answered itself: on record in identity's chain, which the gateway has none of its own. */
  @MessagePattern(IdentitySubject.gatewayRefusal)
  @Unauthenticated()
  async gatewayRefusal(@Payload() data: unknown) {
    const refusal = parsePayload(gatewayRefusalMessage, data);
    await this.audit.append({
      action: refusal.action,
      outcome: 'denied',
      actor: refusal.actor,
      object: { ...refusal.object, unitScope: null },
      requestId: currentRequestId() ?? null,
      details: refusal.details,
    });
    return {};
  }
}

/** Users, role assignments and clearances: a system-wide administrator's business. */
@Controller()
export class AdminController {
  constructor(@Inject(AdminService) private readonly admin: AdminService) {}

  @MessagePattern(IdentitySubject.roleList)
  @RequiresPermission(Permission.AdminUserManage)
  roles(@Caller() caller: CallerIdentity) {
    return this.admin.roles(caller);
  }

  @MessagePattern(IdentitySubject.userList)
  @RequiresPermission(Permission.AdminUserManage)
  users(@Payload() data: unknown, @Caller() caller: CallerIdentity) {
    return this.admin.users(parsePayload(listUsersRequest, data), caller);
  }

  @MessagePattern(IdentitySubject.userCreate)
  @RequiresPermission(Permission.AdminUserManage)
  createUser(@Payload() data: unknown, @Caller() caller: CallerIdentity) {
    return this.admin.createUser(parsePayload(createUserMessage, data), caller);
  }

  @MessagePattern(IdentitySubject.userGet)
  @RequiresPermission(Permission.AdminUserManage)
  user(@Payload() data: unknown, @Caller() caller: CallerIdentity) {
    return this.admin.user(parsePayload(userIdParam, data).id, caller);
  }

  @MessagePattern(IdentitySubject.userUpdate)
  @RequiresPermission(Permission.AdminUserManage)
  updateUser(@Payload() data: unknown, @Caller() caller: CallerIdentity) {
    return this.admin.updateUser(parsePayload(updateUserMessage, data), caller);
  }

  @MessagePattern(IdentitySubject.roleAssign)
  @RequiresPermission(Permission.AdminUserManage)
  assign(@Payload() data: unknown, @Caller() caller: CallerIdentity) {
    return this.admin.assign(parsePayload(assignRoleMessage, data), caller);
  }

  @MessagePattern(IdentitySubject.roleEnd)
  @RequiresPermission(Permission.AdminUserManage)
  endAssignment(@Payload() data: unknown, @Caller() caller: CallerIdentity) {
    return this.admin.endAssignment(parsePayload(endAssignmentMessage, data), caller);
  }
}
