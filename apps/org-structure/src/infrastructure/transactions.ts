import { DomainError } from '@contracts/common';
import { OrgErrorCode } from '@contracts/org-structure';
import { appendToOutbox, type OutboxEvent } from '@platform/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import { OrgErrors } from '../domain/errors';

/** Something that publishes soon after a commit (the outbox relay's nudge). */
export interface AfterCommit {
  nudge(): void;
}

/**
 * Runs a write and its events in one transaction (ARCHITECTURE decision 3) and translates the database's own
 * refusals (exclusion and unique constraints) into the domain errors they stand for.
 */
export async function writeWithEvents<T>(
  db: DataSource,
  relay: AfterCommit,
  work: (manager: EntityManager) => Promise<{ result: T; events: OutboxEvent[] }>,
): Promise<T> {
  try {
    const result = await db.transaction(async (manager) => {
      const { result, events } = await work(manager);
      await appendToOutbox(manager, events);
      return result;
    });
    relay.nudge();
    return result;
  } catch (error) {
    throw translateConstraintError(error);
  }
}

export function translateConstraintError(error: unknown): unknown {
  const driver = (error as { driverError?: { code?: string; constraint?: string; detail?: string } }).driverError ?? error;
  const { code, constraint, detail } = driver as { code?: string; constraint?: string; detail?: string };
  if (code === '23P01' && constraint === 'unit_version_code_unique_in_time') {
    return OrgErrors.codeConflict(/\(code, validity\)=\(([^,]+),/.exec(detail ?? '')?.[1] ?? 'given');
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
