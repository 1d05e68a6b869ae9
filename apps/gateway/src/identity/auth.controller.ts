import { IdentitySubject, loginRequest, refreshRequest, totpConfirmRequest, totpEnrolRequest, type MeView, type SessionGrant } from '@contracts/identity';
import { Body, Controller, Get, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, Unauthenticated } from '@platform/auth';
import type { FastifyRequest } from 'fastify';
import { Call, type CallContext } from '../http/call-context';
import { ApiProblems, ApiZodBody } from '../http/openapi';
import { validate } from '../http/validation';
import { IdentityClient } from './identity-client';
import { AccessTokens } from './tokens';

export interface TokenPair {
  tokenType: 'Bearer';
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
}

/**
 * Sessions: identity checks the credentials and keeps the sessions; the gateway signs the access token of each
 * session identity grants, and verifies it on every request.
 */
@ApiTags('authentication')
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    @Inject(IdentityClient) private readonly identity: IdentityClient,
    @Inject(AccessTokens) private readonly tokens: AccessTokens,
  ) {}

  @Post('login')
  @HttpCode(200)
  @Unauthenticated()
  @ApiOperation({ summary: 'Log in with username and password (and `totp` when your roles need a second factor)' })
  @ApiZodBody(loginRequest)
  @ApiProblems(401, 403, 429)
  async login(@Body() body: unknown, @Req() request: FastifyRequest) {
    const grant = await this.identity.session(IdentitySubject.login, validate(loginRequest, body, 'body'), request.ip, String(request.id));
    return this.tokenPair(grant);
  }

  @Post('refresh')
  @HttpCode(200)
  @Unauthenticated()
  @ApiOperation({ summary: 'Trade a refresh token for new tokens; each refresh token works once' })
  @ApiZodBody(refreshRequest)
  @ApiProblems(401)
  async refresh(@Body() body: unknown, @Req() request: FastifyRequest) {
    const grant = await this.identity.session(IdentitySubject.refresh, validate(refreshRequest, body, 'body'), request.ip, String(request.id));
    return this.tokenPair(grant);
  }

  @Post('logout')
  @HttpCode(204)
  @Authenticated()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'End the session: its refresh tokens stop working and its access tokens are refused' })
  @ApiProblems(401)
  async logout(@Call() call: CallContext) {
    await this.identity.change(IdentitySubject.logout, { sessionId: call.sessionId }, call, [call.caller.userId]);
  }

  @Get('me')
  @Authenticated()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Who you are: roles with their scopes, permissions, clearance' })
  @ApiProblems(401)
  me(@Call() call: CallContext) {
    return this.identity.query<MeView>(IdentitySubject.me, {}, call);
  }

  @Post('totp/enrol')
  @HttpCode(200)
  @Unauthenticated()
  @ApiOperation({ summary: 'Start enrolling an authenticator: answers the secret and an otpauth:// URI, once' })
  @ApiZodBody(totpEnrolRequest)
  @ApiProblems(401, 409, 429)
  enrol(@Body() body: unknown, @Req() request: FastifyRequest) {
    return this.identity.session(IdentitySubject.totpEnrol, validate(totpEnrolRequest, body, 'body'), request.ip, String(request.id));
  }

  @Post('totp/confirm')
  @HttpCode(200)
  @Unauthenticated()
  @ApiOperation({ summary: 'Finish enrolling with a code from the authenticator' })
  @ApiZodBody(totpConfirmRequest)
  @ApiProblems(401, 409, 429)
  confirm(@Body() body: unknown, @Req() request: FastifyRequest) {
    return this.identity.session(IdentitySubject.totpConfirm, validate(totpConfirmRequest, body, 'body'), request.ip, String(request.id));
  }

  private async tokenPair(grant: SessionGrant): Promise<TokenPair> {
    const access = await this.tokens.issue({ userId: grant.userId, sessionId: grant.sessionId });
    return {
      tokenType: 'Bearer',
      accessToken: access.token,
      expiresIn: access.expiresIn,
      refreshToken: grant.refreshToken,
      refreshExpiresIn: grant.refreshExpiresIn,
    };
  }
}
