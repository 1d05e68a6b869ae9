import { AuthErrorCode, DomainError, todayIso } from '@contracts/common';
import type { ResolvedCaller, resolveCallerMessage } from '@contracts/identity';
import type { z } from 'zod';
import type { IdentityStore } from './identity-store';

/**
 * Who a token the gateway verified stands for: an active user, their roles in force today, and whether the session
 * is still open. The gateway caches the answer a few seconds and forgets it when identity says the user changed.
 */
export class Callers {
  constructor(private readonly store: IdentityStore) {}

  async resolve(token: z.infer<typeof resolveCallerMessage>): Promise<ResolvedCaller> {
    const userId =
      token.kind === 'local' ? token.userId : (await this.store.userByExternal(token.issuer, token.subject, token.username))?.id;
    const sessionId = token.kind === 'local' ? token.sessionId : null;
    const found = userId ? await this.store.callerOf(userId, sessionId, todayIso()) : null;
    if (!found || found.user.status !== 'active') {
      throw new DomainError(AuthErrorCode.Unauthenticated, 'The account does not exist or is disabled');
    }
    if (!found.sessionOpen) throw new DomainError(AuthErrorCode.Unauthenticated, 'The session has ended');
    return {
      caller: { userId: found.user.id, username: found.user.username, roles: found.roles, clearance: found.user.clearance },
      sessionId,
    };
  }
}
