import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { provinceRows } from './support/dataset';
import { startPlatform, type Json, type Platform } from './support/platform';

/* Leadership (ORG-5), posts and staffing (ORG-6), terms (ORG-7) and the operator import, as a client uses them. */
let p: Platform;
const id: Record<string, string> = {};

beforeAll(async () => {
  p = await startPlatform();
  const rows = [
    ...provinceRows('PT', 'Phú Thọ'),
    { code: 'PT-UBND', name: 'Ủy ban nhân dân tỉnh Phú Thọ', kind: 'peoples_committee', level: 'province', block: 'state', parentCode: null, validFrom: '2020-10-15' },
    { code: 'PT-BCS', name: 'Ban cán sự đảng Ủy ban nhân dân tỉnh', kind: 'party_organisation', level: 'province', block: 'party', parentCode: 'PT-TU', validFrom: '2020-10-15' },
  ];
  expect((await p.http('POST', '/api/v1/org/imports', { format: 'json', rows })).status).toBe(201);
  for (const row of rows) id[row.code] = (await p.http('GET', `/api/v1/org/units?code=${row.code}`)).body.items[0].id;
});

afterAll(async () => {
  await p?.stop();
});

describe('"led by" beside "part of" (ORG-5)', () => {
  it('links, follows both directions as of a date, and ends the link', async () => {
    const link = await p.http('POST', '/api/v1/org/leadership-links', { leaderId: id['PT-BCS'], ledId: id['PT-UBND'], validFrom: '2021-01-01', decisionRef: '12-QĐ/TU' });
    expect(link.status).toBe(201);
    const leads = await p.http('GET', `/api/v1/org/units/${id['PT-BCS']}/leadership?direction=leads&asOf=2022-01-01`);
    expect(leads.body.items.map((l: Json) => l.other.code)).toEqual(['PT-UBND']);
    const ledBy = await p.http('GET', `/api/v1/org/units/${id['PT-UBND']}/leadership?direction=led_by&asOf=2022-01-01`);
    expect(ledBy.body.items.map((l: Json) => [l.other.code, l.decisionRef])).toEqual([['PT-BCS', '12-QĐ/TU']]);
    const ended = await p.http('POST', `/api/v1/org/leadership-links/${link.body.id}/end`, { validTo: '2025-07-01' });
    expect(ended.status).toBe(200);
    const after = await p.http('GET', `/api/v1/org/units/${id['PT-UBND']}/leadership?direction=led_by&asOf=2025-07-01`);
    expect(after.body.items).toEqual([]);
  });
});

describe('posts, quotas and reduction targets (ORG-6)', () => {
  it('defines posts with seats and lists them as of a date', async () => {
    const post = await p.http('POST', `/api/v1/org/units/${id['PT-TU']}/posts`, { title: 'Phó Bí thư Tỉnh ủy', seats: 3, validFrom: '2020-10-15' });
    expect(post.status).toBe(201);
    const posts = await p.http('GET', `/api/v1/org/units/${id['PT-TU']}/posts?asOf=2024-01-01`);
    expect(posts.body.items.map((x: Json) => [x.title, x.seats])).toEqual([['Phó Bí thư Tỉnh ủy', 3]]);
  });

  it('sets quotas per year and tracks a reduction target against them', async () => {
    const unit = id['PT-UBND'];
    expect((await p.http('PUT', `/api/v1/org/units/${unit}/staffing-quotas/2022`, { quotas: [{ category: 'public_employee', approved: 1000 }] })).status).toBe(200);
    await p.http('PUT', `/api/v1/org/units/${unit}/staffing-quotas/2025`, { quotas: [{ category: 'public_employee', approved: 950, actual: 940 }] });
    const target = await p.http('POST', `/api/v1/org/units/${unit}/reduction-targets`, { category: 'public_employee', fromYear: 2022, toYear: 2026, percent: 10 });
    expect(target.status).toBe(201);
    expect(target.body.progress).toMatchObject({ baseline: 1000, latest: 940, reducedPercent: 6, targetHeadcount: 900, onTrack: false });
    const listed = await p.http('GET', `/api/v1/org/units/${unit}/reduction-targets`);
    expect(listed.body.items).toHaveLength(1);
    const bad = await p.http('PUT', `/api/v1/org/units/${unit}/staffing-quotas/20x5`, { quotas: [{ category: 'public_employee', approved: 1 }] });
    expect(bad.status).toBe(400);
  });
});

describe('committee terms (ORG-7)', () => {
  it('records a term and answers the term running on a date', async () => {
    expect((await p.http('POST', `/api/v1/org/units/${id['PT-TU']}/terms`, { name: '2020-2025', startDate: '2020-10-15', endDate: '2025-10-15' })).status).toBe(201);
    const overlap = await p.http('POST', `/api/v1/org/units/${id['PT-TU']}/terms`, { name: '2025-2030', startDate: '2025-10-01', endDate: '2030-10-01' });
    expect(overlap.status).toBe(409);
    expect(overlap.body.rule).toBe('ORG-7');
    const running = await p.http('GET', `/api/v1/org/units/${id['PT-TU']}/terms?asOf=2023-05-01`);
    expect(running.body.items.map((t: Json) => t.name)).toEqual(['2020-2025']);
  });
});

describe('the operator import command', () => {
  it('imports a CSV file, is idempotent, and the units are readable through the API', () => {
    const dir = mkdtempSync(join(tmpdir(), 'import-'));
    const file = join(dir, 'units.csv');
    writeFileSync(
      file,
      'code,name,shortName,kind,level,block,parentCode,validFrom\n' +
        'VP-TU,Tỉnh ủy Vĩnh Phúc,,party_committee,province,party,,2020-10-15\n' +
        'VP-X1,Đảng ủy xã Tam Đảo,,party_committee,commune,party,VP-TU,2020-10-15\n',
    );
    const cli = join(__dirname, '..', '..', 'apps/org-structure/dist/cli.js');
    const env = { ...p.envOf('org-structure'), LOG_LEVEL: 'warn' };
    const first = spawnSync(process.execPath, [cli, 'import', file], { env, encoding: 'utf8' });
    expect(first.stdout).toContain('created 2, unchanged 0');
    expect(first.status).toBe(0);
    const second = spawnSync(process.execPath, [cli, 'import', file], { env, encoding: 'utf8' });
    expect(second.stdout).toContain('created 0, unchanged 2');
  });

  it('refuses a bad file with the line numbers and exit status 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'import-'));
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'code,name,kind,level,block,validFrom\nX,Tên,bad_kind,province,party,2020-01-01\n');
    const cli = join(__dirname, '..', '..', 'apps/org-structure/dist/cli.js');
    const result = spawnSync(process.execPath, [cli, 'import', file], {
      env: { ...p.envOf('org-structure'), LOG_LEVEL: 'warn' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('"line": 2');
  });

  it('answers the health command once the service is up', async () => {
    const cli = join(__dirname, '..', '..', 'apps/org-structure/dist/cli.js');
    const result = spawnSync(process.execPath, [cli, 'health'], {
      env: { ...p.envOf('org-structure'), LOG_LEVEL: 'silent' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('"status":"ok"');
  });
});
