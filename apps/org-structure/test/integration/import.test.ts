import { OrgErrorCode, OrgSubject, type ImportResult, type SubtreePage, type UnitPage } from '@contracts/org-structure';
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
