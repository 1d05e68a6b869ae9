import { provinceRows } from './support/dataset';
import { startPlatform, type Json, type Platform } from './support/platform';

/*
 * Scope at the effective date (security hardening, items 3, 10 and 11). Commune PA-X1 is moved on 2025-03-01 from
 * province A to province B. A's organisation board keeps its history before the move and loses the commune from
 * then on; B's board gains it from the move and sees nothing of its time in A (ORG-2: every read is "as of").
 */
let p: Platform;
const id: Record<string, string> = {};
let boardA: string;
let boardB: string;
let clerkA: string;
const MOVED_ON = '2025-03-01';

const as = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  p = await startPlatform();
  const rows = [...provinceRows('PA', 'An Phú'), ...provinceRows('PB', 'Bình Minh')];
  expect((await p.http('POST', '/api/v1/org/imports', { format: 'json', rows })).status).toBe(201);
  for (const row of rows) id[row.code] = (await p.http('GET', `/api/v1/org/units?code=${row.code}&asOf=2021-01-01`)).body.items[0].id;
  const renamed = await p.http('POST', '/api/v1/org/restructurings', {
    decisionRef: '3-QĐ/TU',
    effectiveDate: '2024-06-01',
    operations: [{ type: 'rename', unit: { code: 'PA-X1' }, name: 'Đảng ủy xã Một An Phú (đổi tên)' }],
  });
  expect(renamed.status).toBe(201);
  const moved = await p.http('POST', '/api/v1/org/restructurings', {
    decisionRef: '12-NQ/TW',
    effectiveDate: MOVED_ON,
    operations: [{ type: 'move', unit: { code: 'PA-X1' }, newParent: { code: 'PB-HU1' } }],
  });
  expect(moved.status).toBe(201);
  boardA = (await p.userWithRole('organisation-board', id['PA-TU'])).token;
  boardB = (await p.userWithRole('organisation-board', id['PB-TU'])).token;
  clerkA = (await p.userWithRole('records-clerk', id['PA-TU'])).token;
});

afterAll(async () => {
  await p?.stop();
});

describe('reads of a moved unit (item 3)', () => {
  it("province A's board reads the commune as it was while it lay in A, and not after the move", async () => {
    expect((await p.http('GET', `/api/v1/org/units/${id['PA-X1']}?asOf=2025-02-28`, undefined, as(boardA))).status).toBe(200);
    const now = await p.http('GET', `/api/v1/org/units/${id['PA-X1']}`, undefined, as(boardA));
    expect(now.status).toBe(404);
    expect(now.body.code).toBe('ORG_UNIT_NOT_FOUND');
    expect((await p.http('GET', `/api/v1/org/units/${id['PA-X1-CB1']}/subtree`, undefined, as(boardA))).status).toBe(404);
  });

  it("province B's board reads it from the move on, without its names from its time in A", async () => {
    expect((await p.http('GET', `/api/v1/org/units/${id['PA-X1']}?asOf=2025-02-28`, undefined, as(boardB))).status).toBe(404);
    const now = await p.http('GET', `/api/v1/org/units/${id['PA-X1']}`, undefined, as(boardB));
    expect(now.status).toBe(200);
    expect(now.body.formerNames).toEqual([]);
    const admin = await p.http('GET', `/api/v1/org/units/${id['PA-X1']}`);
    expect(admin.body.formerNames.map((n: Json) => n.name)).toEqual(['Đảng ủy xã Một An Phú']);
  });

  it('a clerk of A finds the commune in lists only as of dates it lay in A', async () => {
    const codes = async (asOf: string) =>
      (await p.http('GET', `/api/v1/org/units?asOf=${asOf}&level=commune`, undefined, as(clerkA))).body.items.map((u: Json) => u.code);
    expect(await codes('2025-02-28')).toEqual(['PA-X1', 'PA-X2']);
    expect(await codes('2025-04-01')).toEqual(['PA-X2']);
    const ancestors = await p.http('GET', `/api/v1/org/units/${id['PA-X1-CB1']}/ancestors?asOf=2025-02-28`, undefined, as(clerkA));
    expect(ancestors.body.items.map((u: Json) => u.code)).toEqual(['PA-TU', 'PA-HU1', 'PA-X1']);
  });
});

describe('writes on a moved unit (item 3)', () => {
  async function postsOfMoved(): Promise<number> {
    return (await p.http('GET', `/api/v1/org/units/${id['PA-X1']}/posts?asOf=2025-06-01`)).body.items.length;
  }

  it("province A's board can no longer create posts or children under it, set its quotas, rename it or move it back", async () => {
    const attempts: Array<[string, Promise<{ status: number; body: Json }>]> = [
      ['post', p.http('POST', `/api/v1/org/units/${id['PA-X1']}/posts`, { title: 'Phó Bí thư', seats: 2, validFrom: '2025-04-01' }, as(boardA))],
      [
        'child',
        p.http(
          'POST',
          '/api/v1/org/units',
          { code: 'PA-X1-CB9', name: 'Chi bộ thôn Mới', kind: 'party_cell', level: 'grassroots', block: 'party', parentId: id['PA-X1'], validFrom: '2025-04-01' },
          as(boardA),
        ),
      ],
      ['quotas', p.http('PUT', `/api/v1/org/units/${id['PA-X1']}/staffing-quotas/2026`, { quotas: [{ category: 'civil_servant', approved: 12 }] }, as(boardA))],
      [
        'rename',
        p.http(
          'POST',
          '/api/v1/org/restructurings',
          { decisionRef: '9-QĐ/TU', effectiveDate: '2025-04-01', operations: [{ type: 'rename', unit: { id: id['PA-X1'] }, name: 'Tên khác' }] },
          as(boardA),
        ),
      ],
      [
        'move back',
        p.http(
          'POST',
          '/api/v1/org/restructurings',
          { decisionRef: '10-QĐ/TU', effectiveDate: '2025-04-01', operations: [{ type: 'move', unit: { code: 'PA-X1' }, newParent: { code: 'PA-HU1' } }] },
          as(boardA),
        ),
      ],
    ];
    const answers = [];
    for (const [what, attempt] of attempts) {
      const { status, body } = await attempt;
      answers.push({ what, status, code: body.code });
    }
    expect(answers).toEqual([
      { what: 'post', status: 404, code: 'ORG_UNIT_NOT_FOUND' },
      { what: 'child', status: 422, code: 'ORG_REFERENCED_UNIT_NOT_FOUND' },
      { what: 'quotas', status: 404, code: 'ORG_UNIT_NOT_FOUND' },
      { what: 'rename', status: 422, code: 'ORG_REFERENCED_UNIT_NOT_FOUND' },
      { what: 'move back', status: 422, code: 'ORG_REFERENCED_UNIT_NOT_FOUND' },
    ]);
    expect(await postsOfMoved()).toBe(0);
    expect((await p.http('GET', `/api/v1/org/units?code=PA-X1-CB9&asOf=2025-06-01`)).body.items).toEqual([]);
    expect((await p.http('GET', `/api/v1/org/units/${id['PA-X1']}?asOf=2025-06-01`)).body.parentId).toBe(id['PB-HU1']);
  });

  it("province A's board still keeps the commune's records of the years it lay in A", async () => {
    const quotas = await p.http('PUT', `/api/v1/org/units/${id['PA-X1']}/staffing-quotas/2024`, { quotas: [{ category: 'civil_servant', approved: 10 }] }, as(boardA));
    expect(quotas.status).toBe(200);
    const seenByA = await p.http('GET', `/api/v1/org/units/${id['PA-X1']}/staffing-quotas`, undefined, as(boardA));
    expect(seenByA.body.items.map((q: Json) => q.year)).toEqual([2024]);
    // And B, which holds the commune only since 2025, does not see A's year.
    const seenByB = await p.http('GET', `/api/v1/org/units/${id['PA-X1']}/staffing-quotas`, undefined, as(boardB));
    expect(seenByB.body.items).toEqual([]);
  });

  it("province B's board acts on it from the move on", async () => {
    const post = await p.http('POST', `/api/v1/org/units/${id['PA-X1']}/posts`, { title: 'Bí thư', seats: 1, validFrom: '2025-04-01' }, as(boardB));
    expect(post.status).toBe(201);
    const before = await p.http('POST', `/api/v1/org/units/${id['PA-X1']}/posts`, { title: 'Bí thư', seats: 1, validFrom: '2025-01-01' }, as(boardB));
    expect(before.status).toBe(404);
  });
});

describe('restructurings seen from a scope (item 10)', () => {
  it('a unit that never lay in scope answers 404, as a missing one does', async () => {
    const foreign = await p.http('GET', `/api/v1/org/restructurings?unitId=${id['PB-HU1']}`, undefined, as(boardA));
    expect(foreign.status).toBe(404);
    const missing = await p.http('GET', `/api/v1/org/restructurings?unitId=7d1c1f9a-5b1e-4c55-8f2d-3c1a2b3c4d5e`, undefined, as(boardA));
    expect(missing.status).toBe(404);
    expect(foreign.body.code).toBe(missing.body.code);
  });

  it('a restructuring lists only the units and operations of the caller\'s scope', async () => {
    const seen = async (token: string) =>
      (await p.http('GET', `/api/v1/org/restructurings?unitId=${id['PA-X1']}&from=${MOVED_ON}&to=${MOVED_ON}`, undefined, as(token))).body.items[0];
    const byA = await seen(boardA);
    expect(byA.affectedUnitIds).toEqual([id['PA-X1']]);
    expect(byA.operations).toEqual([{ type: 'move', unitIds: [id['PA-X1']] }]);
    const byB = await seen(boardB);
    expect(new Set(byB.affectedUnitIds)).toEqual(new Set([id['PA-X1'], id['PB-HU1']]));
  });
});

describe('codes and imports are no oracle (item 11)', () => {
  it('creating a unit with a foreign code under a foreign parent answers as with a fresh code', async () => {
    const create = (code: string) =>
      p.http(
        'POST',
        '/api/v1/org/units',
        { code, name: 'Đảng ủy xã Thử', kind: 'party_committee', level: 'commune', block: 'party', parentId: id['PB-HU1'], validFrom: '2025-04-01' },
        as(boardA),
      );
    const foreign = await create('PB-X2');
    const fresh = await create('PA-NEVER-SEEN');
    expect([foreign.status, foreign.body.code]).toEqual([422, 'ORG_REFERENCED_UNIT_NOT_FOUND']);
    expect([fresh.status, fresh.body.code]).toEqual([foreign.status, foreign.body.code]);
  });

  it("an import row guessing a foreign unit's every attribute answers as a row naming nothing that exists", async () => {
    const row = (code: string) => ({
      code,
      name: 'Đảng ủy xã Hai Bình Minh',
      kind: 'party_committee',
      level: 'commune',
      block: 'party',
      parentCode: 'PB-HU1',
      validFrom: '2020-10-15',
    });
    const guess = await p.http('POST', '/api/v1/org/imports', { format: 'json', rows: [row('PB-X2')] }, as(boardA));
    const fresh = await p.http('POST', '/api/v1/org/imports', { format: 'json', rows: [row('PA-NEVER-SEEN')] }, as(boardA));
    expect(guess.status).toBe(422);
    expect(guess.body.errors).toEqual(fresh.body.errors);
    expect(guess.body.errors).toEqual([{ path: 'line 1: parentCode', message: 'no unit with code PB-HU1 exists or comes earlier in the file' }]);
  });
});
