import { isoDate, toFieldErrors, type IsoDate } from '@contracts/common';
import { canonicalUnitCode, OrgEventSubject, UNIT_KINDS, UNIT_LEVELS } from '@contracts/org-structure';
import { UnprocessableEventError, type EventHandler } from '@platform/event-consumer';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { orgReadModelTables } from './read-model-sql';

const unitRef = z.object({ unitId: z.uuid(), code: z.string().min(1).max(200), path: z.array(z.uuid()).min(1).max(64) });
const envelope = { eventId: z.uuid(), effectiveDate: isoDate, restructuringId: z.uuid().nullable() };

const restructuredEvent = z.object({
  ...envelope,
  type: z.enum([
    OrgEventSubject.unitCreated,
    OrgEventSubject.unitRenamed,
    OrgEventSubject.unitMoved,
    OrgEventSubject.unitsMerged,
    OrgEventSubject.unitSplit,
    OrgEventSubject.unitDissolved,
  ]),
  data: z.object({
    operation: z.enum(['create', 'rename', 'move', 'merge', 'split', 'dissolve']),
    predecessors: z.array(unitRef),
    successors: z.array(unitRef),
    pathsChanged: z.array(
      z.object({ unitId: z.uuid(), fromPath: z.array(z.uuid()).min(1).max(64), toPath: z.array(z.uuid()).min(1).max(64) }),
    ),
    name: z.string().min(1).optional(),
    kind: z.enum(UNIT_KINDS).optional(),
    level: z.enum(UNIT_LEVELS).optional(),
  }),
});

const importedEvent = z.object({
  ...envelope,
  type: z.literal(OrgEventSubject.unitsImported),
  data: z.object({
    units: z.array(
      unitRef.extend({ name: z.string().min(1), kind: z.enum(UNIT_KINDS), level: z.enum(UNIT_LEVELS), validFrom: isoDate.optional() }),
    ),
  }),
});

type RestructuredEvent = z.infer<typeof restructuredEvent>;
type UnitRef = z.infer<typeof unitRef>;

/** The operation each subject carries: an event on one subject naming another operation is refused. */
const OPERATION_OF: Record<RestructuredEvent['type'], RestructuredEvent['data']['operation']> = {
  [OrgEventSubject.unitCreated]: 'create',
  [OrgEventSubject.unitRenamed]: 'rename',
  [OrgEventSubject.unitMoved]: 'move',
  [OrgEventSubject.unitsMerged]: 'merge',
  [OrgEventSubject.unitSplit]: 'split',
  [OrgEventSubject.unitDissolved]: 'dissolve',
};

/** Tree paths as org-structure stores them: an ltree of unit ids without hyphens. */
export function pathToLtree(ids: readonly string[]): string {
  return ids.map((id) => id.replace(/-/g, '')).join('.');
}

export function ltreeToPath(path: string): string[] {
  return path
    .split('.')
    .map((label) => `${label.slice(0, 8)}-${label.slice(8, 12)}-${label.slice(12, 16)}-${label.slice(16, 20)}-${label.slice(20)}`);
}

function parse<T>(schema: z.ZodType<T>, payload: unknown, subject: string): T {
  const result = schema.safeParse(payload);
  if (!result.success) {
    const problems = toFieldErrors(result.error)
      .slice(0, 5)
      .map((problem) => `${problem.path}: ${problem.message}`);
    throw new UnprocessableEventError(`not a well-formed ${subject} event (${problems.join('; ')})`);
  }
  return result.data;
}

/**
 * The consumer's handler for org-structure's unit events (`org.events.unit.>`): applies each to the read model
 * in the consumer's transaction, as org-structure's tree writer applied it to `unit_version`. A change at a date
 * ends the unit's open state there and opens a new one (or edits the open state when it began that same day); a
 * moved subtree gets new states with rewritten paths; merged, split and dissolved units end; merges and splits
 * record lineage. Events of other subjects change nothing. An event that is malformed, or that names a unit the
 * model does not hold alive, is refused (`UnprocessableEventError`): the consumer records it as a dead letter.
 */
export function orgReadModelHandler(schema: string): EventHandler {
  const tables = orgReadModelTables(schema);
  return async (event, manager) => {
    const writer = new ReadModelWriter(manager, tables);
    if (event.subject === OrgEventSubject.unitsImported) {
      const imported = parse(importedEvent, event.payload, event.subject);
      await writer.insertUnits(
        imported.data.units.map((unit) => ({ ...unit, validFrom: unit.validFrom ?? imported.effectiveDate })),
      );
      return;
    }
    if (!(event.subject in OPERATION_OF)) return;
    const restructured = parse(restructuredEvent, event.payload, event.subject);
    if (restructured.type !== event.subject || OPERATION_OF[restructured.type] !== restructured.data.operation) {
      throw new UnprocessableEventError(`the event's type ${restructured.type} and operation ${restructured.data.operation} are not those of ${event.subject}`);
    }
    await applyRestructured(writer, restructured);
  };
}

async function applyRestructured(writer: ReadModelWriter, event: RestructuredEvent): Promise<void> {
  const { data, effectiveDate: date } = event;
  const only = (refs: UnitRef[], what: string): UnitRef => {
    if (refs.length !== 1) throw new UnprocessableEventError(`a ${data.operation} event names ${refs.length} ${what}, not one`);
    return refs[0];
  };
  switch (data.operation) {
    case 'create': {
      const unit = only(data.successors, 'successors');
      if (!data.name) throw new UnprocessableEventError('a create event without the unit\'s name');
      await writer.insertUnits([{ ...unit, name: data.name, kind: data.kind ?? null, level: data.level ?? null, validFrom: date }]);
      return;
    }
    case 'rename': {
      const unit = only(data.successors, 'successors');
      if (!data.name) throw new UnprocessableEventError('a rename event without the new name');
      await writer.rename(unit.unitId, data.name, date);
      return;
    }
    case 'move':
      for (const move of data.pathsChanged) await writer.moveSubtree(move.fromPath, move.toPath, date);
      return;
    case 'merge':
    case 'split': {
      if (!event.restructuringId) throw new UnprocessableEventError(`a ${data.operation} event without its restructuring`);
      if (data.predecessors.length === 0 || data.successors.length === 0) {
        throw new UnprocessableEventError(`a ${data.operation} event needs predecessors and successors`);
      }
      // As org-structure applied it: the children first follow their new parents, then the sources end.
      for (const move of data.pathsChanged) await writer.moveSubtree(move.fromPath, move.toPath, date);
      for (const predecessor of data.predecessors) {
        await writer.end(predecessor.unitId, date);
        for (const successor of data.successors) {
          await writer.recordLineage(predecessor.unitId, successor.unitId, event.restructuringId, data.operation, date);
        }
      }
      return;
    }
    case 'dissolve':
      for (const unit of data.predecessors) await writer.end(unit.unitId, date);
      return;
  }
}

interface NewUnit extends UnitRef {
  name: string;
  kind: string | null;
  level: string | null;
  validFrom: IsoDate;
}

/** The read model's writes, mirroring org-structure's TreeWriter on the model's own tables. */
class ReadModelWriter {
  constructor(
    private readonly manager: EntityManager,
    private readonly t: { version: string; lineage: string },
  ) {}

  async insertUnits(units: NewUnit[]): Promise<void> {
    if (units.length === 0) return;
    for (const unit of units) {
      if (unit.path[unit.path.length - 1] !== unit.unitId) throw new UnprocessableEventError(`the path of unit ${unit.unitId} does not end at it`);
    }
    const column = <K extends keyof NewUnit>(key: K) => units.map((unit) => unit[key]);
    await this.manager.query(
      `INSERT INTO ${this.t.version} (unit_id, code, name, kind, level, path, valid_from)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::public.ltree[], $7::date[])`,
      [
        column('unitId'),
        units.map((unit) => canonicalUnitCode(unit.code)),
        column('name'),
        column('kind'),
        column('level'),
        units.map((unit) => pathToLtree(unit.path)),
        column('validFrom'),
      ],
    );
  }

  async rename(unitId: string, name: string, date: IsoDate): Promise<void> {
    const current = await this.openState(unitId, date);
    if (current.valid_from === date) {
      await this.manager.query(`UPDATE ${this.t.version} SET name = $2 WHERE id = $1`, [current.id, name]);
      return;
    }
    await this.manager.query(`UPDATE ${this.t.version} SET valid_to = $2 WHERE id = $1`, [current.id, date]);
    await this.manager.query(
      `INSERT INTO ${this.t.version} (unit_id, code, name, kind, level, path, valid_from)
       SELECT unit_id, code, $2, kind, level, path, $3 FROM ${this.t.version} WHERE id = $1`,
      [current.id, name, date],
    );
  }

  /** Every open state under `from` (the root included) takes the path under `to` from the date on. */
  async moveSubtree(from: readonly string[], to: readonly string[], date: IsoDate): Promise<void> {
    const params = [pathToLtree(from), date, pathToLtree(to)];
    // subpath() refuses an empty remainder, so the root itself takes the new path as it is.
    const newPath = `CASE WHEN nlevel(path) > nlevel($1::public.ltree) THEN $3::public.ltree || subpath(path, nlevel($1::public.ltree)) ELSE $3::public.ltree END`;
    await this.manager.query(
      `UPDATE ${this.t.version} SET path = ${newPath} WHERE path <@ $1::public.ltree AND valid_to IS NULL AND valid_from = $2::date`,
      params,
    );
    const [closed]: [Array<{ id: string }>, number] = await this.manager.query(
      `UPDATE ${this.t.version} SET valid_to = $2::date
        WHERE path <@ $1::public.ltree AND valid_to IS NULL AND valid_from < $2::date
        RETURNING id`,
      params.slice(0, 2),
    );
    if (closed.length === 0) return;
    await this.manager.query(
      `INSERT INTO ${this.t.version} (unit_id, code, name, kind, level, path, valid_from)
       SELECT unit_id, code, name, kind, level, ${newPath}, $2::date FROM ${this.t.version} WHERE id = ANY($4::bigint[])`,
      [...params, closed.map((row) => row.id)],
    );
  }

  async end(unitId: string, date: IsoDate): Promise<void> {
    const current = await this.openState(unitId, date);
    await this.manager.query(`UPDATE ${this.t.version} SET valid_to = $2 WHERE id = $1`, [current.id, date]);
  }

  async recordLineage(predecessorId: string, successorId: string, restructuringId: string, operation: string, date: IsoDate): Promise<void> {
    await this.manager.query(
      `INSERT INTO ${this.t.lineage} (predecessor_id, successor_id, restructuring_id, operation, effective_date)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [predecessorId, successorId, restructuringId, operation, date],
    );
  }

  /** The unit's open state, which org-structure changes only from a date inside it. */
  private async openState(unitId: string, date: IsoDate): Promise<{ id: string; valid_from: string }> {
    const rows: Array<{ id: string; valid_from: string }> = await this.manager.query(
      `SELECT id, valid_from::text AS valid_from FROM ${this.t.version} WHERE unit_id = $1 AND valid_to IS NULL AND valid_from <= $2::date`,
      [unitId, date],
    );
    if (rows.length === 0) throw new UnprocessableEventError(`unit ${unitId} is not open on ${date} in the read model`);
    return rows[0];
  }
}
