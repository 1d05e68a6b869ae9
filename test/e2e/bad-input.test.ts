import { provinceRows } from './support/dataset';
import { startPlatform, type HttpResponse, type Platform } from './support/platform';

/* Bad input gets a clear 4xx problem document naming what was wrong; never a 5xx, never half a write. */
let p: Platform;
let provinceId: string;
const MISSING = '7d1c1f9a-5b1e-4c55-8f2d-3c1a2b3c4d5e';

function expectProblem(response: HttpResponse, status: number, code?: string): void {
  expect(response.status).toBe(status);
  expect(response.contentType).toContain('application/problem+json');
  expect(response.body).toMatchObject({ status, type: expect.stringMatching(/^urn:problem-type:/), title: expect.any(String) });
  if (code) expect(response.body.code).toBe(code);
  expect(response.headers.get('x-request-id')).toBe(response.body.requestId);
}

const fieldPaths = (response: HttpResponse) => (response.body.errors ?? []).map((e: { path: string }) => e.path);

async function totalUnits(): Promise<number> {
  const stats = await p.http('GET', '/api/v1/org/statistics?asOf=2030-01-01');
  return stats.body.counts.total;
}

beforeAll(async () => {
  p = await startPlatform();
  const imported = await p.http('POST', '/api/v1/org/imports', { format: 'json', rows: provinceRows('HG', 'Hà Giang') });
  expect(imported.status).toBe(201);
  provinceId = (await p.http('GET', '/api/v1/org/units?code=HG-TU')).body.items[0].id;
});

afterAll(async () => {
  await p?.stop();
});

const validUnit = {
  code: 'NEW-1',
  name: 'Đảng ủy xã Mới',
  kind: 'party_committee',
  level: 'commune',
  block: 'party',
  validFrom: '2024-01-01',
};

describe('malformed and mistyped input', () => {
  it('malformed JSON → 400', async () => {
    expectProblem(await p.raw('POST', '/api/v1/org/units', '{"code": ', 'application/json'), 400, 'MALFORMED_REQUEST');
  });

  it('a body that is not JSON → 415', async () => {
    expectProblem(await p.raw('POST', '/api/v1/org/units', 'code=x', 'application/x-www-form-urlencoded'), 415);
  });

  it('a JSON array where an object is expected → 400 naming the body', async () => {
    expectProblem(await p.raw('POST', '/api/v1/org/units', '[1,2]', 'application/json'), 400, 'VALIDATION_FAILED');
  });

  it('wrong types, unknown enum values, oversized strings and bad dates → 400 naming every field', async () => {
    const response = await p.http('POST', '/api/v1/org/units', {
      code: 42,
      name: 'x'.repeat(256),
      kind: 'village_committee',
      level: 'province',
      block: 'party',
      validFrom: '2025-02-30',
      parentId: 'not-a-uuid',
    });
    expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(fieldPaths(response).sort()).toEqual(['code', 'kind', 'name', 'parentId', 'validFrom']);
  });

  it('text the database cannot store (NUL) → 400, not a database error', async () => {
    const response = await p.http('POST', '/api/v1/org/units', { ...validUnit, name: 'Đảng ủy\u0000xã' });
    expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(fieldPaths(response)).toEqual(['name']);
    const search = await p.http('GET', '/api/v1/org/units?q=a%00b');
    expectProblem(search, 400, 'VALIDATION_FAILED');
  });

  it('an unknown field is refused rather than ignored', async () => {
    const response = await p.http('POST', '/api/v1/org/units', { ...validUnit, colour: 'red' });
    expectProblem(response, 400, 'VALIDATION_FAILED');
  });

  it('bad query values → 400', async () => {
    expectProblem(await p.http('GET', '/api/v1/org/units?limit=1000'), 400, 'VALIDATION_FAILED');
    expectProblem(await p.http('GET', '/api/v1/org/units?asOf=yesterday'), 400, 'VALIDATION_FAILED');
    expectProblem(await p.http('GET', '/api/v1/org/units?level=village'), 400, 'VALIDATION_FAILED');
    expectProblem(await p.http('GET', `/api/v1/org/units/${provinceId}/subtree?depth=-1`), 400, 'VALIDATION_FAILED');
    expectProblem(await p.http('GET', '/api/v1/org/units?cursor=bm90LWEtY3Vyc29y'), 400, 'VALIDATION_FAILED');
  });

  it('a path id that is not a UUID → 400', async () => {
    const response = await p.http('GET', '/api/v1/org/units/123');
    expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(fieldPaths(response)).toEqual(['id']);
  });

  it('a body over the size limit → 413', async () => {
    const huge = { format: 'csv', content: 'x'.repeat(2_000_000) };
    expectProblem(await p.http('POST', '/api/v1/org/imports', huge), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('an unknown route → 404 problem', async () => {
    expectProblem(await p.http('GET', '/api/v1/org/nothing-here'), 404, 'ROUTE_NOT_FOUND');
  });
});

describe('unknown ids', () => {
  it('an unknown unit in the path → 404', async () => {
    for (const path of ['', '/subtree', '/ancestors', '/lineage', '/posts', '/terms', '/staffing-quotas', '/reduction-targets']) {
      expectProblem(await p.http('GET', `/api/v1/org/units/${MISSING}${path}`), 404, 'ORG_UNIT_NOT_FOUND');
    }
  });

  it('a unit read before it existed → 404', async () => {
    expectProblem(await p.http('GET', `/api/v1/org/units/${provinceId}?asOf=1990-01-01`), 404, 'ORG_UNIT_NOT_FOUND');
  });

  it('an unknown parent in the body → 422 naming the field', async () => {
    const response = await p.http('POST', '/api/v1/org/units', { ...validUnit, parentId: MISSING });
    expectProblem(response, 422, 'ORG_REFERENCED_UNIT_NOT_FOUND');
    expect(fieldPaths(response)).toEqual(['operations.0.parent']);
  });

  it('an unknown leadership link → 404', async () => {
    expectProblem(await p.http('POST', `/api/v1/org/leadership-links/${MISSING}/end`, { validTo: '2030-01-01' }), 404, 'ORG_RECORD_NOT_FOUND');
  });
});

describe('no partial writes', () => {
  it('a restructuring refused by a rule leaves nothing behind and names the rule (ORG-4)', async () => {
    const before = await totalUnits();
    const response = await p.http('POST', '/api/v1/org/restructurings', {
      decisionRef: '01-QĐ/TU',
      effectiveDate: '2026-01-01',
      operations: [
        { type: 'create', unit: { ...validUnit, validFrom: undefined, code: 'PARTIAL-1' }, parent: { id: provinceId } },
        { type: 'dissolve', unit: { id: provinceId } },
      ].map((op) => JSON.parse(JSON.stringify(op))),
    });
    expectProblem(response, 409, 'ORG_DISSOLVE_WITH_CHILDREN');
    expect(response.body.rule).toBe('ORG-4');
    expect(await totalUnits()).toBe(before);
    expect((await p.http('GET', '/api/v1/org/units?code=PARTIAL-1&asOf=2026-01-01')).body.items).toEqual([]);
  });

  it('an import with one bad row imports nothing and names the line', async () => {
    const before = await totalUnits();
    const rows = [
      { ...validUnit, code: 'IMP-1', parentCode: 'HG-TU' },
      { ...validUnit, code: 'IMP-2', parentCode: 'HG-TU', level: 'nowhere' },
    ];
    const response = await p.http('POST', '/api/v1/org/imports', { format: 'json', rows });
    expectProblem(response, 422, 'ORG_IMPORT_INVALID');
    expect(response.body.details.rows).toEqual([{ line: 2, errors: [expect.objectContaining({ path: 'level' })] }]);
    expect(await totalUnits()).toBe(before);
  });

  it('a unit code already alive at that time → 409 naming the rule, nothing written', async () => {
    const before = await totalUnits();
    const response = await p.http('POST', '/api/v1/org/units', { ...validUnit, code: 'HG-X1', parentId: provinceId });
    expectProblem(response, 409, 'ORG_CODE_CONFLICT');
    expect(response.body.rule).toBe('ORG-2');
    expect(await totalUnits()).toBe(before);
  });
});

describe('a valid request still works after all that', () => {
  it('creates a unit → 201 with its path', async () => {
    const response = await p.http('POST', '/api/v1/org/units', { ...validUnit, parentId: provinceId });
    expect(response.status).toBe(201);
    expect(response.body.path).toEqual([provinceId, response.body.id]);
  });
});
