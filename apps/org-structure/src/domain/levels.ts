import { UNIT_LEVELS, type UnitLevel } from '@contracts/org-structure';

/** ORG-1: a unit sits at its parent's level or below it (committee organs share their committee's level). */
export function isLevelAllowedUnder(childLevel: UnitLevel, parentLevel: UnitLevel): boolean {
  return UNIT_LEVELS.indexOf(childLevel) >= UNIT_LEVELS.indexOf(parentLevel);
}
