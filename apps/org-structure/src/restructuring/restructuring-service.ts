import { isAcceptedDate, todayIso } from '@contracts/common';
import type {
  ApplyRestructuringRequest,
  CreateUnitRequest,
  ListRestructuringsRequest,
  RestructuringView,
  UnitView,
} from '@contracts/org-structure';
import type { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor } from '../domain/cursor';
import { writeWithEvents, type AfterCommit } from '../infrastructure/transactions';
import type { UnitQueries } from '../units/unit-queries';
import { RestructuringApplier } from './apply-restructuring';
import { Scope } from '../domain/scope';

export class RestructuringService {
  constructor(
    private readonly db: DataSource,
    private readonly relay: AfterCommit,
    private readonly units: UnitQueries,
  ) {}

  apply(request: ApplyRestructuringRequest, scope = Scope.everywhere()): Promise<RestructuringView> {
    return writeWithEvents(this.db, this.relay, async (manager) => {
      const { view, events } = await new RestructuringApplier(manager, request, scope).apply();
      return { result: view, events };
    });
  }

  /** A single unit is created as a one-operation restructuring, so it has lineage and an event like any other. */
  async createUnit(request: CreateUnitRequest, scope = Scope.everywhere()): Promise<UnitView> {
    const { validFrom, parentId, decisionRef, ...unit } = request;
    const id = await writeWithEvents(this.db, this.relay, async (manager) => {
      const { events, createdIds } = await new RestructuringApplier(manager, {
        decisionRef,
        effectiveDate: validFrom,
        operations: [{ type: 'create', unit, parent: parentId ? { id: parentId } : null }],
      }, scope).apply();
      return { result: createdIds[0], events };
    });
    return this.units.get({ id, asOf: validFrom > todayIso() ? validFrom : undefined });
  }

  async list(request: ListRestructuringsRequest, scope = Scope.everywhere()): Promise<{ items: RestructuringView[]; nextCursor: string | null }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (!scope.isEverywhere) {
      where.push(`EXISTS (SELECT 1 FROM restructuring_unit su WHERE su.restructuring_id = r.id AND ${scope.sql('su.unit_id', params)})`);
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
    return {
      items: page.map((row) => ({
        id: row.id as string,
        decisionRef: (row.decision_ref as string | null) ?? null,
        effectiveDate: row.effective_date as string,
        title: (row.title as string | null) ?? null,
        recordedAt: new Date(row.recorded_at as string).toISOString(),
        operations: row.operations as RestructuringView['operations'],
        affectedUnitIds: row.unit_ids as string[],
      })),
      nextCursor:
        rows.length > request.limit && last
          ? encodeCursor({ date: last.effective_date as string, seq: last.seq as string })
          : null,
    };
  }
}
