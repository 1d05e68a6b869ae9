import {
  OrgErrorCode,
  OrgSubject,
  type ImportResult,
  type LineageView,
  type RestructuringView,
  type StatisticsView,
  type SubtreePage,
  type UnitPage,
  type UnitView,
} from '@contracts/org-structure';
import { twoProvinces } from '../support/fixtures';
import { serviceError, startOrgHarness, type OrgHarness } from '../support/org-harness';

let h: OrgHarness;
const ids: Record<string, string> = {};

async function unitByCode(code: string, asOf: string): Promise<UnitView> {
  const page = await h.call<UnitPage>(OrgSubject.unitList, { code, asOf });
  expect(page.items).toHaveLength(1);
  return page.items[0];
}

async function subtreeCodes(code: string, asOf: string): Promise<string[]> {
  const page = await h.call<SubtreePage>(OrgSubject.unitSubtree, { id: ids[code], asOf, limit: 100 });
  return page.items.map((node) => node.code).sort();
}

async function versionCount(): Promise<number> {
  const [{ n }] = await h.db.query('SELECT count(*)::int AS n FROM unit_version');
  return n;
}

beforeAll(async () => {
  h = await startOrgHarness();
  const result = await h.call<ImportResult>(OrgSubject.importUnits, { format: 'json', rows: twoProvinces() });
  expect(result.created).toBe(10);
  for (const row of twoProvinces()) ids[row.code] = (await unitByCode(row.code, '2021-01-01')).id;
});

afterAll(async () => {
  await h?.stop();
});

describe('the 2025 provincial merger (ORG-3, ORG-9)', () => {
  let merger: RestructuringView;

  beforeAll(async () => {
    merger = await h.call<RestructuringView>(OrgSubject.restructuringApply, {
      decisionRef: '202/2025/QH15',
      effectiveDate: '2025-07-01',
      title: 'Hợp nhất tỉnh Bắc Giang và tỉnh Bắc Ninh',
      operations: [
        // ORG-1: the district level ends; its communes go directly under the province first.
        { type: 'move', unit: { code: 'DU-BD' }, newParent: { code: 'TU-BG' } },
        { type: 'move', unit: { code: 'DU-TS' }, newParent: { code: 'TU-BG' } },
        { type: 'move', unit: { code: 'DU-PT' }, newParent: { code: 'TU-BN' } },
        { type: 'dissolve', unit: { code: 'HU-LN' } },
        { type: 'dissolve', unit: { code: 'HU-TD' } },
        { type: 'merge', sources: [{ code: 'TU-BG' }], into: { code: 'TU-BN' } },
        { type: 'create', ref: 'new-commune', unit: { code: 'DU-BD-TS', name: 'Đảng ủy xã Bảo Đài mới', kind: 'party_committee', level: 'commune', block: 'party' }, parent: { code: 'TU-BN' } },
        { type: 'merge', sources: [{ code: 'DU-BD' }, { code: 'DU-TS' }], into: { ref: 'new-commune' } },
      ],
    });
  });

  it('records the restructuring with its decision and the units it touched', async () => {
    expect(merger.decisionRef).toBe('202/2025/QH15');
    expect(merger.operations.map((op) => op.type)).toEqual(['move', 'move', 'move', 'dissolve', 'dissolve', 'merge', 'create', 'merge']);
    const listed = await h.call<{ items: RestructuringView[] }>(OrgSubject.restructuringList, { unitId: ids['TU-BG'], limit: 10 });
    expect(listed.items.map((r) => r.id)).toEqual([merger.id]);
    const outside = await h.call<{ items: RestructuringView[] }>(OrgSubject.restructuringList, { from: '2025-07-02', limit: 10 });
    expect(outside.items).toHaveLength(0);
  });

  it('keeps the tree as it stood the day before (ORG-2)', async () => {
    expect(await subtreeCodes('TU-BG', '2025-06-30')).toEqual(['BTC-BG', 'CB-BD-1', 'DU-BD', 'DU-TS', 'HU-LN']);
    expect(await subtreeCodes('TU-BN', '2025-06-30')).toEqual(['DU-PT', 'HU-TD']);
    const cell = await h.call<{ items: Array<{ code: string }> }>(OrgSubject.unitAncestors, { id: ids['CB-BD-1'], asOf: '2025-06-30' });
    expect(cell.items.map((a) => a.code)).toEqual(['TU-BG', 'HU-LN', 'DU-BD']);
  });

  it('shows the merged province from the effective date, the merged unit\'s children following the target', async () => {
    expect(await subtreeCodes('TU-BN', '2025-07-01')).toEqual(['BTC-BG', 'CB-BD-1', 'DU-BD-TS', 'DU-PT']);
    const cell = await h.call<{ items: Array<{ code: string }> }>(OrgSubject.unitAncestors, { id: ids['CB-BD-1'], asOf: '2025-07-01' });
    expect(cell.items.map((a) => a.code)).toEqual(['TU-BN', 'DU-BD-TS']);
  });

  it('answers not found for a unit read at a date when it no longer existed', async () => {
    const error = await serviceError(h.call(OrgSubject.unitGet, { id: ids['TU-BG'], asOf: '2025-07-01' }));
    expect(error.code).toBe(OrgErrorCode.UnitNotFound);
    const before = await h.call<UnitView>(OrgSubject.unitGet, { id: ids['TU-BG'], asOf: '2025-06-30' });
    expect(before.existsUntil).toBe('2025-07-01');
  });

  it('answers the lineage both ways, transitively, with the decision (ORG-3)', async () => {
    const fromCell = await h.call<LineageView>(OrgSubject.unitLineage, { id: ids['DU-BD'] });
    expect(fromCell.successors.map((e) => [e.code, e.operation, e.decisionRef, e.distance])).toEqual([
      ['DU-BD-TS', 'merge', '202/2025/QH15', 1],
    ]);
    const bacNinh = await h.call<LineageView>(OrgSubject.unitLineage, { id: ids['TU-BN'] });
    expect(bacNinh.predecessors.map((e) => e.code)).toEqual(['TU-BG']);
    const bacGiang = await h.call<LineageView>(OrgSubject.unitLineage, { id: ids['TU-BG'] });
    expect(bacGiang.successors.map((e) => e.code)).toEqual(['TU-BN']);
  });

  it('derives statistics and their change from history (ORG-8)', async () => {
    const stats = await h.call<StatisticsView>(OrgSubject.statistics, { rootId: ids['TU-BN'], asOf: '2025-06-30', compareTo: '2025-07-01' });
    expect(stats.counts.total).toBe(2);
    expect(stats.compareCounts?.total).toBe(4);
    expect(stats.change?.byLevel).toEqual({ commune: 1, district: -1, grassroots: 1, province: 1 });
    const national = await h.call<StatisticsView>(OrgSubject.statistics, { asOf: '2025-06-30', compareTo: '2025-07-01' });
    expect(national.change?.byLevel.district).toBe(-2);
    expect(national.change?.byLevel.province).toBe(-1);
  });

  it('publishes one event per operation with the paths affected and the decision', async () => {
    const rows: Array<{ subject: string; payload: { decisionRef: string; effectiveDate: string; data: { pathsChanged: unknown[] } } }> =
      await h.db.query(`SELECT subject, payload FROM outbox WHERE payload->>'restructuringId' = $1 ORDER BY seq`, [merger.id]);
    expect(rows.map((r) => r.subject)).toEqual([
      'org.events.unit.moved',
      'org.events.unit.moved',
      'org.events.unit.moved',
      'org.events.unit.dissolved',
      'org.events.unit.dissolved',
      'org.events.unit.merged',
      'org.events.unit.created',
      'org.events.unit.merged',
    ]);
    expect(rows.every((r) => r.payload.decisionRef === '202/2025/QH15' && r.payload.effectiveDate === '2025-07-01')).toBe(true);
    expect(rows[5].payload.data.pathsChanged).toHaveLength(3);
  });
});

describe('invariants (ORG-4)', () => {
  const on = (effectiveDate: string, operations: unknown[]) =>
    h.call(OrgSubject.restructuringApply, { decisionRef: 'TEST/ORG-4', effectiveDate, operations });

  it('refuses to move a unit under its own descendant', async () => {
    const error = await serviceError(on('2026-01-01', [{ type: 'move', unit: { code: 'TU-BN' }, newParent: { code: 'DU-BD-TS' } }]));
    expect(error).toMatchObject({ code: OrgErrorCode.Cycle, rule: 'ORG-4' });
  });

  it('refuses to merge a unit into its own descendant', async () => {
    const error = await serviceError(on('2026-01-01', [{ type: 'merge', sources: [{ code: 'TU-BN' }], into: { code: 'DU-PT' } }]));
    expect(error).toMatchObject({ code: OrgErrorCode.Cycle, rule: 'ORG-4' });
  });

  it('refuses to dissolve a unit that still has children', async () => {
    const error = await serviceError(on('2026-01-01', [{ type: 'dissolve', unit: { code: 'DU-BD-TS' } }]));
    expect(error).toMatchObject({ code: OrgErrorCode.DissolveWithChildren, rule: 'ORG-4' });
    expect((error.details as { childIds: string[] }).childIds).toEqual([ids['CB-BD-1']]);
  });

  it('refuses a split that leaves a child without a destination', async () => {
    const error = await serviceError(
      on('2026-01-01', [
        { type: 'create', ref: 'a', unit: { code: 'SPLIT-A', name: 'Đảng ủy xã A', kind: 'party_committee', level: 'commune', block: 'party' }, parent: { code: 'TU-BN' } },
        { type: 'split', source: { code: 'DU-BD-TS' }, into: [{ ref: 'a' }], children: [] },
      ]),
    );
    expect(error).toMatchObject({ code: OrgErrorCode.SplitChildUnassigned, rule: 'ORG-4' });
  });

  it('is atomic: a refused operation undoes the ones before it in the same set', async () => {
    const versionsBefore = await versionCount();
    const [{ n: outboxBefore }] = await h.db.query('SELECT count(*)::int AS n FROM outbox');
    const error = await serviceError(
      on('2026-02-01', [
        { type: 'rename', unit: { code: 'DU-PT' }, name: 'Đảng ủy xã Phật Tích (mới)' },
        { type: 'dissolve', unit: { code: 'TU-BN' } },
      ]),
    );
    expect(error.code).toBe(OrgErrorCode.DissolveWithChildren);
    expect(await versionCount()).toBe(versionsBefore);
    const [{ n: outboxAfter }] = await h.db.query('SELECT count(*)::int AS n FROM outbox');
    expect(outboxAfter).toBe(outboxBefore);
    expect((await unitByCode('DU-PT', '2026-03-01')).name).toBe('Đảng ủy xã Phật Tích');
  });

  it('refuses a code already used by a unit alive at the same time (ORG-2)', async () => {
    const error = await serviceError(
      h.call(OrgSubject.unitCreate, { code: 'DU-PT', name: 'Trùng mã', kind: 'party_committee', level: 'commune', block: 'party', parentId: ids['TU-BN'], validFrom: '2026-01-01' }),
    );
    expect(error.code).toBe(OrgErrorCode.CodeConflict);
  });

  it('lets a code be reused once its unit has ceased', async () => {
    const reused = await h.call<UnitView>(OrgSubject.unitCreate, {
      code: 'HU-LN',
      name: 'Đảng bộ Lục Nam (tái lập)',
      kind: 'party_organisation',
      level: 'commune',
      block: 'party',
      parentId: ids['TU-BN'],
      validFrom: '2026-01-01',
    });
    expect(reused.id).not.toBe(ids['HU-LN']);
  });

  it('refuses a province under a commune (ORG-1)', async () => {
    const error = await serviceError(on('2026-01-01', [{ type: 'move', unit: { code: 'UBND-BN' }, newParent: { code: 'DU-PT' } }]));
    expect(error.code).toBe(OrgErrorCode.LevelOrder);
  });

  it('refuses a change dated before a later recorded change, instead of rewriting history', async () => {
    const error = await serviceError(on('2025-06-01', [{ type: 'rename', unit: { id: ids['DU-PT'] }, name: 'Tên cũ' }]));
    expect(error.code).toBe(OrgErrorCode.LaterChangeExists);
  });

  it('names the bad reference when a unit does not exist at the date', async () => {
    const error = await serviceError(on('2019-01-01', [{ type: 'rename', unit: { code: 'TU-BN' }, name: 'x' }]));
    expect(error.code).toBe(OrgErrorCode.ReferencedUnitNotFound);
    expect(error.errors?.[0].path).toBe('operations.0.unit');
  });
});

describe('split (ORG-3)', () => {
  it('splits one unit into several, each child going where the operation says, with lineage to every part', async () => {
    const date = '2026-06-01';
    await h.call(OrgSubject.restructuringApply, {
      decisionRef: '15-NQ/TU',
      effectiveDate: date,
      operations: [
        { type: 'create', ref: 'north', unit: { code: 'DU-PT-N', name: 'Đảng ủy xã Phật Tích Bắc', kind: 'party_committee', level: 'commune', block: 'party' }, parent: { code: 'TU-BN' } },
        { type: 'create', ref: 'south', unit: { code: 'DU-PT-S', name: 'Đảng ủy xã Phật Tích Nam', kind: 'party_committee', level: 'commune', block: 'party' }, parent: { code: 'TU-BN' } },
        { type: 'create', ref: 'cell', unit: { code: 'CB-PT-1', name: 'Chi bộ thôn Phật Tích', kind: 'party_cell', level: 'grassroots', block: 'party' }, parent: { code: 'DU-PT' } },
        { type: 'split', source: { code: 'DU-PT' }, into: [{ ref: 'north' }, { ref: 'south' }], children: [{ child: { ref: 'cell' }, to: { ref: 'south' } }] },
      ],
    });
    const south = await unitByCode('DU-PT-S', date);
    const cell = await h.call<{ items: Array<{ code: string }> }>(OrgSubject.unitAncestors, { id: (await unitByCode('CB-PT-1', date)).id, asOf: date });
    expect(cell.items.map((a) => a.code)).toEqual(['TU-BN', 'DU-PT-S']);
    const lineage = await h.call<LineageView>(OrgSubject.unitLineage, { id: ids['DU-PT'] });
    expect(lineage.successors.map((e) => [e.code, e.operation]).sort()).toEqual([
      ['DU-PT-N', 'split'],
      ['DU-PT-S', 'split'],
    ]);
    const back = await h.call<LineageView>(OrgSubject.unitLineage, { id: south.id });
    expect(back.predecessors.map((e) => e.code)).toEqual(['DU-PT']);
    const error = await serviceError(h.call(OrgSubject.unitGet, { id: ids['DU-PT'], asOf: date }));
    expect(error.code).toBe(OrgErrorCode.UnitNotFound);
  });
});

describe('future-dated restructurings and renames', () => {
  it('takes effect on its date: today still reads the old name, the date reads the new one, former names are kept', async () => {
    const future = '2099-01-01';
    await h.call(OrgSubject.restructuringApply, {
      decisionRef: '99-QĐ/TU',
      effectiveDate: future,
      operations: [{ type: 'rename', unit: { code: 'UBND-BN' }, name: 'Ủy ban nhân dân tỉnh Bắc Ninh (mới)' }],
    });
    const today = await h.call<UnitView>(OrgSubject.unitGet, { id: ids['UBND-BN'] });
    expect(today.name).toBe('Ủy ban nhân dân tỉnh Bắc Ninh');
    const then = await h.call<UnitView>(OrgSubject.unitGet, { id: ids['UBND-BN'], asOf: future });
    expect(then.name).toBe('Ủy ban nhân dân tỉnh Bắc Ninh (mới)');
    expect(then.formerNames).toEqual([{ name: 'Ủy ban nhân dân tỉnh Bắc Ninh', shortName: null, validFrom: '2020-10-15', validTo: future }]);
  });
});

describe('search', () => {
  it('finds units without diacritics or case (DOC-12 applies to names too)', async () => {
    const page = await h.call<UnitPage>(OrgSubject.unitList, { q: 'bac giang', asOf: '2021-01-01' });
    expect(page.items.map((u) => u.code).sort()).toEqual(['BTC-BG', 'TU-BG']);
    const folded = await h.call<UnitPage>(OrgSubject.unitList, { q: 'PHẬT tich', asOf: '2021-01-01' });
    expect(folded.items.map((u) => u.code)).toEqual(['DU-PT']);
  });

  it('pages with a cursor and never repeats a unit', async () => {
    const first = await h.call<UnitPage>(OrgSubject.unitList, { asOf: '2021-01-01', limit: 4 });
    expect(first.items).toHaveLength(4);
    const second = await h.call<UnitPage>(OrgSubject.unitList, { asOf: '2021-01-01', limit: 100, cursor: first.nextCursor });
    expect(second.nextCursor).toBeNull();
    const all = [...first.items, ...second.items].map((u) => u.code);
    expect(new Set(all).size).toBe(10);
  });

  it('refuses a forged cursor as invalid input', async () => {
    const error = await serviceError(h.call(OrgSubject.unitSubtree, { id: ids['TU-BN'], cursor: Buffer.from('{"path":"x;drop"}').toString('base64url') }));
    expect(error.code).toBe('VALIDATION_FAILED');
  });
});
