import { addDays, isAcceptedDate, todayIso } from '@contracts/common';
import type {
  ApplyRestructuringRequest,
  CreateUnitRequest,
  ListRestructuringsRequest,
  RestructuringView,
  UnitView,
} from '@contracts/org-structure';
import { poolReader } from '@platform/persistence';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor } from '@platform/query';
import type { UnitOfWork } from '@platform/service-kit';
import type { UnitQueries } from '../units/unit-queries';
import { RestructuringApplier } from './apply-restructuring';
import { Scope } from '../domain/scope';

export class RestructuringService {
  constructor(
    private readonly db: DataSource,
    private readonly work: UnitOfWork,
    private readonly units: UnitQueries,
  ) {}

  apply(request: ApplyRestructuringRequest, scope = Scope.everywhere()): Promise<RestructuringView> {
    const id = randomUUID();
    const target = { type: 'restructuring', id, unitScope: firstUnitNamed(request) };
    return this.work.run(target, async (manager) => {
      const { view, events } = await new RestructuringApplier(manager, request, scope, id).apply();
      return {
        result: view,
        events,
        object: { unitScope: target.unitScope ?? view.affectedUnitIds[0] ?? null },
        details: { decisionRef: request.decisionRef, effectiveDate: request.effectiveDate, units: view.affectedUnitIds.length },
      };
    });
  }

  /** A single unit is created as a one-operation restructuring, so it has lineage and an event like any other. */
  async createUnit(request: CreateUnitRequest, scope = Scope.everywhere()): Promise<UnitView> {
    const { validFrom, parentId, decisionRef, ...unit } = request;
    const target = { type: 'unit', id: null, unitScope: parentId ?? null };
    const id = await this.work.run(target, async (manager) => {
      const { events, createdIds } = await new RestructuringApplier(manager, {
        decisionRef,
        effectiveDate: validFrom,
        operations: [{ type: 'create', unit, parent: parentId ? { id: parentId } : null }],
      }, scope).apply();
      return { result: createdIds[0], events, object: { id: createdIds[0], unitScope: parentId ?? createdIds[0] }, details: { code: unit.code } };
    });
    return this.units.get({ id, asOf: validFrom > todayIso() ? validFrom : undefined });
  }

  async list(request: ListRestructuringsRequest, scope = Scope.everywhere()): Promise<{ items: RestructuringView[]; nextCursor: string | null }> {
    const where: string[] = [];
    const params: unknown[] = [];
    // A unit that never lay in the caller's scope answers as a missing one.
    if (request.unitId) await scope.requireEver(poolReader(this.db), request.unitId);
    if (!scope.isEverywhere) {
      where.push(`EXISTS (SELECT 1 FROM restructuring_unit su WHERE su.restructuring_id = r.id AND ${scope.sqlEver('su.unit_id', params)})`);
    }
    if (request.unitId) {
      params.push(request.unitId);
      where.push(`r.id IN (SELECT restructuring_id FROM restructuring_unit WHERE unit_id = $${params.length})`);
    }
    if (request.from) {
      params.push(request.from);
      where.push(`r.effective_date >= $${params.length}::date`);
    }
    if (request.to) {
      params.push(request.to);
      where.push(`r.effective_date <= $${params.length}::date`);
    }
    if (request.cursor) {
      const after = decodeCursor<{ date: string; seq: string }>(request.cursor, {
        date: isAcceptedDate,
        seq: /^\d{1,18}$/,
      });
      params.push(after.date, after.seq);
      where.push(`(r.effective_date, r.seq) > ($${params.length - 1}::date, $${params.length}::bigint)`);
    }
    params.push(request.limit + 1);
    const rows: Array<Record<string, unknown>> = await this.db.query(
      `SELECT r.id, r.seq::text AS seq, r.decision_ref, r.effective_date::text AS effective_date, r.title, r.operations,
              r.recorded_at,
              ARRAY(SELECT unit_id FROM restructuring_unit ru WHERE ru.restructuring_id = r.id) AS unit_ids
         FROM restructuring r ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY r.effective_date, r.seq LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, request.limit);
    const last = page[page.length - 1];
    const views = page.map(
      (row): RestructuringView => ({
        id: row.id as string,
        decisionRef: (row.decision_ref as string | null) ?? null,
        effectiveDate: row.effective_date as string,
        title: (row.title as string | null) ?? null,
        recordedAt: new Date(row.recorded_at as string).toISOString(),
        operations: row.operations as RestructuringView['operations'],
        affectedUnitIds: row.unit_ids as string[],
      }),
    );
    return {
      items: scope.isEverywhere ? views : await Promise.all(views.map((view) => this.redacted(view, scope))),
      nextCursor:
        rows.length > request.limit && last
          ? encodeCursor({ date: last.effective_date as string, seq: last.seq as string })
          : null,
    };
  }

  /**
   * A restructuring as a scoped caller may see it: only the units that lay in their scope just before or on its
   * effective date (a unit merged away, or moved in), and only the operations touching one of them.
   */
  private async redacted(view: RestructuringView, scope: Scope): Promise<RestructuringView> {
    const visible = await scope.visibleAmong(poolReader(this.db), view.affectedUnitIds, [addDays(view.effectiveDate, -1), view.effectiveDate]);
    return {
      ...view,
      operations: view.operations
        .map((operation) => ({ ...operation, unitIds: operation.unitIds.filter((id) => visible.has(id)) }))
        .filter((operation) => operation.unitIds.length > 0),
      affectedUnitIds: view.affectedUnitIds.filter((id) => visible.has(id)),
    };
  }
}

/** The first unit a restructuring names by id: what its audit record is filed under until it has applied. */
function firstUnitNamed(request: ApplyRestructuringRequest): string | null {
  for (const operation of request.operations) {
    const refs = [
      'unit' in operation ? operation.unit : null,
      'into' in operation && !Array.isArray(operation.into) ? operation.into : null,
      'source' in operation ? operation.source : null,
      'parent' in operation ? operation.parent : null,
    ];
    for (const ref of refs) if (ref && typeof ref === 'object' && 'id' in ref) return ref.id;
  }
  return null;
}
