import type { UnitAttributes } from '@contracts/org-structure';
import type { EntityManager } from 'typeorm';
import { OrgErrors } from '../domain/errors';
import { foldText } from '@platform/query';
import { UNIT_VERSION_COLUMNS, type UnitVersionRow } from '../domain/unit-row';

/** Serialises writers of the tree: a move checked against a snapshot must not race another move (ORG-4). */
export const TREE_WRITE_LOCK = 7_301_001;

/**
 * Writes new states of units from a date on. Every change closes the unit's open state at the date and opens a
 * new one (or edits the open state in place when it began that same day), so history is never rewritten.
 * Changes apply only to a unit's latest state: a change dated before an already recorded later change is refused.
 */
export class TreeWriter {
  constructor(
    private readonly manager: EntityManager,
    readonly date: string,
    private readonly restructuringId: string,
  ) {}

  static async lock(manager: EntityManager): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [TREE_WRITE_LOCK]);
  }

  /** The unit's state open at the date, or null when it is not alive then. Refuses if it changes later. */
  async openState(unitId: string): Promise<UnitVersionRow | null> {
    const rows: UnitVersionRow[] = await this.manager.query(
      `SELECT ${UNIT_VERSION_COLUMNS} FROM unit_version v WHERE v.unit_id = $1 ORDER BY v.valid_from DESC LIMIT 1`,
      [unitId],
    );
    const latest = rows[0];
    if (!latest) return null;
    if (latest.valid_to !== null) {
      if (latest.valid_to > this.date && latest.valid_from <= this.date) {
        throw OrgErrors.laterChangeExists(unitId, this.date, latest.valid_to);
      }
      return null;
    }
    if (latest.valid_from > this.date) {
      const alive = await this.manager.query(
        'SELECT 1 FROM unit_version WHERE unit_id = $1 AND validity @> $2::date',
        [unitId, this.date],
      );
      if (alive.length > 0) throw OrgErrors.laterChangeExists(unitId, this.date, latest.valid_from);
      return null;
    }
    return latest;
  }

  /** The unit that bears `code` on the date, if any. */
  async aliveIdByCode(code: string): Promise<string | null> {
    const rows: Array<{ unit_id: string }> = await this.manager.query(
      'SELECT unit_id FROM unit_version WHERE code = $1 AND validity @> $2::date LIMIT 1',
      [code, this.date],
    );
    return rows[0]?.unit_id ?? null;
  }

  async insertUnit(id: string, attributes: UnitAttributes, parentId: string | null, path: string): Promise<void> {
    await this.manager.query('INSERT INTO unit (id, exists_from, created_by) VALUES ($1, $2, $3)', [
      id,
      this.date,
      this.restructuringId,
    ]);
    await this.insertVersion({
      unit_id: id,
      code: attributes.code,
      name: attributes.name,
      short_name: attributes.shortName ?? null,
      kind: attributes.kind,
      level: attributes.level,
      block: attributes.block,
      parent_id: parentId,
      path,
    });
  }

  /** A new state of one unit (rename); its place in the tree is unchanged. */
  async revise(current: UnitVersionRow, changes: { name: string; shortName: string | null }): Promise<void> {
    if (current.valid_from === this.date) {
      await this.manager.query(
        'UPDATE unit_version SET name = $2, short_name = $3, search_text = $4 WHERE id = $1',
        [current.id, changes.name, changes.shortName, searchText(changes.name, changes.shortName, current.code)],
      );
      return;
    }
    await this.manager.query('UPDATE unit_version SET valid_to = $2 WHERE id = $1', [current.id, this.date]);
    await this.insertVersion({ ...current, name: changes.name, short_name: changes.shortName });
  }

  /**
   * Moves the subtree rooted at `root` under `newParentId` (null: becomes a root): the root and every descendant
   * alive at the date get a new state with the rewritten path. Returns the new path of the root.
   */
  async moveSubtree(root: UnitVersionRow, newParentId: string | null, newParentPath: string | null): Promise<string> {
    const label = root.path.split('.').pop() as string;
    const newPath = newParentPath ? `${newParentPath}.${label}` : label;
    const later: Array<{ unit_id: string; valid_from: string }> = await this.manager.query(
      `SELECT unit_id, valid_from::text AS valid_from FROM unit_version
        WHERE path <@ $1::ltree AND valid_to IS NULL AND valid_from > $2::date LIMIT 1`,
      [root.path, this.date],
    );
    if (later.length > 0) throw OrgErrors.laterChangeExists(later[0].unit_id, this.date, later[0].valid_from);

    // subpath() refuses an empty remainder, so the root itself takes the new path as it is.
    const newPathSql = `CASE WHEN nlevel(path) > nlevel($1::ltree) THEN $3::ltree || subpath(path, nlevel($1::ltree)) ELSE $3::ltree END`;
    // States that began today are edited in place; older ones are closed today and continued by a copy.
    await this.manager.query(
      `UPDATE unit_version
          SET path = ${newPathSql},
              parent_id = CASE WHEN unit_id = $4 THEN $5::uuid ELSE parent_id END
        WHERE path <@ $1::ltree AND valid_to IS NULL AND valid_from = $2::date`,
      [root.path, this.date, newPath, root.unit_id, newParentId],
    );
    // TypeORM answers an UPDATE … RETURNING with [rows, rowCount].
    const [closed]: [Array<{ id: string }>, number] = await this.manager.query(
      `UPDATE unit_version SET valid_to = $2::date
        WHERE path <@ $1::ltree AND valid_to IS NULL AND valid_from < $2::date
        RETURNING id`,
      [root.path, this.date],
    );
    if (closed.length > 0) {
      await this.manager.query(
        `INSERT INTO unit_version (unit_id, code, name, short_name, search_text, kind, level, block, parent_id, path,
                                   valid_from, restructuring_id)
         SELECT unit_id, code, name, short_name, search_text, kind, level, block,
                CASE WHEN unit_id = $4 THEN $5::uuid ELSE parent_id END,
                ${newPathSql}, $2::date, $6
           FROM unit_version WHERE id = ANY($7::bigint[])`,
        [root.path, this.date, newPath, root.unit_id, newParentId, this.restructuringId, closed.map((row) => row.id)],
      );
    }
    return newPath;
  }

  /** Open children (states alive at the date) of a unit. */
  async children(unitId: string): Promise<UnitVersionRow[]> {
    return this.manager.query(
      `SELECT ${UNIT_VERSION_COLUMNS} FROM unit_version v
        WHERE v.parent_id = $1 AND v.valid_to IS NULL ORDER BY v.code`,
      [unitId],
    );
  }

  /** Ends a unit at the date, with its leadership links and posts. */
  async close(current: UnitVersionRow): Promise<void> {
    await this.manager.query('UPDATE unit_version SET valid_to = $2 WHERE id = $1', [current.id, this.date]);
    await this.manager.query('UPDATE unit SET exists_until = $2 WHERE id = $1', [current.unit_id, this.date]);
    await this.manager.query(
      `UPDATE leadership_link SET valid_to = GREATEST(valid_from, $2::date)
        WHERE (leader_id = $1 OR led_id = $1) AND valid_to IS NULL`,
      [current.unit_id, this.date],
    );
    await this.manager.query(
      'UPDATE unit_post SET valid_to = GREATEST(valid_from, $2::date) WHERE unit_id = $1 AND valid_to IS NULL',
      [current.unit_id, this.date],
    );
  }

  async recordLineage(predecessorId: string, successorId: string, operation: string): Promise<void> {
    await this.manager.query(
      `INSERT INTO unit_lineage (predecessor_id, successor_id, restructuring_id, operation, effective_date)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [predecessorId, successorId, this.restructuringId, operation, this.date],
    );
  }

  private async insertVersion(row: Omit<UnitVersionRow, 'id' | 'valid_from' | 'valid_to'>): Promise<void> {
    await this.manager.query(
      `INSERT INTO unit_version (unit_id, code, name, short_name, search_text, kind, level, block, parent_id, path,
                                 valid_from, restructuring_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::ltree, $11, $12)`,
      [
        row.unit_id,
        row.code,
        row.name,
        row.short_name,
        searchText(row.name, row.short_name, row.code),
        row.kind,
        row.level,
        row.block,
        row.parent_id,
        row.path,
        this.date,
        this.restructuringId,
      ],
    );
  }
}

/** What `q` searches: name, short name and code, folded (no diacritics, lower case). */
export function searchText(name: string, shortName: string | null, code: string): string {
  return foldText([name, shortName ?? '', code].join(' '));
}
