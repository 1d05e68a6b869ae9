import { scopeFor, type CallerIdentity, type Permission } from '@contracts/common';
import { poolReader, type Queryable, type Statement } from '@platform/persistence';
import type { DataSource } from 'typeorm';
import { OrgErrors } from './errors';

/**
 * Where a caller may act. A role over a unit covers that unit's subtree, and the subtrees of its predecessors
 * through restructurings (a board of a merged province sees what was merged into it), each **as it stood on the
 * date in question**: a commune moved from province A to province B lay in A's scope until the move and in B's
 * from then on. Writes and current-state reads are checked on their effective date; history is visible only for
 * the period a unit lay in scope. `null` roots mean the whole system.
 */
export class Scope {
  private constructor(
    /** The units whose subtrees the scope covers: the role units and all their predecessors. */
    readonly roots: string[] | null,
  ) {}

  static everywhere(): Scope {
    return new Scope(null);
  }

  static async of(db: Queryable, caller: CallerIdentity, permission: Permission): Promise<Scope> {
    const unitIds = scopeFor(caller, permission);
    if (unitIds === null) return Scope.everywhere();
    if (unitIds.length === 0) return new Scope([]);
    const rows = await db.query<Array<{ unit_id: string }>>(
      `WITH RECURSIVE roots (unit_id) AS (
         SELECT unnest($1::uuid[])
         UNION
         SELECT l.predecessor_id FROM unit_lineage l JOIN roots r ON l.successor_id = r.unit_id
       )
       SELECT unit_id FROM roots`,
      [unitIds],
    );
    return new Scope(rows.map((row) => row.unit_id));
  }

  get isEverywhere(): boolean {
    return this.roots === null;
  }

  /**
   * A SQL condition: the unit version whose path is `pathColumn`, read as of `dateSql`, lies under a root as that
   * root stood on the same date. 'true' when the scope is everywhere.
   */
  sqlAt(pathColumn: string, dateSql: string, params: unknown[]): string {
    if (this.roots === null) return 'true';
    params.push(this.roots);
    return `EXISTS (SELECT 1 FROM unit_version r
                     WHERE r.unit_id = ANY($${params.length}::uuid[]) AND r.validity @> ${dateSql} AND ${pathColumn} <@ r.path)`;
  }

  /** A SQL condition: the unit in `unitColumn` lay in scope at some time (for history: lineage, audit, restructurings). */
  sqlEver(unitColumn: string, params: unknown[]): string {
    if (this.roots === null) return 'true';
    params.push(this.roots);
    return `EXISTS (SELECT 1 FROM unit_version s JOIN unit_version r
                      ON r.unit_id = ANY($${params.length}::uuid[]) AND r.validity && s.validity AND s.path <@ r.path
                     WHERE s.unit_id = ${unitColumn})`;
  }

  /**
   * Whether the unit lay in scope on `date`. A date outside the unit's life is brought to its nearest day (its
   * first, or its last): a quota year, a term or a link that began before the unit or ended after it is judged by
   * where the unit stood then.
   */
  async containsAt(db: Queryable, unitId: string, date: string): Promise<boolean> {
    if (this.roots === null) return true;
    return (await this.visibleOn(db, [unitId], [date])).size > 0;
  }

  /** Whether the unit lay in scope at any time. */
  async containsEver(db: Queryable, unitId: string): Promise<boolean> {
    if (this.roots === null) return true;
    if (this.roots.length === 0) return false;
    const params: unknown[] = [unitId];
    const rows = await db.query<unknown[]>(`SELECT 1 WHERE ${this.sqlEver('$1::uuid', params)}`, params);
    return rows.length > 0;
  }

  /** Of `unitIds`, those that lay in scope on any of `dates`. */
  async visibleAmong(db: Queryable, unitIds: readonly string[], dates: readonly string[]): Promise<Set<string>> {
    if (this.roots === null) return new Set(unitIds);
    return new Set([...(await this.visibleOn(db, unitIds, dates)).values()].map((pair) => pair.unitId));
  }

  /** Of `dates`, those on which the unit lay in scope. */
  async datesVisible(db: Queryable, unitId: string, dates: readonly string[]): Promise<Set<string>> {
    if (this.roots === null) return new Set(dates);
    return new Set([...(await this.visibleOn(db, [unitId], dates)).values()].map((pair) => pair.date));
  }

  /**
   * The (unit, date) pairs, of those given, where the unit lay in scope on the date, each date brought into the
   * unit's life as `containsAt` says; one statement for all of them.
   */
  private async visibleOn(db: Queryable, unitIds: readonly string[], dates: readonly string[]): Promise<Map<string, { unitId: string; date: string }>> {
    const all = () => new Map(unitIds.flatMap((unitId) => dates.map((date) => [`${unitId} ${date}`, { unitId, date }] as const)));
    if (this.roots === null) return all();
    if (this.roots.length === 0 || unitIds.length === 0 || dates.length === 0) return new Map();
    const { sql, parameters } = this.visibleOnStatement(this.roots, unitIds, dates);
    const rows = await db.query<Array<{ unit_id: string; day: string }>>(sql, parameters);
    return new Map(rows.map((row) => [`${row.unit_id} ${row.day}`, { unitId: row.unit_id, date: row.day }]));
  }

  private visibleOnStatement(roots: string[], unitIds: readonly string[], dates: readonly string[]): Statement {
    return {
      sql: `SELECT ids.unit_id, d.day::text AS day
         FROM unnest($1::uuid[]) AS ids (unit_id)
         CROSS JOIN unnest($2::date[]) AS d (day)
         CROSS JOIN LATERAL (
           SELECT v.path, GREATEST(v.valid_from, LEAST(d.day, COALESCE(v.valid_to - 1, d.day))) AS day
             FROM unit_version v WHERE v.unit_id = ids.unit_id
            ORDER BY CASE WHEN d.day < v.valid_from THEN v.valid_from - d.day
                          WHEN v.valid_to IS NOT NULL AND d.day >= v.valid_to THEN d.day - v.valid_to + 1
                          ELSE 0 END
            LIMIT 1) u
        WHERE EXISTS (SELECT 1 FROM unit_version r
                       WHERE r.unit_id = ANY($3::uuid[]) AND r.validity @> u.day AND u.path <@ r.path)`,
      parameters: [unitIds, dates, roots],
    };
  }

  /**
   * What `requireAt` checks, as a statement to read together with others (none when the answer is known without
   * asking), and the check of its rows: for reads that send their statements in one round trip.
   */
  requirementAt(unitId: string, date: string, asOf?: string): { statement: Statement | null; check(rows: unknown[] | undefined): void } {
    if (this.roots === null) return { statement: null, check: () => undefined };
    const statement = this.roots.length > 0 ? this.visibleOnStatement(this.roots, [unitId], [date]) : null;
    return {
      statement,
      check: (rows) => {
        if (!rows || rows.length === 0) throw OrgErrors.outOfScope(unitId, asOf);
      },
    };
  }

  /** Out of scope on `date` reads as "does not exist", so a unit's existence does not leak; the refusal is audited. */
  async requireAt(db: Queryable, unitId: string, date: string, asOf?: string): Promise<void> {
    if (!(await this.containsAt(db, unitId, date))) throw OrgErrors.outOfScope(unitId, asOf);
  }

  async requireEver(db: Queryable, unitId: string): Promise<void> {
    if (!(await this.containsEver(db, unitId))) throw OrgErrors.outOfScope(unitId);
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
