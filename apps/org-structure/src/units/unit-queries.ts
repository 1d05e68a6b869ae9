import { todayIso } from '@contracts/common';
import type {
  AncestorsRequest,
  GetUnitRequest,
  LineageEdge,
  LineageRequest,
  LineageView,
  ListUnitsRequest,
  SubtreeNode,
  SubtreePage,
  SubtreeRequest,
  UnitPage,
  UnitView,
} from '@contracts/org-structure';
import { poolReader, type PoolReader } from '@platform/persistence';
import type { DataSource } from 'typeorm';
import { Scope } from '../domain/scope';
import { OrgErrors } from '../domain/errors';
import { decodeCursor, encodeCursor, escapeLike, foldText, LTREE_PATH, STORED_CODE, UUID } from '@platform/query';
import { DESCENDANTS_OF } from '../domain/unit-path';
import { toSubtreeNode, toUnitView, UNIT_VERSION_COLUMNS, type UnitVersionRow } from '../domain/unit-row';

/** A unit's version in force on a date ($1 the unit, $2 the date). */
const STATE_AT = `SELECT ${UNIT_VERSION_COLUMNS} FROM unit_version v WHERE v.unit_id = $1 AND v.validity @> $2::date`;

/**
 * Reads of the tree as of a date. Subtree and ancestor queries are a single scan of the GiST index on
 * (path, validity): no walk of the tree in application code (docs/org-structure.md shows the plans).
 */
export class UnitQueries {
  /** Every read here is one statement outside a transaction: straight on the pool. */
  private readonly reader: PoolReader;

  constructor(db: DataSource) {
    this.reader = poolReader(db);
  }

  async get({ id, asOf = todayIso() }: GetUnitRequest, scope = Scope.everywhere()): Promise<UnitView> {
    const historyParams: unknown[] = [id];
    // Former names only from the periods the unit lay in the caller's scope.
    const inScope = scope.isEverywhere ? 'true' : this.versionInScope(scope, historyParams);
    const requirement = scope.requirementAt(id, asOf, asOf);
    // The statements are independent, so they go in one round trip; nothing is answered before the checks pass.
    const [states, [existence], history, visible] = await this.reader.queryAll<
      [UnitVersionRow[], Array<{ exists_from: string; exists_until: string | null }>, UnitVersionRow[], unknown[] | undefined]
    >([
      { sql: STATE_AT, parameters: [id, asOf], prepared: true },
      { sql: 'SELECT exists_from::text AS exists_from, exists_until::text AS exists_until FROM unit WHERE id = $1', parameters: [id], prepared: true },
      { sql: `SELECT ${UNIT_VERSION_COLUMNS} FROM unit_version v WHERE v.unit_id = $1 AND ${inScope} ORDER BY v.valid_from`, parameters: historyParams, prepared: true },
      ...(requirement.statement ? [requirement.statement] : []),
    ]);
    if (!states[0]) throw OrgErrors.unitNotFound(id, asOf);
    requirement.check(visible);
    return toUnitView(states[0], existence, history);
  }

  async list(request: ListUnitsRequest, scope = Scope.everywhere()): Promise<UnitPage> {
    const asOf = request.asOf ?? todayIso();
    const where: string[] = ['v.validity @> $1::date'];
    const params: unknown[] = [asOf];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (request.code) add('v.code = ?', request.code);
    if (request.parentId) add('v.parent_id = ?', request.parentId);
    if (request.level) add('v.level = ?', request.level);
    if (request.kind) add('v.kind = ?', request.kind);
    if (request.block) add('v.block = ?', request.block);
    if (request.q) add(`v.search_text LIKE ?`, `%${escapeLike(foldText(request.q))}%`);
    where.push(scope.sqlAt('v.path', '$1::date', params));
    const after = request.cursor ? decodeCursor<{ code: string; id: string }>(request.cursor, { code: STORED_CODE, id: UUID }) : null;
    if (after) {
      params.push(after.code, after.id);
      where.push(`(v.code, v.unit_id) > ($${params.length - 1}, $${params.length}::uuid)`);
    }
    params.push(request.limit + 1);
    const rows: UnitVersionRow[] = await this.reader.query(
      `SELECT ${UNIT_VERSION_COLUMNS} FROM unit_version v WHERE ${where.join(' AND ')}
        ORDER BY v.code, v.unit_id LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, request.limit);
    const items = await this.views(page, scope);
    const last = page[page.length - 1];
    return {
      items,
      nextCursor: rows.length > request.limit && last ? encodeCursor({ code: last.code, id: last.unit_id }) : null,
    };
  }

  async subtree(request: SubtreeRequest, scope = Scope.everywhere()): Promise<SubtreePage> {
    const asOf = request.asOf ?? todayIso();
    const root = await this.stateAt(request.id, asOf);
    // Everything below a unit in scope on the date is in scope on that date.
    await scope.requireAt(this.reader, request.id, asOf, asOf);
    const rootDepth = root.path.split('.').length;
    const params: unknown[] = [root.path, asOf];
    let filter = '';
    if (request.depth !== undefined) {
      params.push(rootDepth + request.depth);
      filter += ` AND nlevel(v.path) <= $${params.length}`;
    }
    const after = request.cursor ? decodeCursor<{ path: string }>(request.cursor, { path: LTREE_PATH }) : null;
    if (after) {
      params.push(after.path);
      filter += ` AND v.path > $${params.length}::ltree`;
    }
    params.push(request.limit + 1);
    const rows: UnitVersionRow[] = await this.reader.query(
      `SELECT ${UNIT_VERSION_COLUMNS} FROM unit_version v
        WHERE ${DESCENDANTS_OF('$1')} AND v.validity @> $2::date${filter}
        ORDER BY v.path LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, request.limit);
    const last = page[page.length - 1];
    return {
      asOf,
      root: toSubtreeNode(root, rootDepth),
      items: page.map((row) => toSubtreeNode(row, rootDepth)),
      nextCursor: rows.length > request.limit && last ? encodeCursor({ path: last.path }) : null,
    };
  }

  async ancestors({ id, asOf = todayIso() }: AncestorsRequest, scope = Scope.everywhere()): Promise<{ asOf: string; items: SubtreeNode[] }> {
    const unit = await this.stateAt(id, asOf);
    await scope.requireAt(this.reader, id, asOf, asOf);
    const params: unknown[] = [unit.path, asOf, id];
    // Only ancestors inside the caller's scope on the date: a commune clerk sees the commune, not what lies above it.
    const inScope = scope.sqlAt('v.path', '$2::date', params);
    const rows: UnitVersionRow[] = await this.reader.query(
      `SELECT ${UNIT_VERSION_COLUMNS} FROM unit_version v
        WHERE v.path @> $1::ltree AND v.validity @> $2::date AND v.unit_id <> $3 AND ${inScope}
        ORDER BY nlevel(v.path)`,
      params,
    );
    return { asOf, items: rows.map((row) => toSubtreeNode(row, 1)) };
  }

  /** ORG-3: predecessors and successors through restructurings, transitively, each with its decision. */
  async lineage({ id }: LineageRequest, scope = Scope.everywhere()): Promise<LineageView> {
    const [unit] = await this.reader.query<Array<{ unit_id: string; code: string; name: string }>>(
      `SELECT DISTINCT ON (unit_id) unit_id, code, name FROM unit_version WHERE unit_id = $1 ORDER BY unit_id, valid_from DESC`,
      [id],
    );
    if (!unit) throw OrgErrors.unitNotFound(id);
    // Lineage is history: the unit must have lain in scope at some time, and so must every unit shown beside it.
    await scope.requireEver(this.reader, id);
    const walk = (direction: 'back' | 'forward') => {
      const [from, to] = direction === 'back' ? ['successor_id', 'predecessor_id'] : ['predecessor_id', 'successor_id'];
      return this.reader.query<Array<Record<string, string | number | null>>>(
        `WITH RECURSIVE chain (unit_id, via, restructuring_id, operation, effective_date, distance, trail) AS (
           SELECT l.${to}, l.${from}, l.restructuring_id, l.operation, l.effective_date, 1, ARRAY[l.${from}, l.${to}]
             FROM unit_lineage l WHERE l.${from} = $1
           UNION ALL
           SELECT l.${to}, l.${from}, l.restructuring_id, l.operation, l.effective_date, c.distance + 1, c.trail || l.${to}
             FROM unit_lineage l JOIN chain c ON l.${from} = c.unit_id
            WHERE NOT l.${to} = ANY(c.trail) AND c.distance < 50
         )
         SELECT c.unit_id, c.via, c.restructuring_id, c.operation, c.effective_date::text AS effective_date, c.distance,
                r.decision_ref, n.code, n.name
           FROM chain c
           JOIN restructuring r ON r.id = c.restructuring_id
           JOIN LATERAL (SELECT code, name FROM unit_version WHERE unit_id = c.unit_id ORDER BY valid_from DESC LIMIT 1) n ON true
          ORDER BY c.distance, c.effective_date, n.code`,
        [id],
      );
    };
    const toEdge = (row: Record<string, string | number | null>): LineageEdge => ({
      unitId: row.unit_id as string,
      code: row.code as string,
      name: row.name as string,
      via: row.via as string,
      operation: row.operation as LineageEdge['operation'],
      effectiveDate: row.effective_date as string,
      decisionRef: (row.decision_ref as string | null) ?? null,
      restructuringId: row.restructuring_id as string,
      distance: Number(row.distance),
    });
    const [back, forward] = await Promise.all([walk('back'), walk('forward')]);
    const visible = async (edges: LineageEdge[]) => {
      const kept: LineageEdge[] = [];
      for (const edge of edges) if (await scope.containsEver(this.reader, edge.unitId)) kept.push(edge);
      return kept;
    };
    return {
      unit: { id: unit.unit_id, code: unit.code, name: unit.name },
      predecessors: await visible(back.map(toEdge)),
      successors: await visible(forward.map(toEdge)),
    };
  }

  /** A condition on `v`: this version of the unit lay under one of the scope's roots while both were in force. */
  private versionInScope(scope: Scope, params: unknown[]): string {
    params.push(scope.roots);
    return `EXISTS (SELECT 1 FROM unit_version r
                     WHERE r.unit_id = ANY($${params.length}::uuid[]) AND r.validity && v.validity AND v.path <@ r.path)`;
  }

  /** The unit's state on `asOf`; 404 when it did not exist then. */
  async stateAt(id: string, asOf: string): Promise<UnitVersionRow> {
    const rows: UnitVersionRow[] = await this.reader.query(STATE_AT, [id, asOf]);
    if (!rows[0]) throw OrgErrors.unitNotFound(id, asOf);
    return rows[0];
  }

  private async views(rows: UnitVersionRow[], scope: Scope): Promise<UnitView[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.unit_id);
    const existence: Array<{ id: string; exists_from: string; exists_until: string | null }> = await this.reader.query(
      'SELECT id, exists_from::text AS exists_from, exists_until::text AS exists_until FROM unit WHERE id = ANY($1::uuid[])',
      [ids],
    );
    const params: unknown[] = [ids];
    const inScope = scope.isEverywhere ? 'true' : this.versionInScope(scope, params);
    const history: UnitVersionRow[] = await this.reader.query(
      `SELECT ${UNIT_VERSION_COLUMNS} FROM unit_version v WHERE v.unit_id = ANY($1::uuid[]) AND ${inScope} ORDER BY v.valid_from`,
      params,
    );
    return rows.map((row) =>
      toUnitView(
        row,
        existence.find((e) => e.id === row.unit_id) as { exists_from: string; exists_until: string | null },
        history.filter((h) => h.unit_id === row.unit_id),
      ),
    );
  }
}
