import { scopeFor, type CallerIdentity, type Permission } from '@contracts/common';
import { poolReader, type Queryable } from '@platform/persistence';
import type { DataSource } from 'typeorm';
import { OrgErrors } from './errors';

/**
 * Where a caller may act, as the tree paths it covers. A role over a unit covers every unit that at any time
 * lay under that unit or under one of its predecessors (a board of the merged province sees the history of the
 * provinces merged into it). `null` means the whole system.
 */
export class Scope {
  private constructor(readonly paths: string[] | null) {}

  static everywhere(): Scope {
    return new Scope(null);
  }

  static async of(db: Queryable, caller: CallerIdentity, permission: Permission): Promise<Scope> {
    const unitIds = scopeFor(caller, permission);
    if (unitIds === null) return Scope.everywhere();
    if (unitIds.length === 0) return new Scope([]);
    const rows = await db.query<Array<{ path: string }>>(
      `WITH RECURSIVE roots (unit_id) AS (
         SELECT unnest($1::uuid[])
         UNION
         SELECT l.predecessor_id FROM unit_lineage l JOIN roots r ON l.successor_id = r.unit_id
       )
       SELECT DISTINCT v.path::text AS path FROM unit_version v JOIN roots r ON r.unit_id = v.unit_id`,
      [unitIds],
    );
    return new Scope(rows.map((row) => row.path));
  }

  get isEverywhere(): boolean {
    return this.paths === null;
  }

  /**
   * A SQL condition: the unit in `unitColumn` lay under the scope at some time. `params` receives the paths;
   * returns 'true' when the scope is everywhere.
   */
  sql(unitColumn: string, params: unknown[]): string {
    if (this.paths === null) return 'true';
    params.push(this.paths);
    return `EXISTS (SELECT 1 FROM unit_version s WHERE s.unit_id = ${unitColumn} AND s.path <@ $${params.length}::public.ltree[])`;
  }

  async contains(db: Queryable, unitId: string): Promise<boolean> {
    if (this.paths === null) return true;
    if (this.paths.length === 0) return false;
    const rows = await db.query<unknown[]>(
      'SELECT 1 FROM unit_version WHERE unit_id = $1 AND path <@ $2::public.ltree[] LIMIT 1',
      [unitId, this.paths],
    );
    return rows.length > 0;
  }

  /** Out of scope reads as "does not exist", so a unit's existence does not leak. */
  async require(db: Queryable, unitId: string, asOf?: string): Promise<void> {
    if (!(await this.contains(db, unitId))) throw OrgErrors.unitNotFound(unitId, asOf);
  }
}

/** Builds a caller's scope for a permission; injected into message controllers. */
export class Scopes {
  private readonly reader: Queryable;

  constructor(db: DataSource) {
    this.reader = poolReader(db);
  }

  of(caller: CallerIdentity, permission: Permission): Promise<Scope> {
    return Scope.of(this.reader, caller, permission);
  }
}
