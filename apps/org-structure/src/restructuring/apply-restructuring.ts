import {
  OrgEventSubject,
  type ApplyRestructuringRequest,
  type OperationType,
  type RestructuringOperation,
  type RestructuringView,
  type SubtreeMove,
  type UnitPathRef,
  type UnitRef,
  type UnitRestructuredEvent,
} from '@contracts/org-structure';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { OrgErrors } from '../domain/errors';
import { isLevelAllowedUnder } from '../domain/levels';
import { childPath, isWithin, pathToIds } from '../domain/unit-path';
import type { UnitVersionRow } from '../domain/unit-row';
import type { OutboxEvent } from '@platform/persistence';
import { TreeWriter } from './tree-writer';
import { Scope } from '../domain/scope';
import { AuthErrorCode, DomainError } from '@contracts/common';

interface OperationOutcome {
  type: OperationType;
  unitIds: string[];
  event: UnitRestructuredEvent;
}

/** A restructuring as applied: a single created unit may cite no decision. */
export type RestructuringInput = Omit<ApplyRestructuringRequest, 'decisionRef'> & { decisionRef?: string };

const EVENT_SUBJECT: Record<OperationType, UnitRestructuredEvent['type']> = {
  create: OrgEventSubject.unitCreated,
  rename: OrgEventSubject.unitRenamed,
  move: OrgEventSubject.unitMoved,
  merge: OrgEventSubject.unitsMerged,
  split: OrgEventSubject.unitSplit,
  dissolve: OrgEventSubject.unitDissolved,
};

/**
 * Applies one dated set of restructuring operations (ORG-3) inside the caller's transaction. Operations apply
 * in order, each seeing the result of the ones before, so "create a new commune, then merge two communes into
 * it" is one atomic set. Any refusal throws and the caller's transaction rolls everything back.
 */
export class RestructuringApplier {
  private readonly refs = new Map<string, string>();
  private readonly writer: TreeWriter;
  private readonly outcomes: OperationOutcome[] = [];

  constructor(
    private readonly manager: EntityManager,
    private readonly request: RestructuringInput,
    private readonly scope: Scope = Scope.everywhere(),
    readonly restructuringId: string = randomUUID(),
    private readonly now: () => Date = () => new Date(),
  ) {
    this.writer = new TreeWriter(manager, request.effectiveDate, restructuringId);
  }

  async apply(): Promise<{ view: RestructuringView; events: OutboxEvent[]; createdIds: string[] }> {
    await TreeWriter.lock(this.manager);
    await this.manager.query(
      `INSERT INTO restructuring (id, decision_ref, effective_date, title, operations) VALUES ($1, $2, $3, $4, '[]')`,
      [this.restructuringId, this.request.decisionRef ?? null, this.request.effectiveDate, this.request.title ?? null],
    );
    for (const [index, operation] of this.request.operations.entries()) {
      this.outcomes.push(await this.applyOne(operation, `operations.${index}`));
    }
    const summary = this.outcomes.map(({ type, unitIds }) => ({ type, unitIds }));
    const affected = [...new Set(this.outcomes.flatMap((outcome) => outcome.unitIds))];
    await this.manager.query('UPDATE restructuring SET operations = $2::jsonb WHERE id = $1', [
      this.restructuringId,
      JSON.stringify(summary),
    ]);
    await this.manager.query(
      `INSERT INTO restructuring_unit (unit_id, restructuring_id) SELECT unnest($1::uuid[]), $2`,
      [affected, this.restructuringId],
    );
    const [{ recorded_at }] = await this.manager.query('SELECT recorded_at FROM restructuring WHERE id = $1', [
      this.restructuringId,
    ]);
    return {
      view: {
        id: this.restructuringId,
        decisionRef: this.request.decisionRef ?? null,
        effectiveDate: this.request.effectiveDate,
        title: this.request.title ?? null,
        recordedAt: new Date(recorded_at).toISOString(),
        operations: summary,
        affectedUnitIds: affected,
      },
      events: this.outcomes.map(({ event }) => ({ id: event.eventId, subject: event.type, payload: event })),
      createdIds: [...this.refs.values()],
    };
  }

  private async applyOne(operation: RestructuringOperation, at: string): Promise<OperationOutcome> {
    switch (operation.type) {
      case 'create':
        return this.create(operation, at);
      case 'rename':
        return this.rename(operation, at);
      case 'move':
        return this.move(operation, at);
      case 'merge':
        return this.merge(operation, at);
      case 'split':
        return this.split(operation, at);
      case 'dissolve':
        return this.dissolve(operation, at);
    }
  }

  private async create(operation: Extract<RestructuringOperation, { type: 'create' }>, at: string): Promise<OperationOutcome> {
    if (operation.ref && this.refs.has(operation.ref)) {
      throw OrgErrors.invalidOperation(`The reference "${operation.ref}" is used by two new units`, `${at}.ref`);
    }
    if (!operation.parent && !this.scope.isEverywhere) {
      throw new DomainError(AuthErrorCode.Forbidden, 'Creating a unit at the top of the tree needs a system-wide role');
    }
    const parent = operation.parent ? await this.resolve(operation.parent, `${at}.parent`) : null;
    if (parent && !isLevelAllowedUnder(operation.unit.level, parent.level)) {
      throw OrgErrors.levelOrder(operation.unit.level, parent.level);
    }
    await this.assertCodeFree(operation.unit.code);
    const id = randomUUID();
    const path = childPath(parent?.path ?? null, id);
    await this.writer.insertUnit(id, operation.unit, parent?.unit_id ?? null, path);
    this.refs.set(operation.ref ?? `#${id}`, id);
    const created = { unitId: id, code: operation.unit.code, path: pathToIds(path) };
    return this.outcome('create', [id], {
      predecessors: [],
      successors: [created],
      pathsChanged: [],
      name: operation.unit.name,
      kind: operation.unit.kind,
      level: operation.unit.level,
    });
  }

  private async rename(operation: Extract<RestructuringOperation, { type: 'rename' }>, at: string): Promise<OperationOutcome> {
    const unit = await this.resolve(operation.unit, `${at}.unit`);
    await this.writer.revise(unit, { name: operation.name, shortName: operation.shortName ?? unit.short_name });
    return this.outcome('rename', [unit.unit_id], {
      predecessors: [],
      successors: [pathRef(unit)],
      pathsChanged: [],
      name: operation.name,
    });
  }

  private async move(operation: Extract<RestructuringOperation, { type: 'move' }>, at: string): Promise<OperationOutcome> {
    const unit = await this.resolve(operation.unit, `${at}.unit`);
    const parent = await this.resolve(operation.newParent, `${at}.newParent`);
    const moved = await this.moveUnder(unit, parent);
    return this.outcome('move', [unit.unit_id, parent.unit_id], {
      predecessors: [],
      successors: [{ unitId: unit.unit_id, code: unit.code, path: moved.toPath }],
      pathsChanged: [moved],
    });
  }

  private async merge(operation: Extract<RestructuringOperation, { type: 'merge' }>, at: string): Promise<OperationOutcome> {
    const target = await this.resolve(operation.into, `${at}.into`);
    const sources: UnitVersionRow[] = [];
    for (const [index, ref] of operation.sources.entries()) {
      const source = await this.resolve(ref, `${at}.sources.${index}`);
      if (source.unit_id === target.unit_id || isWithin(target.path, source.path)) {
        throw OrgErrors.cycle(source.unit_id, target.unit_id);
      }
      if (sources.some((seen) => seen.unit_id === source.unit_id)) {
        throw OrgErrors.invalidOperation('A unit is named twice among the merge sources', `${at}.sources.${index}`);
      }
      sources.push(source);
    }
    const pathsChanged: SubtreeMove[] = [];
    for (const source of sources) {
      // The children of a merged unit follow the target (ORG-3).
      for (const child of await this.writer.children(source.unit_id)) {
        pathsChanged.push(await this.moveUnder(child, target));
      }
      const closing = await this.writer.openState(source.unit_id);
      if (closing) await this.writer.close(closing);
      await this.writer.recordLineage(source.unit_id, target.unit_id, 'merge');
    }
    return this.outcome('merge', [...sources.map((s) => s.unit_id), target.unit_id], {
      predecessors: sources.map(pathRef),
      successors: [pathRef(target)],
      pathsChanged,
    });
  }

  private async split(operation: Extract<RestructuringOperation, { type: 'split' }>, at: string): Promise<OperationOutcome> {
    const source = await this.resolve(operation.source, `${at}.source`);
    const targets: UnitVersionRow[] = [];
    for (const [index, ref] of operation.into.entries()) {
      const target = await this.resolve(ref, `${at}.into.${index}`);
      if (target.unit_id === source.unit_id || isWithin(target.path, source.path)) {
        throw OrgErrors.cycle(source.unit_id, target.unit_id);
      }
      targets.push(target);
    }
    const children = await this.writer.children(source.unit_id);
    const destination = new Map<string, UnitVersionRow>();
    for (const [index, assignment] of operation.children.entries()) {
      const child = await this.resolve(assignment.child, `${at}.children.${index}.child`);
      const to = await this.resolve(assignment.to, `${at}.children.${index}.to`);
      if (!children.some((c) => c.unit_id === child.unit_id)) {
        throw OrgErrors.invalidOperation(`Unit ${child.code} is not a child of the split unit`, `${at}.children.${index}.child`);
      }
      if (!targets.some((t) => t.unit_id === to.unit_id)) {
        throw OrgErrors.invalidOperation(`Unit ${to.code} is not one of the split's targets`, `${at}.children.${index}.to`);
      }
      destination.set(child.unit_id, to);
    }
    const unassigned = children.filter((child) => !destination.has(child.unit_id)).map((child) => child.unit_id);
    if (unassigned.length > 0) throw OrgErrors.splitChildUnassigned(source.unit_id, unassigned);

    const pathsChanged: SubtreeMove[] = [];
    for (const child of children) {
      const target = await this.writer.openState((destination.get(child.unit_id) as UnitVersionRow).unit_id);
      const current = await this.writer.openState(child.unit_id);
      if (target && current) pathsChanged.push(await this.moveUnder(current, target));
    }
    const closing = await this.writer.openState(source.unit_id);
    if (closing) await this.writer.close(closing);
    for (const target of targets) await this.writer.recordLineage(source.unit_id, target.unit_id, 'split');
    return this.outcome('split', [source.unit_id, ...targets.map((t) => t.unit_id)], {
      predecessors: [pathRef(source)],
      successors: targets.map(pathRef),
      pathsChanged,
    });
  }

  private async dissolve(operation: Extract<RestructuringOperation, { type: 'dissolve' }>, at: string): Promise<OperationOutcome> {
    const unit = await this.resolve(operation.unit, `${at}.unit`);
    const children = await this.writer.children(unit.unit_id);
    if (children.length > 0) throw OrgErrors.dissolveWithChildren(unit.unit_id, children.map((child) => child.unit_id));
    await this.writer.close(unit);
    return this.outcome('dissolve', [unit.unit_id], { predecessors: [pathRef(unit)], successors: [], pathsChanged: [] });
  }

  /** ORG-4: no cycles; ORG-1: never above the parent's level. */
  private async moveUnder(unit: UnitVersionRow, parent: UnitVersionRow): Promise<SubtreeMove> {
    if (isWithin(parent.path, unit.path)) throw OrgErrors.cycle(unit.unit_id, parent.unit_id);
    if (!isLevelAllowedUnder(unit.level, parent.level)) throw OrgErrors.levelOrder(unit.level, parent.level);
    const current = (await this.writer.openState(parent.unit_id)) ?? parent;
    const newPath = await this.writer.moveSubtree(unit, parent.unit_id, current.path);
    return { unitId: unit.unit_id, code: unit.code, fromPath: pathToIds(unit.path), toPath: pathToIds(newPath) };
  }

  /**
   * A unit reference resolved to its state alive at the effective date, reflecting earlier operations. The caller's
   * scope is checked first, on the effective date, so a unit outside it answers exactly as a missing one (and says
   * nothing of its later changes).
   */
  private async resolve(ref: UnitRef, field: string): Promise<UnitVersionRow> {
    const date = this.writer.date;
    const what = 'id' in ref ? `Unit ${ref.id}` : 'code' in ref ? `A unit with code ${ref.code}` : `Unit ${ref.ref}`;
    let found: UnitVersionRow | null;
    if ('ref' in ref) {
      const id = this.refs.get(ref.ref);
      if (!id) throw OrgErrors.invalidOperation(`No unit created earlier in this restructuring has ref "${ref.ref}"`, field);
      // Created by this restructuring under a parent already checked.
      found = await this.writer.openState(id);
    } else {
      const id = 'id' in ref ? ref.id : await this.writer.aliveIdByCode(ref.code);
      if (id && !(await this.scope.containsAt(this.manager, id, date))) throw OrgErrors.referencedOutOfScope(what, date, field, id);
      found = id ? await this.writer.openState(id) : null;
    }
    if (!found) throw OrgErrors.referencedUnitNotFound(what, date, field);
    return found;
  }

  private async assertCodeFree(code: string): Promise<void> {
    const taken = await this.manager.query(
      `SELECT 1 FROM unit_version WHERE code = $1 AND validity && daterange($2::date, NULL) LIMIT 1`,
      [code, this.writer.date],
    );
    if (taken.length > 0) throw OrgErrors.codeConflict(code);
  }

  private outcome(
    type: OperationType,
    unitIds: string[],
    data: Omit<UnitRestructuredEvent['data'], 'operation'>,
  ): OperationOutcome {
    return {
      type,
      unitIds,
      event: {
        eventId: randomUUID(),
        type: EVENT_SUBJECT[type],
        occurredAt: this.now().toISOString(),
        effectiveDate: this.request.effectiveDate,
        decisionRef: this.request.decisionRef ?? null,
        restructuringId: this.restructuringId,
        data: { operation: type, ...data },
      },
    };
  }
}

function pathRef(row: UnitVersionRow): UnitPathRef {
  return { unitId: row.unit_id, code: row.code, path: pathToIds(row.path) };
}
