import { AuthErrorCode, DomainError, RefusalError } from '@contracts/common';
import { auditActorOf, type AuditActor, type AuditLog } from '@platform/audit';
import { currentCall } from '@platform/auth';
import { currentRequestId } from '@platform/logging';
import { appendToOutbox, type OutboxEvent } from '@platform/persistence';
import type { DataSource, EntityManager } from 'typeorm';

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

/** What a write hands back: its result, the events it caused, and what its audit record should add. */
export interface WorkOutcome<T> {
  result: T;
  events: OutboxEvent[];
  object?: Partial<AuditTarget>;
  details?: Record<string, unknown>;
}

/**
 * The database's own refusals a service declares, by constraint name: an exclusion or unique constraint that
 * stands for a domain rule answers as that rule's error instead of a database error.
 */
export type ConstraintErrors = Readonly<Record<string, () => DomainError>>;

export interface UnitOfWorkOptions {
  dataSource: DataSource;
  /** Null only for a command that must not write the chain (none does today). */
  audit: AuditLog | null;
  /** Wakes the outbox relay after a commit; operator commands leave publishing to the running service. */
  nudge: () => void;
  /** Names audit actions taken outside a message: `<prefix>.operator-command`. */
  actionPrefix: string;
  constraintErrors?: ConstraintErrors;
}

/** Failures already on record, so the message's error handler does not record them twice. */
export const auditedFailures = new WeakSet<object>();

/** Marks a refusal a handler put on record itself. */
export function markAudited<E extends object>(error: E): E {
  auditedFailures.add(error);
  return error;
}

/** Who did it: the caller of the current message, or the operator running a command. */
export function currentActor(): AuditActor {
  const call = currentCall();
  return call
    ? auditActorOf(call.caller)
    : { userId: null, username: 'operator', roles: [], clientAddress: null };
}

/**
 * A write, its events and its audit record in one transaction (ARCHITECTURE decision 3); a refused write is on
 * record too, outside the rolled-back transaction, and the service's constraint names come back as domain errors.
 */
export class UnitOfWork {
  constructor(private readonly options: UnitOfWorkOptions) {}

  get dataSource(): DataSource {
    return this.options.dataSource;
  }

  async run<T>(target: AuditTarget, work: (manager: EntityManager) => Promise<WorkOutcome<T>>): Promise<T> {
    const { dataSource, audit } = this.options;
    try {
      const result = await dataSource.transaction(async (manager) => {
        const { result, events, object, details } = await work(manager);
        await appendToOutbox(manager, events);
        // Last in the transaction: the audit lock is held only until the commit.
        await audit?.append(
          {
            actor: currentActor(),
            action: this.action(),
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
      this.options.nudge();
      return result;
    } catch (error) {
      const translated = this.translate(error);
      if (translated && typeof translated === 'object') auditedFailures.add(translated);
      await audit
        ?.append({
          actor: currentActor(),
          action: this.action(),
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

  /** The domain error a database refusal stands for, or the error itself. */
  translate(error: unknown): unknown {
    const driver = (error as { driverError?: { code?: string; constraint?: string } })?.driverError ?? error;
    const { code, constraint } = (driver ?? {}) as { code?: string; constraint?: string };
    // 23505 unique, 23P01 exclusion: the two ways a constraint states a domain rule.
    if ((code === '23505' || code === '23P01') && constraint) {
      const toDomainError = this.options.constraintErrors?.[constraint];
      if (toDomainError) return toDomainError();
    }
    return error;
  }

  private action(): string {
    return currentCall()?.subject ?? `${this.options.actionPrefix}.operator-command`;
  }
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
