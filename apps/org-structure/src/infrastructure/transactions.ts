import { AuthErrorCode, DomainError, RefusalError } from '@contracts/common';
import { OrgErrorCode } from '@contracts/org-structure';
import { appendToOutbox, type OutboxEvent } from '@platform/persistence';
import type { AuditLog } from '@platform/audit';
import { currentCall } from '@platform/auth';
import { currentRequestId } from '@platform/logging';
import type { DataSource, EntityManager } from 'typeorm';
import { OrgErrors } from '../domain/errors';

/** What a write also does: wake the outbox relay after the commit, and audit the change inside the transaction. */
export interface AfterCommit {
  nudge(): void;
  audit?: AuditLog;
}

/** Who did it: the caller of the current message, or the operator running a command. */
function auditActor() {
  const call = currentCall();
  return call
    ? { userId: call.caller.userId, username: call.caller.username, roles: call.caller.roles.map((r) => r.role), clientAddress: call.caller.clientAddress }
    : { userId: null, username: 'operator', roles: [], clientAddress: null };
}

function auditAction(): string {
  return currentCall()?.subject ?? 'org.operator-command';
}

/** Failures already on record here, so the message's error handler does not record them twice. */
export const auditedFailures = new WeakSet<object>();

/**
 * What a write is about, for its audit record: the kind of object, its id, and the unit whose scope it falls in
 * (reviews of a scoped auditor are filtered by it). Known before the write, so a refused change names its target
 * too; the write may complete it (the id of what it created).
 */
export interface AuditTarget {
  type: string;
  id: string | null;
  unitScope: string | null;
}

/**
 * Runs a write and its events in one transaction (ARCHITECTURE decision 3), audits it in the same transaction (or,
 * refused, after it), and translates the database's own refusals (exclusion and unique constraints) into the domain
 * errors they stand for.
 */
export async function writeWithEvents<T>(
  db: DataSource,
  relay: AfterCommit,
  target: AuditTarget,
  work: (manager: EntityManager) => Promise<{ result: T; events: OutboxEvent[]; object?: Partial<AuditTarget>; details?: Record<string, unknown> }>,
): Promise<T> {
  try {
    const result = await db.transaction(async (manager) => {
      const { result, events, object, details } = await work(manager);
      await appendToOutbox(manager, events);
      // Last in the transaction: the audit lock is held only until the commit.
      await relay.audit?.append(
        {
          actor: auditActor(),
          action: auditAction(),
          object: { ...target, ...object },
          outcome: 'success',
          requestId: currentRequestId() ?? null,
          // Counted per subject: a large restructuring must not outgrow the audit record's size limit.
          details: { ...details, events: countBySubject(events) },
        },
        manager,
      );
      return result;
    });
    relay.nudge();
    return result;
  } catch (error) {
    const translated = translateConstraintError(error);
    if (translated && typeof translated === 'object') auditedFailures.add(translated);
    // A refused change is on record too, outside the rolled-back transaction.
    await relay.audit
      ?.append({
        actor: auditActor(),
        action: auditAction(),
        object: target,
        // An out-of-scope target is a refusal of the caller, not a failure of the change.
        outcome: translated instanceof RefusalError || isAccessError(translated) ? 'denied' : 'failure',
        requestId: currentRequestId() ?? null,
        details: {
          code: (translated as { code?: string }).code ?? 'INTERNAL',
          ...(translated instanceof RefusalError ? { reason: translated.reason, refusedObject: translated.objectId } : {}),
        },
      })
      .catch(() => undefined);
    throw translated;
  }
}

export function translateConstraintError(error: unknown): unknown {
  const driver = (error as { driverError?: { code?: string; constraint?: string } }).driverError ?? error;
  const { code, constraint } = driver as { code?: string; constraint?: string };
  if (code === '23P01' && constraint === 'unit_version_code_unique_in_time') {
    // Keyed on md5(code), so the refusal's detail names a hash: the checks before the write name the code itself.
    return OrgErrors.codeConflict();
  }
  if (code === '23P01' && constraint === 'committee_term_no_overlap') {
    return new DomainError(OrgErrorCode.TermConflict, 'The term overlaps another term of the same committee', { rule: 'ORG-7' });
  }
  if (code === '23P01' && constraint === 'leadership_link_no_overlap') {
    return new DomainError(OrgErrorCode.InvalidOperation, 'This leadership link already exists for an overlapping period', {
      rule: 'ORG-5',
    });
  }
  return error;
}

function isAccessError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return error instanceof DomainError && (code === AuthErrorCode.Forbidden || code === AuthErrorCode.Unauthenticated);
}

function countBySubject(events: OutboxEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const event of events) counts[event.subject] = (counts[event.subject] ?? 0) + 1;
  return counts;
}
