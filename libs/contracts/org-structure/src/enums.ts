/** What a unit is (DOMAIN glossary). Stored as these codes; labels are a client concern. */
export const UNIT_KINDS = [
  'party_committee',
  'party_organisation',
  'grassroots_party_organisation',
  'party_cell',
  'committee_organ',
  'inspection_commission',
  'council',
  'peoples_committee',
  'department',
  'state_agency',
  'front',
  'mass_organisation',
  'public_service_unit',
] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/** ORG-1: levels from the top. `district` exists only before 2025-07-01. Order matters: a child is never above its parent. */
export const UNIT_LEVELS = ['central', 'province', 'district', 'commune', 'grassroots'] as const;
export type UnitLevel = (typeof UNIT_LEVELS)[number];

export const UNIT_BLOCKS = ['party', 'state', 'front', 'public_service'] as const;
export type UnitBlock = (typeof UNIT_BLOCKS)[number];

export const OPERATION_TYPES = ['create', 'rename', 'move', 'merge', 'split', 'dissolve'] as const;
export type OperationType = (typeof OPERATION_TYPES)[number];

export const STAFF_CATEGORIES = ['civil_servant', 'public_employee', 'contract'] as const;
export type StaffCategory = (typeof STAFF_CATEGORIES)[number];

export const LEADERSHIP_DIRECTIONS = ['leads', 'led_by'] as const;
export type LeadershipDirection = (typeof LEADERSHIP_DIRECTIONS)[number];
