import { ROLES, type Permission } from '@contracts/common';
import { Body, Controller, Get, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, Unauthenticated } from '@platform/auth';
import type { FastifyRequest } from 'fastify';
import { Call, type CallContext } from '../http/call-context';
import { ApiProblems, ApiZodBody } from '../http/openapi';
import { validate } from '../http/validation';
import { AuthService } from './auth-service';
import { IdentityStore } from './identity-store';
import { loginRequest, refreshRequest, totpConfirmRequest, totpEnrolRequest } from './schemas';

const meta = (request: FastifyRequest) => ({ clientAddress: request.ip, requestId: String(request.id) });

@ApiTags('authentication')
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(IdentityStore) private readonly store: IdentityStore,
  ) {}

  @Post('login')
  @HttpCode(200)
  @Unauthenticated()
  @ApiOperation({ summary: 'Log in with username and password (and `totp` when your roles need a second factor)' })
  @ApiZodBody(loginRequest)
  @ApiProblems(401, 403, 429)
  login(@Body() body: unknown, @Req() request: FastifyRequest) {
    return this.auth.login(validate(loginRequest, body, 'body'), meta(request));
  }

  @Post('refresh')
  @HttpCode(200)
  @Unauthenticated()
  @ApiOperation({ summary: 'Trade a refresh token for new tokens; each refresh token works once' })
  @ApiZodBody(refreshRequest)
  @ApiProblems(401)
  refresh(@Body() body: unknown, @Req() request: FastifyRequest) {
    return this.auth.refresh(validate(refreshRequest, body, 'body').refreshToken, meta(request));
  }

  @Post('logout')
  @HttpCode(204)
  @Authenticated()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'End the session: its refresh tokens stop working and its access tokens are refused' })
  @ApiProblems(401)
  async logout(@Call() call: CallContext, @Req() request: FastifyRequest) {
    await this.auth.logout(call.caller, call.sessionId, meta(request));
  }

  @Get('me')
  @Authenticated()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Who you are: roles with their scopes, permissions, clearance' })
  @ApiProblems(401)
  async me(@Call() call: CallContext) {
    const user = await this.store.userById(call.caller.userId);
    const permissions = [...new Set(call.caller.roles.flatMap(({ role }) => ROLES[role]?.permissions ?? []))].sort() as Permission[];
    return {
      id: call.caller.userId,
      username: call.caller.username,
      displayName: user?.display_name ?? null,
      roles: call.caller.roles,
      permissions,
      clearance: call.caller.clearance,
      secondFactor: user?.totp_enabled ?? false,
    };
  }

  @Post('totp/enrol')
  @HttpCode(200)
  @Unauthenticated()
  @ApiOperation({ summary: 'Start enrolling an authenticator: answers the secret and an otpauth:// URI, once' })
  @ApiZodBody(totpEnrolRequest)
  @ApiProblems(401, 409, 429)
  enrol(@Body() body: unknown, @Req() request: FastifyRequest) {
    return this.auth.enrolTotp(validate(totpEnrolRequest, body, 'body'), meta(request));
  }

  @Post('totp/confirm')
  @HttpCode(200)
  @Unauthenticated()
  @ApiOperation({ summary: 'Finish enrolling with a code from the authenticator' })
  @ApiZodBody(totpConfirmRequest)
  @ApiProblems(401, 409, 429)
  confirm(@Body() body: unknown, @Req() request: FastifyRequest) {
    return this.auth.confirmTotp(validate(totpConfirmRequest, body, 'body'), meta(request));
  }
}
