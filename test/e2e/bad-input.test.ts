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

describe('input that reached the database or the stack unchecked', () => {
  const cursorOf = (key: Record<string, string>) => Buffer.from(JSON.stringify(key)).toString('base64url');

  it('a date the database cannot hold (year 0) → 400 naming the field (ORG-2 asOf)', async () => {
    const reads: Array<[string, string]> = [
      ['/api/v1/org/units?asOf=0000-01-01', 'asOf'],
      [`/api/v1/org/units/${provinceId}/subtree?asOf=0000-01-01`, 'asOf'],
      ['/api/v1/org/statistics?asOf=2025-01-01&compareTo=0000-01-01', 'compareTo'],
      ['/api/v1/org/restructurings?from=0000-01-01', 'from'],
      ['/api/v1/audit/events?from=0000-01-01T00:00:00Z', 'from'],
    ];
    for (const [path, field] of reads) {
      const response = await p.http('GET', path);
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect({ path, fields: fieldPaths(response) }).toEqual({ path, fields: [field] });
    }
    const write = await p.http('POST', '/api/v1/org/units', { ...validUnit, code: 'YEAR-0', validFrom: '0000-01-01' });
    expectProblem(write, 400, 'VALIDATION_FAILED');
    expect(fieldPaths(write)).toEqual(['validFrom']);
  });

  it('a forged cursor holding an impossible date → 400 naming the cursor', async () => {
    for (const date of ['2025-02-30', '0000-01-01']) {
      const response = await p.http('GET', `/api/v1/org/restructurings?cursor=${cursorOf({ date, seq: '1' })}`);
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(fieldPaths(response)).toEqual(['cursor']);
    }
  });

  it('text with an unpaired surrogate → 400 naming the field, in every free-text field', async () => {
    const lone = 'x\ud800y';
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/api/v1/org/units', { ...validUnit, code: 'LONE-1', name: lone }, 'name'],
      ['POST', '/api/v1/org/units', { ...validUnit, code: 'LONE-2', shortName: lone }, 'shortName'],
      ['POST', '/api/v1/org/units', { ...validUnit, code: 'LONE-3', decisionRef: lone }, 'decisionRef'],
      [
        'POST',
        '/api/v1/org/restructurings',
        { decisionRef: '01-QĐ/TU', effectiveDate: '2026-01-01', title: lone, operations: [{ type: 'dissolve', unit: { code: 'HG-X2-CS' } }] },
        'title',
      ],
      ['POST', `/api/v1/org/units/${provinceId}/posts`, { title: lone, seats: 1, validFrom: '2024-01-01' }, 'title'],
      ['POST', '/api/v1/auth/login', { username: lone, password: 'whatever-it-is' }, 'username'],
      ['POST', '/api/v1/auth/login', { username: 'admin', password: lone }, 'password'],
      ['POST', '/api/v1/admin/users', { username: 'lone.user', displayName: lone, password: 'long-enough-passphrase-1' }, 'displayName'],
    ];
    for (const [method, path, body, field] of cases) {
      const response = await p.http(method, path, body);
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect({ path, fields: fieldPaths(response) }).toEqual({ path, fields: [field] });
    }
  });

  it('a body nested 100,000 levels deep → 400 problem before anything recurses over it; the gateway keeps serving', async () => {
    const depth = 100_000;
    const body = `{"format":"json","rows":[${'['.repeat(depth)}${']'.repeat(depth)}]}`;
    const response = await p.raw('POST', '/api/v1/org/imports', body, 'application/json');
    expectProblem(response, 400, 'MALFORMED_REQUEST');
    expect(response.body.detail).toMatch(/deeper than 64/);
    expect((await p.http('GET', '/health/live')).status).toBe(200);
  });

  it('nesting within the limit still parses; strings that look like brackets do not count', async () => {
    const brackets = '[{'.repeat(200);
    const response = await p.http('POST', '/api/v1/org/units', { ...validUnit, code: 'BRACKETS-1', name: brackets });
    expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(fieldPaths(response)).toEqual(['name']);
  });

  it('import rows are flat: a nested value in a row is refused before it reaches the service', async () => {
    const nested = JSON.parse(`${'['.repeat(40)}1${']'.repeat(40)}`);
    const response = await p.http('POST', '/api/v1/org/imports', { format: 'json', rows: [{ ...validUnit, code: nested }] });
    expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(fieldPaths(response)).toEqual(['rows.0.code']);
  });
});

describe('unit codes in one canonical form (ORG-2)', () => {
  it('stores a code NFKC-normalised and upper case', async () => {
    const response = await p.http('POST', '/api/v1/org/units', { ...validUnit, code: 'cb-đắk', parentId: provinceId });
    expect(response.status).toBe(201);
    expect(response.body.code).toBe('CB-ĐẮK');
  });

  it('a code differing only in case, width, composition or ligatures is the same code → 409 ORG_CODE_CONFLICT (ORG-2)', async () => {
    expect((await p.http('POST', '/api/v1/org/units', { ...validUnit, code: 'CB-fi', parentId: provinceId })).status).toBe(201);
    for (const code of ['CB-ĐẮK', 'ＣＢ-ĐẮK', 'cb-đắk'.normalize('NFD'), 'Cb-Đắk', 'CB-ﬁ', 'cb-FI']) {
      const response = await p.http('POST', '/api/v1/org/units', { ...validUnit, code, parentId: provinceId });
      expectProblem(response, 409, 'ORG_CODE_CONFLICT');
      expect({ code, rule: response.body.rule }).toEqual({ code, rule: 'ORG-2' });
    }
  });

  it('a code with Cyrillic or Greek look-alike letters → 400 saying so', async () => {
    for (const code of ['СВ-ĐẮK', 'ΤU-BN']) {
      const response = await p.http('POST', '/api/v1/org/units', { ...validUnit, code, parentId: provinceId });
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(response.body.errors).toEqual([{ path: 'code', message: expect.stringMatching(/Latin/) }]);
    }
  });

  it('finds and references a unit by its code however it is typed (ORG-2)', async () => {
    const found = await p.http('GET', '/api/v1/org/units?code=hg-tu');
    expect(found.body.items.map((unit: { id: string }) => unit.id)).toEqual([provinceId]);
    const imported = await p.http('POST', '/api/v1/org/imports', {
      format: 'json',
      rows: [{ ...validUnit, code: 'imp-lower', parentCode: 'ｈｇ-ｔｕ' }],
    });
    expect(imported.status).toBe(201);
    const unit = await p.http('GET', '/api/v1/org/units?code=IMP-LOWER');
    expect(unit.body.items).toEqual([expect.objectContaining({ code: 'IMP-LOWER', parentId: provinceId })]);
  });
});

describe('free text', () => {
  it('refuses control and bidirectional-override characters in every name → 400 saying so', async () => {
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/api/v1/org/units', { ...validUnit, code: 'BIDI-1', name: 'Chi bộ \u202Egnôt' }, 'name'],
      ['POST', '/api/v1/org/units', { ...validUnit, code: 'BIDI-2', shortName: 'CB \u2066x\u2069' }, 'shortName'],
      ['POST', '/api/v1/org/units', { ...validUnit, code: 'CTRL-1', name: 'Chi bộ\u0007' + ' thôn' }, 'name'],
      ['POST', '/api/v1/org/units', { ...validUnit, code: 'CTRL-2', name: 'Chi bộ\nthôn' }, 'name'],
      ['POST', '/api/v1/org/units', { ...validUnit, code: 'CTRL-3', decisionRef: '01\u0085QĐ' }, 'decisionRef'],
      ['POST', `/api/v1/org/units/${provinceId}/posts`, { title: 'Bí thư\u202D', seats: 1, validFrom: '2024-01-01' }, 'title'],
      ['POST', '/api/v1/admin/users', { username: 'bidi.user', displayName: 'A\u202Eb', password: 'long-enough-passphrase-1' }, 'displayName'],
      ['POST', '/api/v1/auth/login', { username: 'admin\u0000', password: 'whatever-it-is' }, 'username'],
    ];
    for (const [method, path, body, field] of cases) {
      const response = await p.http(method, path, body);
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect({ path, errors: response.body.errors }).toEqual({
        path,
        errors: [{ path: field, message: 'must not contain control or bidirectional-override characters' }],
      });
    }
  });

  it('stores names composed (NFC), however they were typed', async () => {
    const name = 'Đảng ủy phường Bắc Giang';
    const response = await p.http('POST', '/api/v1/org/units', { ...validUnit, code: 'NFC-1', name: name.normalize('NFD'), parentId: provinceId });
    expect(response.status).toBe(201);
    expect(response.body.name).toBe(name.normalize('NFC'));
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

  it('a role over a unit that does not exist → 422 naming unitId, and no assignment (security hardening, item 15)', async () => {
    const user = await p.http('POST', '/api/v1/admin/users', { username: 'role.target', displayName: 'Role target', password: 'role-target-passphrase' });
    const response = await p.http('POST', `/api/v1/admin/users/${user.body.id}/roles`, { role: 'records-clerk', unitId: MISSING });
    expectProblem(response, 422, 'IDENTITY_REFERENCED_UNIT_NOT_FOUND');
    expect(fieldPaths(response)).toEqual(['unitId']);
    expect((await p.http('GET', `/api/v1/admin/users/${user.body.id}`)).body.assignments).toEqual([]);
    // A unit that does exist is accepted.
    expect((await p.http('POST', `/api/v1/admin/users/${user.body.id}/roles`, { role: 'records-clerk', unitId: provinceId })).status).toBe(201);
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
