import { DomainError, toFieldErrors } from '@contracts/common';
import {
  importRow,
  OrgErrorCode,
  OrgEventSubject,
  type ImportResult,
  type ImportRowError,
  type UnitsImportedEvent,
} from '@contracts/org-structure';
import { appendToOutbox, type OutboxEvent } from '@platform/persistence';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { isLevelAllowedUnder } from '../domain/levels';
import { childPath, pathToIds } from '../domain/unit-path';
import { UNIT_VERSION_COLUMNS, type UnitVersionRow } from '../domain/unit-row';
import type { UnitOfWork } from '@platform/service-kit';
import { searchText, TreeWriter } from '../restructuring/tree-writer';
import { ImportSourceError, type NumberedRow, type RawRow } from './parse-import';
import { Scope } from '../domain/scope';

/** Rows validated, planned and inserted together; memory holds one batch whatever the size of the file. */
const BATCH = 5_000;
const EVENT_BATCH = 500;
/**
 * Events kept to the end of the transaction (20,000 units: the largest import the API accepts), so the audit record
 * of an ordinary import lists them all; a larger import writes the earlier ones to the outbox as it goes.
 */
const EVENTS_HELD = 40;
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

export interface ImportOptions {
  decisionRef?: string;
  scope?: Scope;
}

/**
 * Bulk import of a unit tree, idempotent on unit code: a row whose code already names a unit with the same
 * attributes on the row's date is left alone, so running the same file twice changes nothing. Every bad row is
 * reported with its line, and then nothing is imported (one transaction).
 *
 * Rows stream through in batches: each batch is validated, planned against the database (existing units and the
 * rows of earlier batches, already inserted in this transaction) and inserted, so memory does not grow with the
 * file. Codes seen earlier in the file are remembered in a temporary table of the transaction.
 */
export class ImportUnits {
  constructor(
    private readonly db: DataSource,
    private readonly work: UnitOfWork,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Rows already read and validated (the API: at most 20,000); `parseErrors` refuse the import outright. */
  run(rows: NumberedRow[], parseErrors: ImportRowError[] = [], decisionRef?: string, scope = Scope.everywhere()): Promise<ImportResult> {
    if (parseErrors.length > 0) throw importInvalid(parseErrors, parseErrors.length);
    return this.import(rows, { decisionRef, scope }, new MemoryCodes());
  }

  /**
   * Rows as read from a file, validated here: any iterable, typically a file streamed by `readCsvStream` or
   * `readJsonArrayStream`. A source that fails with an ImportSourceError is reported as a bad line.
   */
  runStream(rows: AsyncIterable<RawRow> | Iterable<RawRow>, options: ImportOptions = {}): Promise<ImportResult> {
    return this.import(rows, options, new TableCodes());
  }

  private import(rows: AsyncIterable<RawRow> | Iterable<RawRow>, options: ImportOptions, seen: SeenCodes): Promise<ImportResult> {
    const importId = randomUUID();
    return this.work.run({ type: 'import', id: importId, unitScope: null }, async (manager) => {
      await TreeWriter.lock(manager);
      await seen.prepare(manager);
      const run = new ImportRun(manager, options.scope ?? Scope.everywhere(), seen, options.decisionRef ?? null, this.now);
      let batch: RawRow[] = [];
      try {
        for await (const row of rows) {
          batch.push(row);
          if (batch.length >= BATCH) {
            await run.batch(batch);
            batch = [];
          }
        }
      } catch (error) {
        if (!(error instanceof ImportSourceError)) throw error;
        run.sourceFailed(error);
      }
      await run.batch(batch);
      return run.finish(importId);
    });
  }
}

/** Where the codes of earlier rows and their lines are kept, to refuse a code given twice in one file. */
interface SeenCodes {
  prepare(manager: EntityManager): Promise<void>;
  /** Records the codes; answers those recorded before (by an earlier batch) with their first line. */
  add(manager: EntityManager, rows: NumberedRow[]): Promise<Map<string, number>>;
}

/** For rows already in memory (the API's import). */
class MemoryCodes implements SeenCodes {
  private readonly lines = new Map<string, number>();

  async prepare(): Promise<void> {}

  async add(_manager: EntityManager, rows: NumberedRow[]): Promise<Map<string, number>> {
    const earlier = new Map<string, number>();
    for (const { line, row } of rows) {
      const first = this.lines.get(row.code);
      if (first === undefined) this.lines.set(row.code, line);
      else earlier.set(row.code, first);
    }
    return earlier;
  }
}

/** For streamed files: a temporary table dropped with the transaction, so memory stays flat. */
class TableCodes implements SeenCodes {
  async prepare(manager: EntityManager): Promise<void> {
    await manager.query('CREATE TEMPORARY TABLE import_seen_code (code text PRIMARY KEY, line integer NOT NULL) ON COMMIT DROP');
  }

  async add(manager: EntityManager, rows: NumberedRow[]): Promise<Map<string, number>> {
    if (rows.length === 0) return new Map();
    // The SELECT does not see the CTE's insert: it answers exactly the codes recorded by earlier batches.
    const earlier: Array<{ code: string; line: number }> = await manager.query(
      `WITH added AS (
         INSERT INTO import_seen_code (code, line) SELECT * FROM unnest($1::text[], $2::int[]) ON CONFLICT (code) DO NOTHING
       )
       SELECT code, line FROM import_seen_code WHERE code = ANY($1::text[])`,
      [rows.map((r) => r.row.code), rows.map((r) => r.line)],
    );
    return new Map(earlier.map((e) => [e.code, e.line]));
  }
}

/**
 * One import in progress. Errors come in two kinds, reported as the API always has: rows that are malformed
 * (shape, duplicate code, unreadable file), and rows that do not fit the tree (missing parent, level order,
 * a code already taken). When any row is malformed, only malformed rows are reported. After the first error
 * nothing will be committed, but rows keep being planned and inserted so that a later row's parent is still
 * found and every bad line is reported, not only the first.
 */
class ImportRun {
  private created = 0;
  private firstPlacedUnder: string | null = null;
  private unchanged = 0;
  private readonly unitIds: string[] = [];
  private heldEvents: OutboxEvent[] = [];
  /** Set once the events outgrow EVENTS_HELD: from then on each batch's events go to the outbox at once. */
  private streamingEvents = false;
  private readonly shapeErrors = new ErrorList();
  private readonly planErrors = new ErrorList();

  constructor(
    private readonly manager: EntityManager,
    private readonly scope: Scope,
    private readonly seen: SeenCodes,
    private readonly decisionRef: string | null,
    private readonly now: () => Date,
  ) {}

  sourceFailed(error: ImportSourceError): void {
    this.shapeErrors.add(error.line, '', error.message);
  }

  async batch(raw: RawRow[]): Promise<void> {
    if (raw.length === 0) return;
    const rows = await this.validate(raw);
    // Once a row is malformed only malformed rows are reported: planning the rest would be wasted.
    if (this.shapeErrors.total > 0 || rows.length === 0) return;
    const planned = await this.plan(rows);
    if (this.planErrors.total > 0) {
      // Nothing will be committed; the rows are inserted only so that later rows find their parents. Should the
      // database refuse one anyway, the transaction cannot go on: report what was found so far.
      await insertUnits(this.manager, planned).catch(() => {
        throw this.invalid(this.planErrors);
      });
      return;
    }
    await insertUnits(this.manager, planned);
    if (this.firstPlacedUnder === null && planned[0]) this.firstPlacedUnder = planned[0].parentId ?? planned[0].id;
    this.created += planned.length;
    for (const unit of planned) if (this.unitIds.length < MAX_RETURNED_IDS) this.unitIds.push(unit.id);
    this.heldEvents.push(...this.events(planned));
    if (this.streamingEvents || this.heldEvents.length > EVENTS_HELD) {
      this.streamingEvents = true;
      await appendToOutbox(this.manager, this.heldEvents);
      this.heldEvents = [];
    }
  }

  finish(importId: string): { result: ImportResult; events: OutboxEvent[]; object: { unitScope: string | null }; details: Record<string, unknown> } {
    const errors = this.shapeErrors.total > 0 ? this.shapeErrors : this.planErrors;
    if (errors.total > 0) throw this.invalid(errors);
    return {
      result: { importId, created: this.created, unchanged: this.unchanged, unitIds: this.unitIds },
      events: this.heldEvents,
      // Filed under the unit the first new unit was placed under (or that unit, at the top of the tree).
      object: { unitScope: this.firstPlacedUnder },
      details: { created: this.created, unchanged: this.unchanged, decisionRef: this.decisionRef },
    };
  }

  private invalid(errors: ErrorList): DomainError {
    return importInvalid([...errors.rows].sort((a, b) => a.line - b.line), errors.total);
  }

  /** The contract's row schema, and each code once in the file. */
  private async validate(raw: RawRow[]): Promise<NumberedRow[]> {
    const rows: NumberedRow[] = [];
    const inBatch = new Map<string, number>();
    for (const { line, row } of raw) {
      const result = importRow.safeParse(row);
      if (!result.success) {
        this.shapeErrors.addRow({ line, errors: toFieldErrors(result.error) });
        continue;
      }
      const first = inBatch.get(result.data.code);
      if (first !== undefined) {
        this.shapeErrors.add(line, 'code', `code ${result.data.code} already appears on line ${first}`);
        continue;
      }
      inBatch.set(result.data.code, line);
      rows.push({ line, row: result.data });
    }
    const earlier = await this.seen.add(this.manager, rows);
    if (earlier.size === 0) return rows;
    return rows.filter(({ line, row }) => {
      const first = earlier.get(row.code);
      if (first === undefined) return true;
      this.shapeErrors.add(line, 'code', `code ${row.code} already appears on line ${first}`);
      return false;
    });
  }

  /** Matches each row against the units alive at its date: unchanged, refused, or a unit to create. */
  private async plan(rows: NumberedRow[]): Promise<PlannedUnit[]> {
    const codes = [...new Set(rows.flatMap(({ row }) => [row.code, ...(row.parentCode ? [row.parentCode] : [])]))];
    // Every state of every code the batch names, so a row is matched against the unit as it stood on its date
    // (importing the same file again after a restructuring still changes nothing), and parents are found among
    // existing units and the rows of earlier batches alike.
    const states: UnitVersionRow[] = await this.manager.query(
      `SELECT ${UNIT_VERSION_COLUMNS} FROM unit_version v WHERE v.code = ANY($1::text[]) ORDER BY v.valid_from`,
      [codes],
    );
    const statesByCode = new Map<string, UnitVersionRow[]>();
    for (const state of states) {
      const list = statesByCode.get(state.code);
      if (list) list.push(state);
      else statesByCode.set(state.code, [state]);
    }
    const stateAt = (code: string, date: string) =>
      statesByCode.get(code)?.find((s) => s.valid_from <= date && (s.valid_to === null || s.valid_to > date)) ?? null;
    const rowCodes = new Set(rows.map(({ row }) => row.code));
    const existingParentCodes = await parentCodes(this.manager, states.filter((s) => rowCodes.has(s.code)));
    const inScope = new Map<string, boolean>();
    const fromBatch = new Map<string, PlannedUnit>();
    const planned: PlannedUnit[] = [];

    for (const { line, row } of rows) {
      // The caller's scope first, on the row's date: a row naming a unit or a parent outside it gets the answer a
      // row naming nothing that exists would get, whatever else it guessed right.
      if (!row.parentCode && !this.scope.isEverywhere) {
        this.planErrors.add(line, 'parentCode', 'only a system-wide role may import units at the top of the tree');
        continue;
      }
      let parent: { id: string; path: string; level: UnitVersionRow['level']; validFrom: string } | null = null;
      if (row.parentCode) {
        const inBatch = fromBatch.get(row.parentCode);
        const inDb = inBatch ? null : stateAt(row.parentCode, row.validFrom);
        parent = inBatch
          ? { id: inBatch.id, path: inBatch.path, level: inBatch.level, validFrom: inBatch.validFrom }
          : inDb
            ? { id: inDb.unit_id, path: inDb.path, level: inDb.level, validFrom: inDb.valid_from }
            : null;
        if (!parent || (!inBatch && !(await this.containsAt(inScope, parent.id, row.validFrom)))) {
          this.planErrors.add(line, 'parentCode', `no unit with code ${row.parentCode} exists or comes earlier in the file`);
          continue;
        }
      }
      const current = stateAt(row.code, row.validFrom);
      if (current && (await this.containsAt(inScope, current.unit_id, row.validFrom))) {
        const same =
          current.name === row.name &&
          current.kind === row.kind &&
          current.level === row.level &&
          current.block === row.block &&
          (current.parent_id ? existingParentCodes.get(current.parent_id) : null) === (row.parentCode ?? null);
        if (!same) this.planErrors.add(line, 'code', `unit ${row.code} already exists with other attributes; change it by a restructuring`);
        else this.unchanged += 1;
        continue;
      }
      // ORG-2: codes are unique among units alive at the same time, including closed ones that overlap.
      if (statesByCode.get(row.code)?.some((s) => s.valid_to === null || s.valid_to > row.validFrom)) {
        this.planErrors.add(line, 'code', `another unit alive at the same time already has the code ${row.code} (ORG-2)`);
        continue;
      }
      let parentId: string | null = null;
      let parentPath: string | null = null;
      if (parent) {
        if (parent.validFrom > row.validFrom) {
          this.planErrors.add(line, 'validFrom', `the parent ${row.parentCode} only exists from ${parent.validFrom}`);
          continue;
        }
        if (!isLevelAllowedUnder(row.level, parent.level)) {
          this.planErrors.add(line, 'level', `a ${row.level}-level unit cannot sit under a ${parent.level}-level unit (ORG-1)`);
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
      fromBatch.set(row.code, unit);
      planned.push(unit);
    }
    return planned;
  }

  private async containsAt(cache: Map<string, boolean>, unitId: string, date: string): Promise<boolean> {
    if (this.scope.isEverywhere) return true;
    const key = `${unitId} ${date}`;
    let answer = cache.get(key);
    if (answer === undefined) {
      answer = await this.scope.containsAt(this.manager, unitId, date);
      cache.set(key, answer);
    }
    return answer;
  }

  private events(planned: PlannedUnit[]): OutboxEvent[] {
    const events: OutboxEvent[] = [];
    for (let start = 0; start < planned.length; start += EVENT_BATCH) {
      const batch = planned.slice(start, start + EVENT_BATCH);
      const event: UnitsImportedEvent = {
        eventId: randomUUID(),
        type: OrgEventSubject.unitsImported,
        occurredAt: this.now().toISOString(),
        effectiveDate: batch.map((u) => u.validFrom).sort()[0],
        decisionRef: this.decisionRef,
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
            validFrom: u.validFrom,
          })),
        },
      };
      events.push({ id: event.eventId, subject: event.type, payload: event });
    }
    return events;
  }
}

/** Bad rows in line order: every one is counted, the first MAX_REPORTED_ERRORS are listed. */
class ErrorList {
  readonly rows: ImportRowError[] = [];
  total = 0;

  add(line: number, path: string, message: string): void {
    this.addRow({ line, errors: [{ path, message }] });
  }

  addRow(row: ImportRowError): void {
    this.total += 1;
    if (this.rows.length < MAX_REPORTED_ERRORS) this.rows.push(row);
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
  if (planned.length === 0) return;
  const column = <K extends keyof PlannedUnit>(key: K) => planned.map((unit) => unit[key]);
  await manager.query('INSERT INTO unit (id, exists_from) SELECT * FROM unnest($1::uuid[], $2::date[])', [column('id'), column('validFrom')]);
  await manager.query(
    `INSERT INTO unit_version (unit_id, code, name, short_name, search_text, kind, level, block, parent_id, path, valid_from)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                          $9::uuid[], $10::public.ltree[], $11::date[])`,
    [
      column('id'),
      column('code'),
      column('name'),
      column('shortName'),
      planned.map((unit) => searchText(unit.name, unit.shortName, unit.code)),
      column('kind'),
      column('level'),
      column('block'),
      column('parentId'),
      column('path'),
      column('validFrom'),
    ],
  );
}

function importInvalid(errors: ImportRowError[], total: number): DomainError {
  const lines = errors.map((e) => e.line).sort((a, b) => a - b);
  return new DomainError(
    OrgErrorCode.ImportInvalid,
    `${total} row(s) are invalid (first at line ${lines[0]}); nothing was imported`,
    {
      errors: errors.flatMap((row) => row.errors.map((e) => ({ path: `line ${row.line}${e.path ? `: ${e.path}` : ''}`, message: e.message }))),
      details: { rows: errors },
    },
  );
}
