import { IdentityInitial1763900000000 } from './migrations/1763900000000-identity-initial';
import { IdentityAuditLog1763900000001 } from './migrations/1763900000001-identity-audit-log';
import { TotpLastStep1796000000000 } from './migrations/1796000000000-totp-last-step';
import { IdentityOutbox1797000000000 } from './migrations/1797000000000-identity-outbox';
import { IdentityEventInbox1797000000001 } from './migrations/1797000000001-identity-event-inbox';

/**
 * Every migration of the identity schema, oldest first. The first three ran as the gateway's until identity had a
 * service of its own; their names are unchanged, so a database migrated then is up to date but for the outbox and the inbox.
 * Landed migrations are never edited.
 */
export const IDENTITY_MIGRATIONS = [IdentityInitial1763900000000, IdentityAuditLog1763900000001, TotpLastStep1796000000000, IdentityOutbox1797000000000, IdentityEventInbox1797000000001];
