/** Error codes of the organisation-structure service. Each maps to exactly one HTTP status in the gateway. */
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
