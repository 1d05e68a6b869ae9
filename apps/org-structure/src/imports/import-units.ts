import { DomainError } from '@contracts/common';
import {
  OrgErrorCode,
  OrgEventSubject,
  type ImportResult,
  type ImportRowError,
  type UnitsImportedEvent,
} from '@contracts/org-structure';
import type { OutboxEvent } from '@platform/persistence';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { isLevelAllowedUnder } from '../domain/levels';
import { childPath, pathToIds } from '../domain/unit-path';
import { UNIT_VERSION_COLUMNS, type UnitVersionRow } from '../domain/unit-row';
import { writeWithEvents, type AfterCommit } from '../infrastructure/transactions';
import { searchText, TreeWriter } from '../restructuring/tree-writer';
import type { NumberedRow } from './parse-import';
import { Scope } from '../domain/scope';

const INSERT_BATCH = 2_000;
const EVENT_BATCH = 500;
const MAX_REPORTED_ERRORS = 200;
const MAX_RETURNED_IDS = 1_000;

interface PlannedUnit {
  id: string;
  line: number;
  code: string;
  name: string;
  shortName: string | null;
  kind: string;
  level: UnitVersionRow['level'];
  block: string;
  parentId: string | null;
  path: string;
  validFrom: string;
}

/**
 * Bulk import of a unit tree, idempotent on unit code: a row whose code already names an alive unit with the
 * same attributes is left alone, so running the same file twice changes nothing. Every bad row is reported
 * with its line, and then nothing is imported (one transaction).
 */
export class ImportUnits {
  constructor(
    private readonly db: DataSource,
    private readonly relay: AfterCommit,
    private readonly now: () => Date = () => new Date(),
  ) {}

  run(rows: NumberedRow[], parseErrors: ImportRowError[] = [], decisionRef?: string, scope = Scope.everywhere()): Promise<ImportResult> {
    if (parseErrors.length > 0) throw importInvalid(parseErrors);
    return writeWithEvents(this.db, this.relay, async (manager) => {
      await TreeWriter.lock(manager);
      const { planned, unchanged, errors } = await this.plan(manager, rows, scope);
      if (errors.length > 0) throw importInvalid(errors);
      await insertUnits(manager, planned);
      return {
        result: { created: planned.length, unchanged, unitIds: planned.slice(0, MAX_RETURNED_IDS).map((u) => u.id) },
        events: this.events(planned, decisionRef ?? null),
      };
    });
  }

  private async plan(manager: EntityManager, rows: NumberedRow[], scope: Scope) {
    const codes = [...new Set(rows.flatMap(({ row }) => [row.code, ...(row.parentCode ? [row.parentCode] : [])]))];
    // Every state of every code the file names, so a row is matched against the unit as it stood on its date:
    // importing the same file again after a restructuring still changes nothing.
    const existingRows: UnitVersionRow[] = await manager.query(
      `SELECT ${UNIT_VERSION_COLUMNS} FROM unit_version v WHERE v.code = ANY($1::text[]) ORDER BY v.valid_from`,
      [codes],
    );
    const statesByCode = new Map<string, UnitVersionRow[]>();
    for (const state of existingRows) statesByCode.set(state.code, [...(statesByCode.get(state.code) ?? []), state]);
    const stateAt = (code: string, date: string) =>
      statesByCode.get(code)?.find((s) => s.valid_from <= date && (s.valid_to === null || s.valid_to > date)) ?? null;
    const existingParentCodes = await parentCodes(manager, existingRows);
    const fromFile = new Map<string, PlannedUnit>();
    const planned: PlannedUnit[] = [];
    const errors: ImportRowError[] = [];
    let unchanged = 0;
    const fail = (line: number, path: string, message: string) => {
      if (errors.length < MAX_REPORTED_ERRORS) errors.push({ line, errors: [{ path, message }] });
    };

    for (const { line, row } of rows) {
      const current = stateAt(row.code, row.validFrom);
      if (current) {
        const same =
          current.name === row.name &&
          current.kind === row.kind &&
          current.level === row.level &&
          current.block === row.block &&
          (current.parent_id ? existingParentCodes.get(current.parent_id) : null) === (row.parentCode ?? null);
        if (same) unchanged += 1;
        else fail(line, 'code', `unit ${row.code} already exists with other attributes; change it by a restructuring`);
        continue;
      }
      let parentId: string | null = null;
      let parentPath: string | null = null;
      if (!row.parentCode && !scope.isEverywhere) {
        fail(line, 'parentCode', 'only a system-wide role may import units at the top of the tree');
        continue;
      }
      if (row.parentCode) {
        const inFile = fromFile.get(row.parentCode);
        const inDb = stateAt(row.parentCode, row.validFrom);
        const parent = inFile
          ? { id: inFile.id, path: inFile.path, level: inFile.level, validFrom: inFile.validFrom }
          : inDb
            ? { id: inDb.unit_id, path: inDb.path, level: inDb.level, validFrom: inDb.valid_from }
            : null;
        // A parent outside the caller's scope is reported like a missing one, so its existence does not leak.
        if (!parent || (!inFile && !(await scope.contains(manager, parent.id)))) {
          fail(line, 'parentCode', `no unit with code ${row.parentCode} exists or comes earlier in the file`);
          continue;
        }
        if (parent.validFrom > row.validFrom) {
          fail(line, 'validFrom', `the parent ${row.parentCode} only exists from ${parent.validFrom}`);
          continue;
        }
        if (!isLevelAllowedUnder(row.level, parent.level)) {
          fail(line, 'level', `a ${row.level}-level unit cannot sit under a ${parent.level}-level unit (ORG-1)`);
          continue;
        }
        parentId = parent.id;
        parentPath = parent.path;
      }
      const id = randomUUID();
      const unit: PlannedUnit = {
        id,
        line,
        code: row.code,
        name: row.name,
        shortName: row.shortName ?? null,
        kind: row.kind,
        level: row.level,
        block: row.block,
        parentId,
        path: childPath(parentPath, id),
        validFrom: row.validFrom,
      };
      fromFile.set(row.code, unit);
      planned.push(unit);
    }
    if (planned.length > 0 && errors.length === 0) {
      // ORG-2: codes are unique among units alive at the same time, including closed ones that overlap.
      const clashes: Array<{ code: string }> = await manager.query(
        `SELECT DISTINCT v.code FROM unit_version v
           JOIN unnest($1::text[], $2::date[]) AS r(code, valid_from) ON r.code = v.code
          WHERE v.validity && daterange(r.valid_from, NULL) LIMIT 50`,
        [planned.map((u) => u.code), planned.map((u) => u.validFrom)],
      );
      for (const { code } of clashes) {
        fail(fromFile.get(code)?.line ?? 0, 'code', `another unit alive at the same time already has the code ${code} (ORG-2)`);
      }
    }
    return { planned, unchanged, errors };
  }

  private events(planned: PlannedUnit[], decisionRef: string | null): OutboxEvent[] {
    const events: OutboxEvent[] = [];
    for (let start = 0; start < planned.length; start += EVENT_BATCH) {
      const batch = planned.slice(start, start + EVENT_BATCH);
      const event: UnitsImportedEvent = {
        eventId: randomUUID(),
        type: OrgEventSubject.unitsImported,
        occurredAt: this.now().toISOString(),
        effectiveDate: batch.map((u) => u.validFrom).sort()[0],
        decisionRef,
        restructuringId: null,
        data: {
          units: batch.map((u) => ({
            unitId: u.id,
            code: u.code,
            path: pathToIds(u.path),
            name: u.name,
            kind: u.kind,
            level: u.level,
            block: u.block,
          })),
        },
      };
      events.push({ id: event.eventId, subject: event.type, payload: event });
    }
    return events;
  }
}

/** unit id → code for the parents of the given states (codes are stable, so any state of the parent will do). */
async function parentCodes(manager: EntityManager, rows: UnitVersionRow[]): Promise<Map<string, string>> {
  const parentIds = [...new Set(rows.map((row) => row.parent_id).filter((id): id is string => id !== null))];
  if (parentIds.length === 0) return new Map();
  const parents: Array<{ unit_id: string; code: string }> = await manager.query(
    'SELECT DISTINCT ON (unit_id) unit_id, code FROM unit_version WHERE unit_id = ANY($1::uuid[]) ORDER BY unit_id, valid_from DESC',
    [parentIds],
  );
  return new Map(parents.map((p) => [p.unit_id, p.code]));
}

async function insertUnits(manager: EntityManager, planned: PlannedUnit[]): Promise<void> {
  for (let start = 0; start < planned.length; start += INSERT_BATCH) {
    const batch = planned.slice(start, start + INSERT_BATCH);
    const column = <K extends keyof PlannedUnit>(key: K) => batch.map((unit) => unit[key]);
    await manager.query(
      'INSERT INTO unit (id, exists_from) SELECT * FROM unnest($1::uuid[], $2::date[])',
      [column('id'), column('validFrom')],
    );
    await manager.query(
      `INSERT INTO unit_version (unit_id, code, name, short_name, search_text, kind, level, block, parent_id, path, valid_from)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                            $9::uuid[], $10::public.ltree[], $11::date[])`,
      [
        column('id'),
        column('code'),
        column('name'),
        column('shortName'),
        batch.map((unit) => searchText(unit.name, unit.shortName, unit.code)),
        column('kind'),
        column('level'),
        column('block'),
        column('parentId'),
        column('path'),
        column('validFrom'),
      ],
    );
  }
}

function importInvalid(errors: ImportRowError[]): DomainError {
  const lines = errors.map((e) => e.line).sort((a, b) => a - b);
  return new DomainError(
    OrgErrorCode.ImportInvalid,
    `${errors.length} row(s) are invalid (first at line ${lines[0]}); nothing was imported`,
    {
      errors: errors.flatMap((row) => row.errors.map((e) => ({ path: `line ${row.line}${e.path ? `: ${e.path}` : ''}`, message: e.message }))),
      details: { rows: errors },
    },
  );
}
