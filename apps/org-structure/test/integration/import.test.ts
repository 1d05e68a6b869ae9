import { DomainError } from '@contracts/common';
import { OrgErrorCode, OrgSubject, type ImportResult, type SubtreePage, type UnitPage } from '@contracts/org-structure';
import { Readable } from 'node:stream';
import { ImportUnits } from '../../src/imports/import-units';
import { readCsvStream, readJsonArrayStream } from '../../src/imports/parse-import';
import { twoProvinces } from '../support/fixtures';
import { serviceError, startOrgHarness, type OrgHarness } from '../support/org-harness';

let h: OrgHarness;

async function unitCount(): Promise<number> {
  const [{ n }] = await h.db.query('SELECT count(*)::int AS n FROM unit');
  return n;
}

beforeAll(async () => {
  h = await startOrgHarness();
});

afterAll(async () => {
  await h?.stop();
});

const CSV = [
  'code,name,shortName,kind,level,block,parentCode,validFrom',
  'TU-HG,Tỉnh ủy Hà Giang,TU Hà Giang,party_committee,province,party,,2020-10-15',
  'BTC-HG,"Ban Tổ chức Tỉnh ủy Hà Giang, khóa XVII",,committee_organ,province,party,TU-HG,2020-10-15',
  'DU-DV,Đảng ủy xã Đồng Văn,,party_committee,commune,party,TU-HG,2020-10-15',
].join('\n');

describe('bulk import', () => {
  it('imports a CSV tree with quoted fields and blank optional cells', async () => {
    const result = await h.call<ImportResult>(OrgSubject.importUnits, { format: 'csv', content: CSV });
    expect(result).toMatchObject({ created: 3, unchanged: 0 });
    const [province] = (await h.call<UnitPage>(OrgSubject.unitList, { code: 'TU-HG' })).items;
    expect(province.shortName).toBe('TU Hà Giang');
    const subtree = await h.call<SubtreePage>(OrgSubject.unitSubtree, { id: province.id });
    expect(subtree.items.map((n) => n.name).sort()).toEqual(['Ban Tổ chức Tỉnh ủy Hà Giang, khóa XVII', 'Đảng ủy xã Đồng Văn']);
  });

  it('is idempotent on unit code: the same file twice changes nothing', async () => {
    const before = await unitCount();
    const again = await h.call<ImportResult>(OrgSubject.importUnits, { format: 'csv', content: CSV });
    expect(again).toMatchObject({ created: 0, unchanged: 3 });
    expect(await unitCount()).toBe(before);
  });

  it('imports JSON rows whose parents are existing units or earlier rows', async () => {
    const rows = twoProvinces();
    const result = await h.call<ImportResult>(OrgSubject.importUnits, { format: 'json', rows });
    expect(result.created).toBe(rows.length);
    const second = await h.call<ImportResult>(OrgSubject.importUnits, { format: 'json', rows });
    expect(second).toMatchObject({ created: 0, unchanged: rows.length });
  });

  it('reports every bad row with its line number and imports nothing', async () => {
    const before = await unitCount();
    const content = [
      'code,name,shortName,kind,level,block,parentCode,validFrom',
      'OK-1,Đảng ủy xã Hợp Lệ,,party_committee,commune,party,TU-HG,2021-01-01',
      'BAD-KIND,Sai loại,,committee,commune,party,TU-HG,2021-01-01',
      'BAD-PARENT,Cha không có,,party_committee,commune,party,NO-SUCH,2021-01-01',
      'BAD-DATE,Ngày sai,,party_committee,commune,party,TU-HG,2021-02-30',
    ].join('\n');
    const error = await serviceError(h.call(OrgSubject.importUnits, { format: 'csv', content }));
    expect(error.code).toBe(OrgErrorCode.ImportInvalid);
    const rows = (error.details as { rows: Array<{ line: number; errors: Array<{ path: string }> }> }).rows;
    expect(rows.map((r) => r.line).sort()).toEqual([3, 5]);
    expect(rows.find((r) => r.line === 3)?.errors[0].path).toBe('kind');
    expect(await unitCount()).toBe(before);

    // Once the shape is right, the missing parent is reported on its line, and still nothing is written.
    const parentOnly = content.split('\n').filter((_, i) => i !== 2 && i !== 4).join('\n');
    const parentError = await serviceError(h.call(OrgSubject.importUnits, { format: 'csv', content: parentOnly }));
    expect((parentError.details as { rows: Array<{ line: number }> }).rows.map((r) => r.line)).toEqual([3]);
    expect(await unitCount()).toBe(before);
  });

  it('refuses a row whose code exists with other attributes instead of silently changing the unit', async () => {
    const changed = CSV.replace('Tỉnh ủy Hà Giang,TU', 'Tỉnh ủy Hà Giang (sửa),TU');
    const error = await serviceError(h.call(OrgSubject.importUnits, { format: 'csv', content: changed }));
    expect(error.code).toBe(OrgErrorCode.ImportInvalid);
    expect((error.details as { rows: Array<{ line: number }> }).rows[0].line).toBe(2);
  });

  it('reports a CSV that cannot be parsed with the line where it breaks', async () => {
    const error = await serviceError(h.call(OrgSubject.importUnits, { format: 'csv', content: 'code,name\n"unclosed,x\n' }));
    expect(error.code).toBe(OrgErrorCode.ImportInvalid);
  });

  it('refuses a duplicate code within one file, naming both lines', async () => {
    const content = `${CSV}\nDU-DV,Đảng ủy xã Đồng Văn,,party_committee,commune,party,TU-HG,2020-10-15`;
    const error = await serviceError(h.call(OrgSubject.importUnits, { format: 'csv', content }));
    const rows = (error.details as { rows: Array<{ line: number; errors: Array<{ message: string }> }> }).rows;
    expect(rows[0].line).toBe(5);
    expect(rows[0].errors[0].message).toContain('line 4');
  });
});

/**
 * A generated province: 1 + 10 districts + 200 communes + 30 cells each = 6,211 rows, parents first. More than
 * one streaming batch, so cells in the second batch find their communes among the rows already inserted.
 */
function provinceCsv(prefix: string): { lines: string[]; rows: number } {
  const lines = ['code,name,shortName,kind,level,block,parentCode,validFrom', `${prefix},"Tỉnh ủy ${prefix}, khóa XX",TU ${prefix},party_committee,province,party,,2020-10-15`];
  for (let d = 1; d <= 10; d += 1) {
    const district = `${prefix}-H${d}`;
    lines.push(`${district},Huyện ủy Số ${d},,party_committee,district,party,${prefix},2020-10-15`);
    for (let c = 1; c <= 20; c += 1) {
      const commune = `${district}-X${c}`;
      lines.push(`${commune},Đảng ủy xã Thứ ${c},,party_committee,commune,party,${district},2020-10-15`);
      for (let k = 1; k <= 30; k += 1) lines.push(`${commune}-C${k},Chi bộ thôn Số ${k},,party_cell,grassroots,party,${commune},2020-10-15`);
    }
  }
  return { lines, rows: lines.length - 1 };
}

const streamOf = (text: string, chunk = 4_096) => Readable.from(Array.from({ length: Math.ceil(text.length / chunk) }, (_, i) => text.slice(i * chunk, (i + 1) * chunk)));

async function importError(promise: Promise<unknown>): Promise<{ message: string; rows: Array<{ line: number; errors: Array<{ path: string; message: string }> }> }> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  const payload = (error as DomainError).toPayload();
  expect(payload.code).toBe(OrgErrorCode.ImportInvalid);
  return { message: payload.message, rows: (payload.details as { rows: never[] }).rows };
}

describe('streamed import (the operator command)', () => {
  const importer = () => new ImportUnits(h.db, h.operatorUnitOfWork());
  const counts = async () => {
    const [row] = await h.db.query(
      `SELECT (SELECT count(*)::int FROM unit) AS units, (SELECT count(*)::int FROM outbox) AS events,
              (SELECT count(*)::int FROM audit_log WHERE outcome = 'success') AS audited`,
    );
    return row as { units: number; events: number; audited: number };
  };

  it('imports a generated CSV of thousands of rows in batches inside one transaction, with events and an audit record', async () => {
    const { lines, rows } = provinceCsv('ST');
    const before = await counts();
    const result = await importer().runStream(readCsvStream(streamOf(lines.join('\n'))));
    expect(result).toMatchObject({ created: rows, unchanged: 0 });
    expect(result.unitIds).toHaveLength(1_000);

    const after = await counts();
    expect(after.units - before.units).toBe(rows);
    expect(after.audited - before.audited).toBe(1);
    const [{ units }] = await h.db.query(
      `SELECT sum(jsonb_array_length(payload->'data'->'units'))::int AS units FROM outbox
        WHERE subject = 'org.events.unit.imported' AND payload->'data'->'units'->0->>'code' LIKE 'ST%'`,
    );
    expect(units).toBe(rows);

    // The last cell came in the second batch; its parent was found among the rows inserted by the first.
    const [cell] = await h.db.query(
      `SELECT v.path::text AS path, p.code AS parent FROM unit_version v JOIN unit_version p ON p.unit_id = v.parent_id WHERE v.code = 'ST-H10-X20-C30'`,
    );
    expect(cell.parent).toBe('ST-H10-X20');
    expect(cell.path.split('.')).toHaveLength(4);

    const again = await importer().runStream(readCsvStream(streamOf(lines.join('\n'))));
    expect(again).toMatchObject({ created: 0, unchanged: rows });
    expect((await counts()).units).toBe(after.units);
  });

  it('imports nothing when a row near the end is bad, and names every bad line', async () => {
    const { lines } = provinceCsv('SB');
    const missingParent = lines.length - 3;
    lines[missingParent] = 'SB-LATE,Chi bộ mồ côi,,party_cell,grassroots,party,SB-NO-SUCH,2020-10-15';
    const levelAbove = lines.length - 2;
    lines[levelAbove] = 'SB-UP,Tỉnh ủy dưới xã,,party_committee,province,party,SB-H10-X20,2020-10-15';
    const before = await counts();
    const error = await importError(importer().runStream(readCsvStream(streamOf(lines.join('\n')))));
    // Line numbers count the header as line 1.
    expect(error.rows.map((r) => r.line)).toEqual([missingParent + 1, levelAbove + 1]);
    expect(error.rows[0].errors[0].path).toBe('parentCode');
    expect(error.rows[1].errors[0].path).toBe('level');
    expect(error.message).toContain('2 row(s) are invalid');
    const after = await counts();
    expect(after.units).toBe(before.units);
    expect(after.events).toBe(before.events);
  });

  it('refuses malformed rows anywhere in the file, a code repeated across batches, and a file that breaks off', async () => {
    const { lines } = provinceCsv('SM');
    lines[6_000] = lines[6_000].replace('party_cell', 'cell');
    lines[6_100] = lines[5];
    const before = await counts();
    const error = await importError(importer().runStream(readCsvStream(streamOf(lines.join('\n')))));
    expect(error.rows.map((r) => r.line)).toEqual([6_001, 6_101]);
    expect(error.rows[0].errors[0].path).toBe('kind');
    expect(error.rows[1].errors[0].message).toContain('line 6');

    const broken = await importError(importer().runStream(readCsvStream(streamOf(`${lines.slice(0, 5_500).join('\n')}\n"SM-X,unclosed`))));
    expect(broken.rows.map((r) => r.line)).toEqual([5_501]);
    expect((await counts()).units).toBe(before.units);
  });

  it('streams a JSON array of rows the same way', async () => {
    const rows = twoProvinces().map((row) => ({ ...row, code: `SJ-${row.code}`, parentCode: row.parentCode ? `SJ-${row.parentCode}` : null }));
    const result = await importer().runStream(readJsonArrayStream(streamOf(JSON.stringify(rows, null, 2), 7)));
    expect(result).toMatchObject({ created: rows.length, unchanged: 0 });
    const error = await importError(importer().runStream(readJsonArrayStream(streamOf(`[${JSON.stringify(rows[0])}, {"code": "SJ-BAD"}]`))));
    expect(error.rows.map((r) => r.line)).toEqual([2]);
  });
});
