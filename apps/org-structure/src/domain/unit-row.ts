import type { SubtreeNode, UnitBlock, UnitKind, UnitLevel, UnitView } from '@contracts/org-structure';
import { pathToIds } from './unit-path';

/** A row of unit_version as read by the repositories (dates as YYYY-MM-DD strings). */
export interface UnitVersionRow {
  id: string;
  unit_id: string;
  code: string;
  name: string;
  short_name: string | null;
  kind: UnitKind;
  level: UnitLevel;
  block: UnitBlock;
  parent_id: string | null;
  path: string;
  valid_from: string;
  valid_to: string | null;
}

export const UNIT_VERSION_COLUMNS = `v.id, v.unit_id, v.code, v.name, v.short_name, v.kind, v.level, v.block, v.parent_id,
  v.path::text AS path, v.valid_from::text AS valid_from, v.valid_to::text AS valid_to`;

export function toSubtreeNode(row: UnitVersionRow, rootDepth: number): SubtreeNode {
  return {
    id: row.unit_id,
    code: row.code,
    name: row.name,
    shortName: row.short_name,
    kind: row.kind,
    level: row.level,
    block: row.block,
    parentId: row.parent_id,
    depth: row.path.split('.').length - rootDepth,
  };
}

export function toUnitView(
  row: UnitVersionRow,
  existence: { exists_from: string; exists_until: string | null },
  history: UnitVersionRow[],
): UnitView {
  const { depth: _depth, ...node } = toSubtreeNode(row, 0);
  return {
    ...node,
    path: pathToIds(row.path),
    validFrom: row.valid_from,
    validTo: row.valid_to,
    existsFrom: existence.exists_from,
    existsUntil: existence.exists_until,
    formerNames: formerNames(history, row.valid_from),
  };
}

/** ORG-2: the names a unit bore before `before`, each with the dates it was in use, oldest first. */
export function formerNames(history: UnitVersionRow[], before: string): UnitView['formerNames'] {
  const names: UnitView['formerNames'] = [];
  for (const version of [...history].sort((x, y) => x.valid_from.localeCompare(y.valid_from))) {
    if (version.valid_from >= before || version.valid_to === null) continue;
    const last = names[names.length - 1];
    if (last && last.name === version.name && last.shortName === version.short_name && last.validTo === version.valid_from) {
      last.validTo = version.valid_to;
    } else {
      names.push({ name: version.name, shortName: version.short_name, validFrom: version.valid_from, validTo: version.valid_to });
    }
  }
  const current = history.find((version) => version.valid_from === before);
  // A name equal to the current one is not "former": drop the trailing run that only differed in path.
  while (names.length > 0 && current && names[names.length - 1].name === current.name && names[names.length - 1].shortName === current.short_name) {
    names.pop();
  }
  return names;
}
