import { toFieldErrors } from '@contracts/common';
import { importRow, type ImportRow, type ImportRowError } from '@contracts/org-structure';
import { parse } from 'csv-parse/sync';

export interface NumberedRow {
  line: number;
  row: ImportRow;
}

export const CSV_COLUMNS = ['code', 'name', 'shortName', 'kind', 'level', 'block', 'parentCode', 'validFrom'] as const;

/** Reads CSV text with a header line; `line` is the row's line in the file (the header is line 1). */
export function readCsv(content: string): { rows: Array<{ line: number; row: unknown }>; errors: ImportRowError[] } {
  let records: Array<{ record: Record<string, string>; info: { lines: number } }>;
  try {
    records = parse(content, {
      columns: (header: string[]) => header.map((name) => name.trim()),
      skip_empty_lines: true,
      trim: true,
      info: true,
      bom: true,
    }) as unknown as Array<{ record: Record<string, string>; info: { lines: number } }>;
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    return { rows: [], errors: [{ line, errors: [{ path: '', message: (error as Error).message }] }] };
  }
  const rows = records.map(({ record, info }) => ({
    line: info.lines,
    // Empty cells mean "not given", so optional columns may be left blank.
    row: Object.fromEntries(Object.entries(record).filter(([, value]) => value !== '')),
  }));
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
