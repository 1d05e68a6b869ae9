import { Permission, todayIso } from '@contracts/common';
import {
  assignmentParams,
  assignRoleRequest,
  createUserRequest,
  endAssignmentRequest,
  IdentitySubject,
  listUsersRequest,
  updateUserRequest,
  userIdParam,
} from '@contracts/identity';
import { OrgErrorCode, OrgSubject } from '@contracts/org-structure';
import { Body, Controller, Get, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@contracts/common';
import { RequiresPermission } from '@platform/auth';
import { ServiceReplyError } from '@platform/nats';
import { Call, type CallContext } from '../http/call-context';
import { ApiProblems, ApiZodBody, ApiZodQuery } from '../http/openapi';
import { validate } from '../http/validation';
import { ServiceClient } from '../messaging/service-client';
import { IdentityClient } from './identity-client';

/** Users, role assignments and clearances, kept by identity. Administering users needs a system-wide administrator role. */
@ApiTags('administration')
@ApiBearerAuth()
@Controller('api/v1/admin')
export class AdminController {
  constructor(
    @Inject(IdentityClient) private readonly identity: IdentityClient,
    @Inject(ServiceClient) private readonly services: ServiceClient,
  ) {}

  @Get('roles')
  @RequiresPermission(Permission.AdminUserManage)
  @ApiOperation({ summary: 'The roles and the permissions each bundles' })
  @ApiProblems(401, 403)
  roles(@Call() call: CallContext) {
    return this.identity.query(IdentitySubject.roleList, {}, call);
  }

  @Get('users')
  @RequiresPermission(Permission.AdminUserManage)
  @ApiOperation({ summary: 'All users, by username, a page at a time' })
  @ApiZodQuery(listUsersRequest)
  @ApiProblems(401, 403)
  users(@Query() query: Record<string, unknown>, @Call() call: CallContext) {
    return this.identity.query(IdentitySubject.userList, validate(listUsersRequest, query), call);
  }

  @Post('users')
  @RequiresPermission(Permission.AdminUserManage)
  @ApiOperation({ summary: 'Create a user (a local password, or none for identity-provider users)' })
  @ApiZodBody(createUserRequest)
  @ApiProblems(401, 403, 409)
  createUser(@Body() body: unknown, @Call() call: CallContext) {
    // A new user has no cached token to forget.
    return this.identity.change(IdentitySubject.userCreate, validate(createUserRequest, body, 'body'), call, []);
  }

  @Get('users/:id')
  @RequiresPermission(Permission.AdminUserManage)
  @ApiOperation({ summary: 'A user with their role assignments' })
  @ApiProblems(401, 403, 404)
  user(@Param('id') id: string, @Call() call: CallContext) {
    return this.identity.query(IdentitySubject.userGet, validate(userIdParam, { id }, 'path'), call);
  }

  @Patch('users/:id')
  @RequiresPermission(Permission.AdminUserManage)
  @ApiOperation({ summary: 'Change a user: display name, password, clearance, status' })
  @ApiZodBody(updateUserRequest)
  @ApiProblems(401, 403, 404)
  updateUser(@Param('id') id: string, @Body() body: unknown, @Call() call: CallContext) {
    validate(userIdParam, { id }, 'path');
    return this.identity.change(IdentitySubject.userUpdate, { ...validate(updateUserRequest, body, 'body'), id }, call, [id]);
  }

  @Post('users/:id/roles')
  @RequiresPermission(Permission.AdminUserManage)
  @ApiOperation({ summary: "Give a user a role over a unit's subtree (or the whole system), from a date" })
  @ApiZodBody(assignRoleRequest)
  @ApiProblems(401, 403, 404, 422, 503)
  async assign(@Param('id') id: string, @Body() body: unknown, @Call() call: CallContext) {
    validate(userIdParam, { id }, 'path');
    const request = validate(assignRoleRequest, body, 'body');
    const validFrom = request.validFrom ?? todayIso();
    // The unit must be alive when the role takes effect: today, or on a later first day.
    if (request.unitId) await this.assertUnitExists(request.unitId, validFrom > todayIso() ? validFrom : todayIso(), call);
    return this.identity.change(IdentitySubject.roleAssign, { ...request, validFrom, id }, call, [id]);
  }

  @Post('users/:id/roles/:assignmentId/end')
  @RequiresPermission(Permission.AdminUserManage)
  @ApiOperation({ summary: 'End a role assignment (today, or on the date given)' })
  @ApiZodBody(endAssignmentRequest)
  @ApiProblems(401, 403, 404)
  endAssignment(@Param('id') id: string, @Param('assignmentId') assignmentId: string, @Body() body: unknown, @Call() call: CallContext) {
    validate(assignmentParams, { id, assignmentId }, 'path');
    return this.identity.change(IdentitySubject.roleEnd, { ...validate(endAssignmentRequest, body ?? {}, 'body'), id, assignmentId }, call, [id]);
  }

  /** A role over a unit needs the unit, alive on `date` (asked of org-structure, as the caller). */
  private async assertUnitExists(unitId: string, date: string, call: CallContext): Promise<void> {
    try {
      await this.services.send(OrgSubject.unitGet, { id: unitId, asOf: date }, call);
    } catch (error) {
      if (error instanceof ServiceReplyError && error.payload.code === OrgErrorCode.UnitNotFound) {
        throw new DomainError(OrgErrorCode.ReferencedUnitNotFound, `Unit ${unitId} does not exist on ${date}`, {
          errors: [{ path: 'unitId', message: `no unit alive on ${date}` }],
        });
      }
      throw error;
    }
  }
}
