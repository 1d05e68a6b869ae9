import { isAcceptedDate, type IsoDate } from '@contracts/common';
import { poolReader, type Queryable } from '@platform/persistence';
import type { DataSource } from 'typeorm';
import { ltreeToPath } from './apply-org-event';
import { orgReadModelTables } from './read-model-sql';

/** A unit as it stood on a date, from the read model. */
export interface OrgUnitState {
  unitId: string;
  code: string;
  name: string;
  /** Null for a unit whose creation event did not say (events published before they carried it). */
  level: string | null;
  kind: string | null;
  /** Unit ids from the root down to the unit. */
  path: string[];
  validFrom: IsoDate;
  /** Exclusive; null while the state is open. */
  validTo: IsoDate | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function checkedIds(ids: readonly string[]): string[] {
  for (const id of ids) if (!UUID.test(id)) throw new TypeError(`"${id}" is not a unit id`);
  return [...ids];
}

function checkedDate(date: string): IsoDate {
  if (!isAcceptedDate(date)) throw new TypeError(`"${date}" is not a date (YYYY-MM-DD)`);
  return date;
}

/**
 * org-structure's units as a consuming service keeps them (ARCHITECTURE decision 1), answered from its own
 * database without a request to org-structure. Kept up to date by `orgReadModelHandler` behind a
 * `DurableEventConsumer`.
 */
export class OrgReadModel {
  private readonly reader: Queryable;
  private readonly t: ReturnType<typeof orgReadModelTables>;

  constructor(db: DataSource, schema: string) {
    this.reader = poolReader(db);
    this.t = orgReadModelTables(schema);
  }

  /** The unit as it stood on `date`, or null if it did not exist then (or the model has not heard of it). */
  async unitAsOf(unitId: string, date: string): Promise<OrgUnitState | null> {
    const rows = await this.reader.query<
      Array<{ unit_id: string; code: string; name: string; level: string | null; kind: string | null; path: string; valid_from: string; valid_to: string | null }>
    >(
      `SELECT unit_id, code, name, level, kind, path::text AS path, valid_from::text AS valid_from, valid_to::text AS valid_to
         FROM ${this.t.version} WHERE unit_id = $1 AND validity @> $2::date`,
      [...checkedIds([unitId]), checkedDate(date)],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      unitId: row.unit_id,
      code: row.code,
      name: row.name,
      level: row.level,
      kind: row.kind,
      path: ltreeToPath(row.path),
      validFrom: row.valid_from,
      validTo: row.valid_to,
    };
  }

  /**
   * The scope of roles over these units (`scopeFor(caller, permission)` of `@contracts/common`; null: the whole
   * system): the units and all their predecessors through merges and splits, as org-structure's Scope has it.
   */
  async scopeOf(roleUnitIds: readonly string[] | null): Promise<OrgScope> {
    if (roleUnitIds === null) return new OrgScope(this.reader, this.t, null);
    if (roleUnitIds.length === 0) return new OrgScope(this.reader, this.t, []);
    const rows = await this.reader.query<Array<{ unit_id: string }>>(
      `WITH RECURSIVE roots (unit_id) AS (
         SELECT unnest($1::uuid[])
         UNION
         SELECT l.predecessor_id FROM ${this.t.lineage} l JOIN roots r ON l.successor_id = r.unit_id
       )
       SELECT unit_id FROM roots`,
      [checkedIds(roleUnitIds)],
    );
    return new OrgScope(this.reader, this.t, rows.map((row) => row.unit_id));
  }

  /** Whether the model holds no unit yet (it fills itself from the start of the stream). */
  async isEmpty(): Promise<boolean> {
    const rows = await this.reader.query<unknown[]>(`SELECT 1 FROM ${this.t.version} LIMIT 1`);
    return rows.length === 0;
  }
}

/**
 * Where roles reach, answered from the read model with the semantics of org-structure's Scope: a role covers its
 * unit's subtree and its predecessors' subtrees, each as it stood on the date in question. A commune moved on 1
 * March from province A to province B lies in A's scope until then and in B's from then on.
 */
export class OrgScope {
  constructor(
    private readonly reader: Queryable,
    private readonly t: { version: string },
    /** The role units and all their predecessors; null: everywhere. */
    readonly roots: readonly string[] | null,
  ) {}

  get isEverywhere(): boolean {
    return this.roots === null;
  }

  /**
   * Whether the unit lay inside a root's subtree on `date`, both as they stood then. A date outside the unit's
   * life is brought to its nearest day (its first, or its last), as org-structure judges a quota year, a term or
   * a link that began before the unit or ended after it.
   */
  async containsAt(unitId: string, date: string): Promise<boolean> {
    if (this.roots === null) return true;
    if (this.roots.length === 0) return false;
    const rows = await this.reader.query<unknown[]>(
      `SELECT 1
         FROM (SELECT v.path, GREATEST(v.valid_from, LEAST($2::date, COALESCE(v.valid_to - 1, $2::date))) AS day
                 FROM ${this.t.version} v WHERE v.unit_id = $1
                ORDER BY CASE WHEN $2::date < v.valid_from THEN v.valid_from - $2::date
                              WHEN v.valid_to IS NOT NULL AND $2::date >= v.valid_to THEN $2::date - v.valid_to + 1
                              ELSE 0 END,
                         v.valid_from DESC
                LIMIT 1) u
        WHERE EXISTS (SELECT 1 FROM ${this.t.version} r
                       WHERE r.unit_id = ANY($3::uuid[]) AND r.validity @> u.day AND u.path <@ r.path)`,
      [...checkedIds([unitId]), checkedDate(date), this.roots],
    );
    return rows.length > 0;
  }

  /** Whether the unit lay inside a root's subtree at any time (for history: lineage, audit, restructurings). */
  async containsEver(unitId: string): Promise<boolean> {
    if (this.roots === null) return true;
    if (this.roots.length === 0) return false;
    const rows = await this.reader.query<unknown[]>(
      `SELECT 1 FROM ${this.t.version} s
         JOIN ${this.t.version} r ON r.unit_id = ANY($2::uuid[]) AND r.validity && s.validity AND s.path <@ r.path
        WHERE s.unit_id = $1
        LIMIT 1`,
      [...checkedIds([unitId]), this.roots],
    );
    return rows.length > 0;
  }
}
