import { AuthErrorCode } from '@contracts/common';
import { OrgErrorCode, OrgSubject, type SubtreePage, type UnitPage, type UnitView } from '@contracts/org-structure';
import { twoProvinces } from '../support/fixtures';
import { scopedCaller, serviceError, startOrgHarness, SYSTEM_ADMINISTRATOR, type OrgHarness } from '../support/org-harness';

/* Services enforce object-level access on their own data (ARCHITECTURE decision 5). */
let h: OrgHarness;
const ids: Record<string, string> = {};

beforeAll(async () => {
  h = await startOrgHarness();
  await h.call(OrgSubject.importUnits, { format: 'json', rows: twoProvinces() });
  for (const row of twoProvinces()) ids[row.code] = (await h.call<UnitPage>(OrgSubject.unitList, { code: row.code })).items[0].id;
});

afterAll(async () => {
  await h?.stop();
});

describe('messages without a valid caller', () => {
  it('are refused', async () => {
    expect((await serviceError(h.call(OrgSubject.unitGet, { id: ids['TU-BN'] }, null))).code).toBe(AuthErrorCode.Unauthenticated);
  });

  it('are refused when the caller lacks the permission', async () => {
    const clerk = scopedCaller('records-clerk', ids['TU-BN']);
    const error = await serviceError(
      h.call(OrgSubject.restructuringApply, { decisionRef: 'x', effectiveDate: '2026-01-01', operations: [{ type: 'dissolve', unit: { code: 'DU-PT' } }] }, clerk),
    );
    expect(error.code).toBe(AuthErrorCode.Forbidden);
  });

  it('let health probes through', async () => {
    await expect(h.call('health.v1.org-structure', {}, null)).resolves.toMatchObject({ status: 'ok' });
  });
});

describe('a province organisation board', () => {
  const board = () => scopedCaller('organisation-board', ids['TU-BN']);

  it('reads units in its province and gets not-found for another province', async () => {
    await expect(h.call<UnitView>(OrgSubject.unitGet, { id: ids['DU-PT'] }, board())).resolves.toMatchObject({ code: 'DU-PT' });
    const other = await serviceError(h.call(OrgSubject.unitGet, { id: ids['DU-BD'] }, board()));
    expect(other.code).toBe(OrgErrorCode.UnitNotFound);
    expect((await serviceError(h.call(OrgSubject.unitSubtree, { id: ids['TU-BG'] }, board()))).code).toBe(OrgErrorCode.UnitNotFound);
  });

  it('lists and searches only within its province', async () => {
    const all = await h.call<UnitPage>(OrgSubject.unitList, {}, board());
    expect(all.items.map((u) => u.code).sort()).toEqual(['DU-PT', 'HU-TD', 'TU-BN']);
    const search = await h.call<UnitPage>(OrgSubject.unitList, { q: 'bac giang' }, board());
    expect(search.items).toEqual([]);
  });

  it('cannot restructure outside its province: a unit there reads as not existing', async () => {
    const error = await serviceError(
      h.call(
        OrgSubject.restructuringApply,
        { decisionRef: '1/QĐ', effectiveDate: '2026-01-01', operations: [{ type: 'move', unit: { code: 'DU-BD' }, newParent: { code: 'TU-BN' } }] },
        board(),
      ),
    );
    expect(error.code).toBe(OrgErrorCode.ReferencedUnitNotFound);
  });

  it('needs a system-wide role for national statistics', async () => {
    expect((await serviceError(h.call(OrgSubject.statistics, {}, board()))).code).toBe(AuthErrorCode.Forbidden);
    await expect(h.call(OrgSubject.statistics, { rootId: ids['TU-BN'] }, board())).resolves.toMatchObject({ counts: { total: 2 } });
  });

  it('after its province absorbs another, sees the merged units and their history (ORG-9)', async () => {
    await h.call(
      OrgSubject.restructuringApply,
      { decisionRef: '202/2025/QH15', effectiveDate: '2025-07-01', operations: [{ type: 'merge', sources: [{ code: 'TU-BG' }], into: { code: 'TU-BN' } }] },
      SYSTEM_ADMINISTRATOR,
    );
    const subtree = await h.call<SubtreePage>(OrgSubject.unitSubtree, { id: ids['TU-BN'], asOf: '2025-07-01', depth: 1 }, board());
    expect(subtree.items.map((n) => n.code)).toContain('HU-LN');
    const before = await h.call<UnitView>(OrgSubject.unitGet, { id: ids['TU-BG'], asOf: '2025-06-30' }, board());
    expect(before.code).toBe('TU-BG');
  });

  it('sees leadership links only to units in its scope', async () => {
    await h.call(OrgSubject.leadershipLink, { leaderId: ids['DU-PT'], ledId: ids['UBND-BN'], validFrom: '2021-01-01' });
    const clerk = scopedCaller('records-clerk', ids['DU-PT']);
    const links = await h.call<{ items: unknown[] }>(OrgSubject.leadershipList, { id: ids['DU-PT'], direction: 'leads', asOf: '2022-01-01' }, clerk);
    expect(links.items).toEqual([]);
    const everywhere = await h.call<{ items: unknown[] }>(OrgSubject.leadershipList, { id: ids['DU-PT'], direction: 'leads', asOf: '2022-01-01' });
    expect(everywhere.items).toHaveLength(1);
  });

  it('a commune clerk sees the commune, not the province above it', async () => {
    const clerk = scopedCaller('records-clerk', ids['DU-PT']);
    const ancestors = await h.call<{ items: unknown[] }>(OrgSubject.unitAncestors, { id: ids['DU-PT'] }, clerk);
    expect(ancestors.items).toEqual([]);
    expect((await serviceError(h.call(OrgSubject.unitGet, { id: ids['TU-BN'] }, clerk))).code).toBe(OrgErrorCode.UnitNotFound);
  });
});
