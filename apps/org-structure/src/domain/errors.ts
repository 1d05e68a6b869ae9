import { DomainError, RefusalError } from '@contracts/common';
import { OrgErrorCode } from '@contracts/org-structure';

/** Shorthands for the service's typed errors, each naming the DOMAIN.md rule it enforces. */
export const OrgErrors = {
  unitNotFound: (id: string, asOf?: string) =>
    new DomainError(OrgErrorCode.UnitNotFound, asOf ? `Unit ${id} did not exist on ${asOf}` : `Unit ${id} does not exist`, {
      details: { id, ...(asOf ? { asOf } : {}) },
    }),
  /** Word for word the answer for a missing unit; recorded as an out-of-scope refusal. */
  outOfScope: (id: string, asOf?: string) =>
    new RefusalError(
      OrgErrorCode.UnitNotFound,
      asOf ? `Unit ${id} did not exist on ${asOf}` : `Unit ${id} does not exist`,
      { details: { id, ...(asOf ? { asOf } : {}) } },
      'out-of-scope',
      id,
    ),
  /** The answer for a referenced unit that is missing on the date; recorded as an out-of-scope refusal. */
  referencedOutOfScope: (what: string, date: string, field?: string, unitId?: string) =>
    new RefusalError(
      OrgErrorCode.ReferencedUnitNotFound,
      `${what} does not exist on ${date}`,
      { rule: 'ORG-2', errors: field ? [{ path: field, message: `no unit alive on ${date}` }] : undefined },
      'out-of-scope',
      unitId ?? null,
    ),
  referencedUnitNotFound: (what: string, date: string, field?: string) =>
    new DomainError(OrgErrorCode.ReferencedUnitNotFound, `${what} does not exist on ${date}`, {
      rule: 'ORG-2',
      errors: field ? [{ path: field, message: `no unit alive on ${date}` }] : undefined,
    }),
  recordNotFound: (what: string, id: string) =>
    new DomainError(OrgErrorCode.RecordNotFound, `${what} ${id} does not exist`, { details: { id } }),
  recordOutOfScope: (what: string, id: string) =>
    new RefusalError(OrgErrorCode.RecordNotFound, `${what} ${id} does not exist`, { details: { id } }, 'out-of-scope', id),
  /** Without `code` when only the database's constraint knows it (its refusal names the code's hash). */
  codeConflict: (code?: string) =>
    new DomainError(
      OrgErrorCode.CodeConflict,
      code ? `Another unit alive at the same time already has the code ${code}` : 'Another unit alive at the same time already has this code',
      { rule: 'ORG-2', errors: [{ path: 'code', message: 'already taken at that time' }], details: code ? { code } : undefined },
    ),
  cycle: (unitId: string, targetId: string) =>
    new DomainError(OrgErrorCode.Cycle, `Unit ${unitId} cannot be placed under itself or its own descendant ${targetId}`, {
      rule: 'ORG-4',
      details: { unitId, targetId },
    }),
  dissolveWithChildren: (unitId: string, childIds: string[]) =>
    new DomainError(
      OrgErrorCode.DissolveWithChildren,
      `Unit ${unitId} still has ${childIds.length} child unit(s); move, merge or dissolve them in the same restructuring first`,
      { rule: 'ORG-4', details: { unitId, childIds: childIds.slice(0, 50) } },
    ),
  splitChildUnassigned: (unitId: string, childIds: string[]) =>
    new DomainError(OrgErrorCode.SplitChildUnassigned, `The split of ${unitId} does not say where ${childIds.length} child unit(s) go`, {
      rule: 'ORG-4',
      details: { unitId, childIds: childIds.slice(0, 50) },
    }),
  levelOrder: (childLevel: string, parentLevel: string) =>
    new DomainError(OrgErrorCode.LevelOrder, `A ${childLevel}-level unit cannot sit under a ${parentLevel}-level unit`, {
      rule: 'ORG-1',
    }),
  laterChangeExists: (unitId: string, date: string, laterDate: string) =>
    new DomainError(
      OrgErrorCode.LaterChangeExists,
      `Unit ${unitId} already changes on ${laterDate}, after ${date}; record a correction as a new restructuring dated on or after ${laterDate}`,
      { rule: 'ORG-2', details: { unitId, date, laterDate } },
    ),
  invalidOperation: (message: string, path?: string) =>
    new DomainError(OrgErrorCode.InvalidOperation, message, {
      rule: 'ORG-3',
      errors: path ? [{ path, message }] : undefined,
    }),
};
