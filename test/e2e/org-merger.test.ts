import { provinceRows } from './support/dataset';
import { startPlatform, type Json, type Platform } from './support/platform';

/*
 * The "done" scenario through the gateway as a client would: load a province with its communes and
 * party organisations, merge it into another on 2025-07-01 citing the decision, then read the tree as of the day
 * before and the day of the merger (ORG-2, ORG-3, ORG-8, ORG-9).
 */
let p: Platform;
const id: Record<string, string> = {};

beforeAll(async () => {
  p = await startPlatform();
  const rows = [...provinceRows('BG', 'Bắc Giang'), ...provinceRows('BN', 'Bắc Ninh')];
  const imported = await p.http('POST', '/api/v1/org/imports', { format: 'json', rows });
  expect(imported.status).toBe(201);
  expect(imported.body.created).toBe(rows.length);
  for (const row of rows) {
    const found = await p.http('GET', `/api/v1/org/units?code=${row.code}&asOf=2021-01-01`);
    id[row.code] = found.body.items[0].id;
  }
});

afterAll(async () => {
  await p?.stop();
});

const codesOf = (items: Array<{ code: string }>) => items.map((item) => item.code).sort();

describe('merging Bắc Giang into Bắc Ninh on 2025-07-01 (ORG-9)', () => {
  let restructuring: Json;

  beforeAll(async () => {
    const response = await p.http('POST', '/api/v1/org/restructurings', {
      decisionRef: '202/2025/QH15',
      effectiveDate: '2025-07-01',
      title: 'Sắp xếp đơn vị hành chính cấp tỉnh',
      operations: [
        { type: 'move', unit: { code: 'BG-X1' }, newParent: { code: 'BG-TU' } },
        { type: 'move', unit: { code: 'BG-X2' }, newParent: { code: 'BG-TU' } },
        { type: 'move', unit: { code: 'BN-X1' }, newParent: { code: 'BN-TU' } },
        { type: 'move', unit: { code: 'BN-X2' }, newParent: { code: 'BN-TU' } },
        { type: 'dissolve', unit: { code: 'BG-HU1' } },
        { type: 'dissolve', unit: { code: 'BN-HU1' } },
        { type: 'merge', sources: [{ code: 'BG-UBKT' }], into: { code: 'BN-UBKT' } },
        { type: 'merge', sources: [{ code: 'BG-TU' }], into: { code: 'BN-TU' } },
      ],
    });
    expect(response.status).toBe(201);
    restructuring = response.body;
  });

  it('answers the subtree as of the day before: two provinces, each with its district level', async () => {
    const bg = await p.http('GET', `/api/v1/org/units/${id['BG-TU']}/subtree?asOf=2025-06-30`);
    expect(bg.status).toBe(200);
    expect(codesOf(bg.body.items)).toEqual(['BG-HU1', 'BG-UBKT', 'BG-X1', 'BG-X1-CB1', 'BG-X1-CB2', 'BG-X2', 'BG-X2-CS']);
    const depthOne = await p.http('GET', `/api/v1/org/units/${id['BN-TU']}/subtree?asOf=2025-06-30&depth=1`);
    expect(codesOf(depthOne.body.items)).toEqual(['BN-HU1', 'BN-UBKT']);
  });

  it('answers the subtree as of the merger: one province, communes directly under it, no district level', async () => {
    const bn = await p.http('GET', `/api/v1/org/units/${id['BN-TU']}/subtree?asOf=2025-07-01&depth=1`);
    expect(codesOf(bn.body.items)).toEqual(['BG-X1', 'BG-X2', 'BN-UBKT', 'BN-X1', 'BN-X2']);
    const gone = await p.http('GET', `/api/v1/org/units/${id['BG-TU']}/subtree?asOf=2025-07-01`);
    expect(gone.status).toBe(404);
    expect(gone.contentType).toContain('application/problem+json');
  });

  it('answers the ancestors of a party cell on both dates', async () => {
    const before = await p.http('GET', `/api/v1/org/units/${id['BG-X1-CB1']}/ancestors?asOf=2025-06-30`);
    expect(before.body.items.map((a: Json) => a.code)).toEqual(['BG-TU', 'BG-HU1', 'BG-X1']);
    const after = await p.http('GET', `/api/v1/org/units/${id['BG-X1-CB1']}/ancestors?asOf=2025-07-01`);
    expect(after.body.items.map((a: Json) => a.code)).toEqual(['BN-TU', 'BG-X1']);
  });

  it('answers the lineage with the operation and the decision that linked them', async () => {
    const lineage = await p.http('GET', `/api/v1/org/units/${id['BG-TU']}/lineage`);
    expect(lineage.body.successors).toEqual([
      expect.objectContaining({ code: 'BN-TU', operation: 'merge', decisionRef: '202/2025/QH15', effectiveDate: '2025-07-01', distance: 1 }),
    ]);
    const predecessors = await p.http('GET', `/api/v1/org/units/${id['BN-UBKT']}/lineage`);
    expect(predecessors.body.predecessors.map((e: Json) => e.code)).toEqual(['BG-UBKT']);
  });

  it('answers statistics derived from history, with the change between the two dates (ORG-8)', async () => {
    const stats = await p.http('GET', `/api/v1/org/statistics?rootId=${id['BN-TU']}&asOf=2025-06-30&compareTo=2025-07-01`);
    expect(stats.status).toBe(200);
    expect(stats.body.counts.total).toBe(7);
    expect(stats.body.compareCounts.total).toBe(11);
    expect(stats.body.change.byLevel).toEqual({ commune: 2, district: -1, grassroots: 3, province: 0 });
    const national = await p.http('GET', '/api/v1/org/statistics?asOf=2025-06-30&compareTo=2025-07-01');
    expect(national.body.change.byLevel).toEqual({ commune: 0, district: -2, grassroots: 0, province: -2 });
  });

  it('lists the restructuring by unit and date range', async () => {
    const listed = await p.http('GET', `/api/v1/org/restructurings?unitId=${id['BG-TU']}&from=2025-01-01&to=2025-12-31`);
    expect(listed.body.items.map((r: Json) => r.id)).toEqual([restructuring.id]);
    expect(listed.body.items[0].decisionRef).toBe('202/2025/QH15');
  });

  it('finds the merged province by name without diacritics, as of a date before the merger', async () => {
    const found = await p.http('GET', '/api/v1/org/units?q=tinh%20uy%20bac%20giang&asOf=2025-06-30');
    expect(found.body.items.map((u: Json) => u.code)).toEqual(['BG-TU', 'BG-UBKT']);
    const today = await p.http('GET', '/api/v1/org/units?q=tinh%20uy%20bac%20giang');
    expect(today.body.items).toEqual([]);
  });
});

describe('the API describes itself', () => {
  it('serves the OpenAPI document with every organisation route', async () => {
    const doc = await p.http('GET', '/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/org/units',
        '/api/v1/org/units/{id}',
        '/api/v1/org/units/{id}/subtree',
        '/api/v1/org/units/{id}/ancestors',
        '/api/v1/org/units/{id}/lineage',
        '/api/v1/org/restructurings',
        '/api/v1/org/statistics',
        '/api/v1/org/imports',
      ]),
    );
  });

  it('serves Swagger UI', async () => {
    const ui = await p.http('GET', '/api/docs');
    expect(ui.status).toBe(200);
    expect(String(ui.body)).toContain('swagger');
  });
});
