import { DomainError } from '@contracts/common';
import { OrgErrorCode } from '@contracts/org-structure';
import type { ConstraintErrors } from '@platform/service-kit';
import { OrgErrors } from '../domain/errors';
import { OrgStructureInitial1763800000000 } from './migrations/1763800000000-org-structure-initial';
import { UnitPathBtree1763850000000 } from './migrations/1763850000000-unit-path-btree';
import { OrgAuditLog1763950000000 } from './migrations/1763950000000-org-audit-log';
import { CodeExclusionByHash1795327587000 } from './migrations/1795327587000-code-exclusion-by-hash';
import { CanonicalUnitCodes1795400000000 } from './migrations/1795400000000-canonical-unit-codes';

/** Every migration of the service, oldest first. Landed migrations are never edited: add a new one. */
export const ORG_MIGRATIONS = [
  OrgStructureInitial1763800000000,
  UnitPathBtree1763850000000,
  OrgAuditLog1763950000000,
  CodeExclusionByHash1795327587000,
  CanonicalUnitCodes1795400000000,
];

/** The schema's constraints that state domain rules, and the errors they answer instead of a database error. */
export const ORG_CONSTRAINT_ERRORS: ConstraintErrors = {
  // Keyed on md5(code), so the refusal's detail names a hash: the checks before the write name the code itself.
  unit_version_code_unique_in_time: () => OrgErrors.codeConflict(),
  committee_term_no_overlap: () =>
    new DomainError(OrgErrorCode.TermConflict, 'The term overlaps another term of the same committee', { rule: 'ORG-7' }),
  leadership_link_no_overlap: () =>
    new DomainError(OrgErrorCode.InvalidOperation, 'This leadership link already exists for an overlapping period', { rule: 'ORG-5' }),
};
