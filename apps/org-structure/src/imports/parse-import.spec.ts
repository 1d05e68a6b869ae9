import { readCsv, readJson, validateRows } from './parse-import';

describe('reading an import', () => {
  it('numbers CSV rows by their line in the file, the header being line 1', () => {
    const { rows, errors } = readCsv('code,name\nA,Một\n\nB,"Hai, ba"\n');
    expect(errors).toEqual([]);
    expect(rows).toEqual([
      { line: 2, row: { code: 'A', name: 'Một' } },
      { line: 4, row: { code: 'B', name: 'Hai, ba' } },
    ]);
  });

  it('reports an unparseable CSV with a line number', () => {
    const { rows, errors } = readCsv('code,name\nA,"open\n');
    expect(rows).toEqual([]);
    expect(errors[0].line).toBeGreaterThanOrEqual(1);
  });

  it('validates every row and names each bad field with its line', () => {
    const good = { code: 'TU-X', name: 'Tỉnh ủy X', kind: 'party_committee', level: 'province', block: 'party', validFrom: '2020-01-01' };
    const { rows, errors } = validateRows(readJson([good, { ...good, code: 'TU-Y', level: 'hamlet' }, good]));
    expect(rows.map((r) => r.line)).toEqual([1]);
    expect(errors).toEqual([
      { line: 2, errors: [expect.objectContaining({ path: 'level' })] },
      { line: 3, errors: [{ path: 'code', message: 'code TU-X already appears on line 1' }] },
    ]);
  });
});
