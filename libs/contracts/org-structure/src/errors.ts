import type { ErrorCatalogue } from '@contracts/common';

/** Error codes of the organisation-structure service, each with one HTTP status in ORG_ERRORS. */
export const OrgErrorCode = {
  /** The unit named in the path does not exist, or did not exist at `asOf`. */
  UnitNotFound: 'ORG_UNIT_NOT_FOUND',
  /** A unit referenced in the body (parent, merge target …) does not exist or is not alive at the date. */
  ReferencedUnitNotFound: 'ORG_REFERENCED_UNIT_NOT_FOUND',
  /** A leadership link, post or term named in the path does not exist. */
  RecordNotFound: 'ORG_RECORD_NOT_FOUND',
  /** ORG-2: another unit alive at the same time already has this code. */
  CodeConflict: 'ORG_CODE_CONFLICT',
  /** ORG-4: the change would put a unit under itself or its own descendant. */
  Cycle: 'ORG_CYCLE',
  /** ORG-4: a unit with children cannot be dissolved unless its children go elsewhere in the same operation set. */
  DissolveWithChildren: 'ORG_DISSOLVE_WITH_CHILDREN',
  /** ORG-4: a split must say where every child of the split unit goes. */
  SplitChildUnassigned: 'ORG_SPLIT_CHILD_UNASSIGNED',
  /** ORG-1: a unit cannot sit above its parent's level (a province under a commune). */
  LevelOrder: 'ORG_LEVEL_ORDER',
  /** ORG-2: the unit is already changed after this date; history is corrected by new facts, not rewritten. */
  LaterChangeExists: 'ORG_LATER_CHANGE_EXISTS',
  /** A restructuring names the same new-unit reference twice, or uses one before creating it. */
  InvalidOperation: 'ORG_INVALID_OPERATION',
  /** ORG-7: a committee term overlaps another of the same unit, or the unit is not a party committee. */
  TermConflict: 'ORG_TERM_CONFLICT',
  /** A bulk import has bad rows; `details.rows` lists each with its line number. Nothing was imported. */
  ImportInvalid: 'ORG_IMPORT_INVALID',
} as const;
export type OrgErrorCode = (typeof OrgErrorCode)[keyof typeof OrgErrorCode];

export const ORG_ERRORS = {
  [OrgErrorCode.UnitNotFound]: { status: 404, title: 'Unit not found' },
  [OrgErrorCode.RecordNotFound]: { status: 404, title: 'Record not found' },
  [OrgErrorCode.ReferencedUnitNotFound]: { status: 422, title: 'A referenced unit does not exist at that date' },
  [OrgErrorCode.InvalidOperation]: { status: 422, title: 'The operation is not valid' },
  [OrgErrorCode.ImportInvalid]: { status: 422, title: 'The import has invalid rows' },
  [OrgErrorCode.CodeConflict]: { status: 409, title: 'Unit code already in use' },
  [OrgErrorCode.Cycle]: { status: 409, title: 'The change would create a cycle' },
  [OrgErrorCode.DissolveWithChildren]: { status: 409, title: 'The unit still has children' },
  [OrgErrorCode.SplitChildUnassigned]: { status: 409, title: 'The split leaves children unassigned' },
  [OrgErrorCode.LevelOrder]: { status: 409, title: 'The unit cannot sit at that level' },
  [OrgErrorCode.LaterChangeExists]: { status: 409, title: 'A later change is already recorded' },
  [OrgErrorCode.TermConflict]: { status: 409, title: "The term conflicts with the committee's terms" },
} as const satisfies ErrorCatalogue<OrgErrorCode>;

declare module '@contracts/common' {
  interface DeclaredErrorCatalogues {
    'org-structure': typeof ORG_ERRORS;
  }
}
