import {
  AuthErrorCode,
  DomainError,
  roleRequiresSecondFactor,
  todayIso,
  type CallerIdentity,
} from '@contracts/common';
import { passwordProblems, type loginMessage, type SessionGrant, type totpConfirmMessage, type totpEnrolMessage } from '@contracts/identity';
import { auditActorOf, type AuditLog } from '@platform/audit';
import { currentRequestId } from '@platform/logging';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { CallerChanges } from './caller-changes';
import type { IdentityStore } from './identity-store';
import type { LoginThrottle } from './login-throttle';
import { hashPassword, verifyPassword } from './passwords';
import { newTotpSecret, totpStep, totpUri } from './totp';

/** A password's hash, once it passes the password rules (OWASP ASVS); else the rules it breaks, as field errors. */
export async function passwordHashFor(password: string, username: string): Promise<string> {
  const problems = passwordProblems(password, username);
  if (problems.length > 0) {
    throw new DomainError(AuthErrorCode.WeakPassword, `The password ${problems.join('; ')}`, {
      errors: problems.map((message) => ({ path: 'password', message })),
    });
  }
  return hashPassword(password);
}

/** Where a request came from, as the gateway saw it. */
export interface RequestMeta {
  clientAddress: string;
}

/** Refresh tokens are random, single-use and stored only as their SHA-256. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const invalidCredentials = () => new DomainError(AuthErrorCode.InvalidCredentials, 'Wrong username or password');
const unauthenticated = (message = 'The access token is missing, invalid or expired') =>
  new DomainError(AuthErrorCode.Unauthenticated, message);

/**
 * Local accounts: login with password (and TOTP where the roles demand it), rotating refresh tokens, logout. The
 * gateway signs the access token of each session granted here.
 */
export class AuthService {
  constructor(
    private readonly store: IdentityStore,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditLog,
    private readonly changes: CallerChanges,
    private readonly options: { refreshTtlSeconds: number; issuer: string },
  ) {}

  async login(request: z.infer<typeof loginMessage>, meta: RequestMeta = request): Promise<SessionGrant> {
    const actor = { userId: null, username: request.username, roles: [], clientAddress: meta.clientAddress };
    const fail = async (error: DomainError, counts = true, userId: string | null = null) => {
      if (counts) await this.throttle.record(request.username, meta.clientAddress, false);
      await this.audit.append({
        action: 'auth.login',
        outcome: 'denied',
        actor: { ...actor, userId },
        object: { type: 'user', id: userId, unitScope: null },
        requestId: currentRequestId() ?? null,
        details: { reason: error.code },
      });
      return error;
    };
    try {
      await this.throttle.admit(request.username, meta.clientAddress);
    } catch (error) {
      throw await fail(error as DomainError, false);
    }
    const user = await this.store.userByUsername(request.username);
    const passwordOk = await verifyPassword(user?.password_hash ?? null, request.password);
    if (!user || !passwordOk || user.status !== 'active') throw await fail(invalidCredentials(), true, user?.id ?? null);

    const roles = await this.store.activeRoles(user.id, todayIso());
    if (roles.some(({ role }) => roleRequiresSecondFactor(role))) {
      if (!user.totp_enabled || !user.totp_secret) {
        throw await fail(
          new DomainError(AuthErrorCode.SecondFactorEnrolmentRequired, 'Your roles need a second factor: enrol an authenticator first'),
          false,
          user.id,
        );
      }
      if (!request.totp) {
        throw await fail(new DomainError(AuthErrorCode.SecondFactorRequired, 'Send the code from your authenticator as `totp`'), false, user.id);
      }
      const step = totpStep(user.totp_secret, request.totp);
      if (step === null) {
        throw await fail(new DomainError(AuthErrorCode.SecondFactorRequired, 'The authenticator code is wrong'), true, user.id);
      }
      if (!(await this.store.acceptTotpStep(user.id, step))) {
        throw await fail(
          new DomainError(AuthErrorCode.SecondFactorRequired, 'This authenticator code was already used; send the next one'),
          true,
          user.id,
        );
      }
    }
    await this.throttle.record(request.username, meta.clientAddress, true);
    const pair = await this.startSession(user.id);
    await this.audit.append({
      action: 'auth.login',
      outcome: 'success',
      actor: auditActorOf({ userId: user.id, username: user.username, roles, clientAddress: meta.clientAddress }),
      object: { type: 'user', id: user.id, unitScope: null },
      requestId: currentRequestId() ?? null,
    });
    return pair;
  }

  /** Rotates the refresh token; a token used twice means it was stolen, so its whole family is revoked. */
  async refresh(refreshToken: string, meta: RequestMeta): Promise<SessionGrant> {
    const hash = hashRefreshToken(refreshToken);
    const [row] = await this.store.db.query(
      `SELECT id, family_id, user_id, used_at, revoked_at, expires_at < now() AS expired FROM refresh_token WHERE token_hash = $1`,
      [hash],
    );
    if (!row) throw unauthenticated('Unknown refresh token');
    const audit = (outcome: 'success' | 'denied', reason?: string) =>
      this.audit.append({
        action: 'auth.refresh',
        outcome,
        actor: { userId: row.user_id, username: null, roles: [], clientAddress: meta.clientAddress },
        object: { type: 'session', id: row.family_id, unitScope: null },
        requestId: currentRequestId() ?? null,
        details: reason ? { reason } : {},
      });
    if (row.used_at) {
      await this.changes.transaction(async (manager) => {
        await manager.query('UPDATE refresh_token SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL', [row.family_id]);
        await this.changes.record(manager, [row.user_id], 'session');
      });
      await audit('denied', 'reuse: session revoked');
      throw unauthenticated('This refresh token was already used; the session is revoked');
    }
    if (row.revoked_at || row.expired) {
      await audit('denied', row.revoked_at ? 'revoked' : 'expired');
      throw unauthenticated('The session has ended');
    }
    const user = await this.store.userById(row.user_id);
    if (!user || user.status !== 'active') throw unauthenticated('The account is disabled');
    const [claimed] = await this.store.db.query(
      'UPDATE refresh_token SET used_at = now() WHERE id = $1 AND used_at IS NULL RETURNING id',
      [row.id],
    );
    if (claimed.length === 0) {
      // Lost a race with another use of the same token: treat it as reuse.
      await this.changes.transaction(async (manager) => {
        await manager.query('UPDATE refresh_token SET revoked_at = now() WHERE family_id = $1', [row.family_id]);
        await this.changes.record(manager, [row.user_id], 'session');
      });
      throw unauthenticated('This refresh token was already used; the session is revoked');
    }
    const pair = await this.continueSession(user.id, row.family_id);
    await audit('success');
    return pair;
  }

  async logout(caller: CallerIdentity, sessionId: string | null): Promise<void> {
    await this.changes.transaction(async (manager) => {
      if (sessionId) {
        await manager.query('UPDATE refresh_token SET revoked_at = now() WHERE family_id = $1 AND user_id = $2 AND revoked_at IS NULL', [
          sessionId,
          caller.userId,
        ]);
      }
      await this.changes.record(manager, [caller.userId], 'session');
      await this.audit.append(
        {
          action: 'auth.logout',
          outcome: 'success',
          actor: auditActorOf(caller),
          object: { type: 'session', id: sessionId, unitScope: null },
          requestId: currentRequestId() ?? null,
        },
        manager,
      );
    });
  }

  /** Starts TOTP enrolment: a new secret, shown once, active after `confirmTotp`. */
  async enrolTotp(request: z.infer<typeof totpEnrolMessage>, meta: RequestMeta = request): Promise<{ secret: string; otpauthUri: string }> {
    const user = await this.checkPassword(request.username, request.password, meta);
    if (user.totp_enabled) throw new DomainError(AuthErrorCode.Conflict, 'A second factor is already enrolled; an administrator can reset it');
    const secret = newTotpSecret();
    // A new secret starts with no step used: steps of an earlier secret say nothing about this one's codes.
    const [stored] = await this.store.db.query(
      'UPDATE app_user SET totp_secret = $2, totp_last_step = NULL WHERE id = $1 AND NOT totp_enabled RETURNING id',
      [user.id, secret],
    );
    if (stored.length === 0) throw new DomainError(AuthErrorCode.Conflict, 'A second factor is already enrolled; an administrator can reset it');
    return { secret, otpauthUri: totpUri(secret, user.username, this.options.issuer) };
  }

  async confirmTotp(request: z.infer<typeof totpConfirmMessage>, meta: RequestMeta = request): Promise<{ enabled: true }> {
    const user = await this.checkPassword(request.username, request.password, meta);
    if (user.totp_enabled) throw new DomainError(AuthErrorCode.Conflict, 'A second factor is already enrolled');
    const step = user.totp_secret ? totpStep(user.totp_secret, request.code) : null;
    if (step === null) throw new DomainError(AuthErrorCode.SecondFactorRequired, 'The authenticator code is wrong');
    // The confirming code counts as used: it cannot log in afterwards.
    if (!(await this.store.enableTotp(user.id, step))) {
      throw new DomainError(AuthErrorCode.Conflict, 'A second factor is already enrolled');
    }
    await this.audit.append({
      action: 'auth.totp.enrol',
      outcome: 'success',
      actor: { userId: user.id, username: user.username, roles: [], clientAddress: meta.clientAddress },
      object: { type: 'user', id: user.id, unitScope: null },
      requestId: currentRequestId() ?? null,
    });
    return { enabled: true };
  }

  private async checkPassword(username: string, password: string, meta: RequestMeta) {
    await this.throttle.admit(username, meta.clientAddress);
    const user = await this.store.userByUsername(username);
    if (!user || !(await verifyPassword(user.password_hash, password)) || user.status !== 'active') {
      await this.throttle.record(username, meta.clientAddress, false);
      throw invalidCredentials();
    }
    return user;
  }

  private startSession(userId: string): Promise<SessionGrant> {
    return this.continueSession(userId, randomUUID());
  }

  private async continueSession(userId: string, familyId: string): Promise<SessionGrant> {
    const refresh = newRefreshToken();
    await this.store.db.query(
      `INSERT INTO refresh_token (id, family_id, user_id, token_hash, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
      [randomUUID(), familyId, userId, refresh.hash, this.options.refreshTtlSeconds],
    );
    return { userId, sessionId: familyId, refreshToken: refresh.token, refreshExpiresIn: this.options.refreshTtlSeconds };
  }
}
