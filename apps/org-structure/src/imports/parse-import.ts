import { toFieldErrors } from '@contracts/common';
import { importRow, type ImportRow, type ImportRowError } from '@contracts/org-structure';
import { parse as parseStream } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import type { Readable } from 'node:stream';

export interface NumberedRow {
  line: number;
  row: ImportRow;
}

export const CSV_COLUMNS = ['code', 'name', 'shortName', 'kind', 'level', 'block', 'parentCode', 'validFrom'] as const;

/** Reads CSV text with a header line; `line` is the row's line in the file (the header is line 1). */
export function readCsv(content: string): { rows: Array<{ line: number; row: unknown }>; errors: ImportRowError[] } {
  let records: Array<{ record: Record<string, string>; info: { lines: number } }>;
  try {
    records = parse(content, CSV_OPTIONS) as unknown as Array<{ record: Record<string, string>; info: { lines: number } }>;
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    return { rows: [], errors: [{ line, errors: [{ path: '', message: (error as Error).message }] }] };
  }
  const rows = records.map(({ record, info }) => ({ line: info.lines, row: withoutEmptyCells(record) }));
  return { rows, errors: [] };
}

/** JSON rows are numbered from 1 in the order given. */
export function readJson(rows: unknown[]): Array<{ line: number; row: unknown }> {
  return rows.map((row, index) => ({ line: index + 1, row }));
}

/** Validates every row against the contract and reports each bad one with its line number. */
export function validateRows(input: Array<{ line: number; row: unknown }>): { rows: NumberedRow[]; errors: ImportRowError[] } {
  const rows: NumberedRow[] = [];
  const errors: ImportRowError[] = [];
  const seen = new Map<string, number>();
  for (const { line, row } of input) {
    const result = importRow.safeParse(row);
    if (!result.success) {
      errors.push({ line, errors: toFieldErrors(result.error) });
      continue;
    }
    const first = seen.get(result.data.code);
    if (first !== undefined) {
      errors.push({ line, errors: [{ path: 'code', message: `code ${result.data.code} already appears on line ${first}` }] });
      continue;
    }
    seen.set(result.data.code, line);
    rows.push({ line, row: result.data });
  }
  return { rows, errors };
}

/** A row as read from a file, before validation; `line` is its line (CSV) or position (JSON) in the file. */
export interface RawRow {
  line: number;
  row: unknown;
}

/** A file that cannot be read as rows any further (broken CSV quoting, malformed JSON); reported with its line. */
export class ImportSourceError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

const CSV_OPTIONS = {
  columns: (header: string[]) => header.map((name) => name.trim()),
  skip_empty_lines: true,
  trim: true,
  info: true,
  bom: true,
} as const;

/** Empty cells mean "not given", so optional columns may be left blank. */
function withoutEmptyCells(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== ''));
}

/**
 * Streams the rows of a CSV file with a header line, numbered by their line in the file (the header is line 1).
 * Memory stays bounded by one chunk of the file whatever its size. A syntax error ends the stream with an
 * ImportSourceError naming the line where it breaks.
 */
export async function* readCsvStream(input: Readable): AsyncGenerator<RawRow> {
  const parser = input.pipe(parseStream(CSV_OPTIONS));
  // A read error of the file (not found, unreadable) reaches the parser's iterator.
  input.once('error', (error) => parser.destroy(error));
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      yield { line: info.lines, row: withoutEmptyCells(record) };
    }
  } catch (error) {
    const lines = (error as { lines?: number; code?: string }).lines;
    if (lines === undefined || !(error as { code?: string }).code?.startsWith('CSV_')) throw error;
    throw new ImportSourceError(lines, (error as Error).message);
  } finally {
    input.destroy();
  }
}

/** Largest single element of a streamed JSON array: a row is a few hundred characters. */
const MAX_JSON_ELEMENT_CHARS = 1_000_000;

/**
 * Streams the elements of a JSON array file (`[ {row}, {row}, … ]`), numbered from 1 in the order given, without
 * holding the file in memory: each element is cut out of the text and parsed on its own.
 */
export async function* readJsonArrayStream(input: Readable): AsyncGenerator<RawRow> {
  input.setEncoding('utf8');
  const scanner = new JsonArrayScanner();
  try {
    for await (const chunk of input as AsyncIterable<string>) {
      const rows: RawRow[] = [];
      let failure: unknown = null;
      try {
        scanner.feed(chunk, rows);
      } catch (error) {
        failure = error;
      }
      // The rows before a syntax error are still validated, so their own errors are reported too.
      yield* rows;
      if (failure) throw failure;
    }
    scanner.end();
  } finally {
    input.destroy();
  }
}

/** Cuts the top-level elements out of a JSON array text fed chunk by chunk. */
class JsonArrayScanner {
  private state: 'before' | 'between' | 'element' | 'after' = 'before';
  private element = '';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private count = 0;

  feed(chunk: string, rows: RawRow[]): void {
    let start = 0;
    for (let i = 0; i < chunk.length; i += 1) {
      const char = chunk[i];
      if (this.state === 'element') {
        if (this.inString) {
          if (this.escaped) this.escaped = false;
          else if (char === '\\') this.escaped = true;
          else if (char === '"') this.inString = false;
        } else if (char === '"') {
          this.inString = true;
        } else if (char === '{' || char === '[') {
          this.depth += 1;
        } else if ((char === '}' || char === ']') && this.depth > 0) {
          this.depth -= 1;
        } else if ((char === ']' || char === ',') && this.depth === 0) {
          this.element += chunk.slice(start, i);
          rows.push(this.parseElement());
          this.state = char === ']' ? 'after' : 'between';
        }
        continue;
      }
      if (char === ' ' || char === '\n' || char === '\r' || char === '\t' || char === '\uFEFF') continue;
      if (this.state === 'before' && char === '[') {
        this.state = 'between';
      } else if (this.state === 'between' && char === ']' && this.count === 0) {
        this.state = 'after';
      } else if (this.state === 'between') {
        this.state = 'element';
        this.element = '';
        this.depth = 0;
        start = i;
        i -= 1;
      } else {
        throw new ImportSourceError(this.count + 1, `expected a JSON array of rows, found "${char}" after element ${this.count}`);
      }
    }
    if (this.state === 'element') {
      this.element += chunk.slice(start);
      if (this.element.length > MAX_JSON_ELEMENT_CHARS) {
        throw new ImportSourceError(this.count + 1, `element ${this.count + 1} is longer than ${MAX_JSON_ELEMENT_CHARS} characters`);
      }
    }
  }

  end(): void {
    if (this.state !== 'after') throw new ImportSourceError(this.count + 1, 'the file ends before its JSON array is closed');
  }

  private parseElement(): RawRow {
    this.count += 1;
    try {
      return { line: this.count, row: JSON.parse(this.element) as unknown };
    } catch (error) {
      throw new ImportSourceError(this.count, `element ${this.count} is not valid JSON: ${(error as Error).message}`);
    }
  }
}
