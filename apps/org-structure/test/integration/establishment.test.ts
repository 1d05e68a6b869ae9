import {
  OrgErrorCode,
  OrgSubject,
  type ImportResult,
  type LeadershipLinkView,
  type PostView,
  type ReductionTargetView,
  type TermView,
  type UnitPage,
} from '@contracts/org-structure';
import { twoProvinces } from '../support/fixtures';
import { serviceError, startOrgHarness, type OrgHarness } from '../support/org-harness';

let h: OrgHarness;
const ids: Record<string, string> = {};

beforeAll(async () => {
  h = await startOrgHarness();
  await h.call<ImportResult>(OrgSubject.importUnits, { format: 'json', rows: twoProvinces() });
  for (const row of twoProvinces()) {
    ids[row.code] = (await h.call<UnitPage>(OrgSubject.unitList, { code: row.code, asOf: '2021-01-01' })).items[0].id;
  }
});

afterAll(async () => {
  await h?.stop();
});

describe('leadership beside the tree (ORG-5)', () => {
  it('follows a "led by" link both ways, dated, and ends it', async () => {
    const link = await h.call<LeadershipLinkView>(OrgSubject.leadershipLink, {
      leaderId: ids['TU-BN'],
      ledId: ids['UBND-BN'],
      validFrom: '2021-01-01',
    });
    const leads = await h.call<{ items: LeadershipLinkView[] }>(OrgSubject.leadershipList, { id: ids['TU-BN'], direction: 'leads', asOf: '2022-01-01' });
    expect(leads.items.map((l) => l.other?.id)).toEqual([ids['UBND-BN']]);
    const ledBy = await h.call<{ items: LeadershipLinkView[] }>(OrgSubject.leadershipList, { id: ids['UBND-BN'], direction: 'led_by', asOf: '2022-01-01' });
    expect(ledBy.items.map((l) => l.other?.code)).toEqual(['TU-BN']);
    const before = await h.call<{ items: LeadershipLinkView[] }>(OrgSubject.leadershipList, { id: ids['TU-BN'], asOf: '2020-12-31' });
    expect(before.items).toHaveLength(0);

    await h.call(OrgSubject.leadershipEnd, { linkId: link.id, validTo: '2023-01-01' });
    const after = await h.call<{ items: LeadershipLinkView[] }>(OrgSubject.leadershipList, { id: ids['TU-BN'], asOf: '2023-01-01' });
    expect(after.items).toHaveLength(0);
  });

  it('refuses a link overlapping the same link in time', async () => {
    await h.call(OrgSubject.leadershipLink, { leaderId: ids['TU-BG'], ledId: ids['BTC-BG'], validFrom: '2021-01-01' });
    const error = await serviceError(h.call(OrgSubject.leadershipLink, { leaderId: ids['TU-BG'], ledId: ids['BTC-BG'], validFrom: '2022-01-01' }));
    expect(error.code).toBe(OrgErrorCode.InvalidOperation);
  });
});

describe('posts, quotas and staff reduction (ORG-6)', () => {
  it('lists the posts a unit had on a date with their seats', async () => {
    await h.call<PostView>(OrgSubject.postCreate, { unitId: ids['TU-BN'], title: 'Phó Bí thư', seats: 3, validFrom: '2021-01-01' });
    const posts = await h.call<{ items: PostView[] }>(OrgSubject.postList, { unitId: ids['TU-BN'], asOf: '2021-06-01' });
    expect(posts.items.map((p) => [p.title, p.seats])).toEqual([['Phó Bí thư', 3]]);
    const earlier = await h.call<{ items: PostView[] }>(OrgSubject.postList, { unitId: ids['TU-BN'], asOf: '2020-12-31' });
    expect(earlier.items).toHaveLength(0);
  });

  it('tracks a reduction target against the headcount recorded per year', async () => {
    const unitId = ids['UBND-BN'];
    await h.call(OrgSubject.quotaSet, { unitId, year: 2022, quotas: [{ category: 'civil_servant', approved: 200, actual: 200 }] });
    await h.call(OrgSubject.quotaSet, { unitId, year: 2024, quotas: [{ category: 'civil_servant', approved: 192, actual: 188 }] });
    const target = await h.call<ReductionTargetView>(OrgSubject.reductionTargetCreate, {
      unitId,
      category: 'civil_servant',
      fromYear: 2022,
      toYear: 2026,
      percent: 5,
      decisionRef: '72-NQ/TW',
    });
    expect(target.progress).toEqual({
      baseline: 200,
      latestYear: 2024,
      latest: 188,
      reducedPercent: 6,
      targetHeadcount: 190,
      onTrack: true,
    });
    const quotas = await h.call<{ items: Array<{ year: number }> }>(OrgSubject.quotaList, { unitId });
    expect(quotas.items.map((q) => q.year)).toEqual([2022, 2024]);
  });
});

describe('committee terms (ORG-7)', () => {
  it('records terms and refuses an overlapping one', async () => {
    await h.call<TermView>(OrgSubject.termCreate, { unitId: ids['TU-BN'], name: '2020-2025', startDate: '2020-10-15', endDate: '2025-10-15' });
    const error = await serviceError(
      h.call(OrgSubject.termCreate, { unitId: ids['TU-BN'], name: 'chồng lấn', startDate: '2025-01-01', endDate: '2030-01-01' }),
    );
    expect(error).toMatchObject({ code: OrgErrorCode.TermConflict, rule: 'ORG-7' });
    const current = await h.call<{ items: TermView[] }>(OrgSubject.termList, { unitId: ids['TU-BN'], asOf: '2023-01-01' });
    expect(current.items.map((t) => t.name)).toEqual(['2020-2025']);
  });

  it('gives terms only to party committees', async () => {
    const error = await serviceError(
      h.call(OrgSubject.termCreate, { unitId: ids['UBND-BN'], name: '2021-2026', startDate: '2021-06-01', endDate: '2026-06-01' }),
    );
    expect(error.code).toBe(OrgErrorCode.TermConflict);
  });
});
