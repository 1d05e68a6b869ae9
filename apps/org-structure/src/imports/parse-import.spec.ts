import { Readable } from 'node:stream';
import { ImportSourceError, readCsv, readCsvStream, readJson, readJsonArrayStream, validateRows, type RawRow } from './parse-import';

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

describe('streaming a file', () => {
  const chunks = (text: string, size: number) => Readable.from(Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size)));
  const collect = async (rows: AsyncIterable<RawRow>) => {
    const out: RawRow[] = [];
    for await (const row of rows) out.push(row);
    return out;
  };

  it('numbers streamed CSV rows by their line, whatever the chunk boundaries', async () => {
    const text = 'code,name\nA,Một\n\nB,"Hai, ba"\nC,\n';
    for (const size of [1, 3, 1_000]) {
      expect(await collect(readCsvStream(chunks(text, size)))).toEqual([
        { line: 2, row: { code: 'A', name: 'Một' } },
        { line: 4, row: { code: 'B', name: 'Hai, ba' } },
        { line: 5, row: { code: 'C' } },
      ]);
    }
  });

  it('ends a broken CSV stream with the line where it breaks', async () => {
    await expect(collect(readCsvStream(chunks('code,name\nA,Một\nB,"open\n', 4)))).rejects.toMatchObject({ line: 3 });
    await expect(collect(readCsvStream(chunks('code,name\nA,Một\nB,"open\n', 4)))).rejects.toBeInstanceOf(ImportSourceError);
  });

  it('cuts a JSON array into its elements, strings with brackets and escapes included', async () => {
    const rows = [{ code: 'A', name: 'Một [x], {y}' }, { code: 'B', name: 'Hai "ba" \\ bốn' }, { code: 'C', nested: [1, { a: [] }] }];
    for (const size of [1, 5, 10_000]) {
      expect(await collect(readJsonArrayStream(chunks(JSON.stringify(rows, null, 1), size)))).toEqual(rows.map((row, i) => ({ line: i + 1, row })));
    }
    expect(await collect(readJsonArrayStream(chunks(' [ ] ', 2)))).toEqual([]);
  });

  it('reports malformed JSON with the element where it breaks', async () => {
    await expect(collect(readJsonArrayStream(chunks('[{"code": "A"}, {"code": }]', 4)))).rejects.toMatchObject({ line: 2 });
    await expect(collect(readJsonArrayStream(chunks('{"code": "A"}', 4)))).rejects.toMatchObject({ line: 1 });
    await expect(collect(readJsonArrayStream(chunks('[{"code": "A"}', 4)))).rejects.toMatchObject({ line: 1 });
    await expect(collect(readJsonArrayStream(chunks('[{"code": "A"},', 4)))).rejects.toMatchObject({ line: 2 });
  });
});
