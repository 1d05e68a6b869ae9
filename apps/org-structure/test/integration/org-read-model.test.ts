import { Permission, scopeFor, type ServiceBusContract } from '@contracts/common';
import { OrgSubject, orgUnitEventsConsumer, type ImportResult, type UnitPage } from '@contracts/org-structure';
import type { NatsConnection } from '@nats-io/transport-node';
import { eventInboxTableSql, type DurableEventConsumer } from '@platform/event-consumer';
import { createLogger } from '@platform/logging';
import { createOrgReadModelConsumer, OrgReadModel, orgReadModelTableSql, type OrgScope } from '@platform/org-read-model';
import { createDataSource, poolReader } from '@platform/persistence';
import { createTestDatabase, waitFor, type TestDatabase } from '@platform/testing';
import type { DataSource } from 'typeorm';
import { Scope } from '../../src/domain/scope';
import { twoProvinces } from '../support/fixtures';
import { scopedCaller, startOrgHarness, type OrgHarness } from '../support/org-harness';

/*
 * Another service's read model of the tree (ARCHITECTURE decision 1), kept from org-structure's real events: it
 * must hold the states org-structure holds and answer scope as org-structure's own Scope does.
 */
const READER_SCHEMA = 'reader';
const READER_CONSUMER = orgUnitEventsConsumer('reader-org-units');
const READER: ServiceBusContract = { service: 'reader', requests: ['reader.v1.>'], stream: null, consumers: [READER_CONSUMER] };

let h: OrgHarness;
let readerDatabase: TestDatabase;
let readerDb: DataSource;
let readerBus: NatsConnection;
let consumer: DurableEventConsumer;
let model: OrgReadModel;
const ids: Record<string, string> = {};

async function idOf(code: string, asOf: string): Promise<string> {
  const page = await h.call<UnitPage>(OrgSubject.unitList, { code, asOf });
  expect(page.items).toHaveLength(1);
  return page.items[0].id;
}

async function restructure(effectiveDate: string, operations: unknown[]): Promise<void> {
  await h.call(OrgSubject.restructuringApply, { decisionRef: `${effectiveDate}/TEST`, effectiveDate, operations });
}

/** The model has applied everything org-structure committed. */
async function caughtUp(): Promise<void> {
  await waitFor(async () => {
    const [{ n }] = await h.db.query('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL');
    return n === 0 && (await consumer.pending()) === 0;
  }, 20_000, 'the read model to apply every event');
}

const STATES = `SELECT unit_id::text, code, name, level, kind, path::text, valid_from::text, valid_to::text FROM %s
                 ORDER BY unit_id, valid_from, valid_to NULLS LAST`;
const LINEAGE = `SELECT predecessor_id::text, successor_id::text, operation, effective_date::text FROM %s
                  ORDER BY predecessor_id, successor_id`;

beforeAll(async () => {
  h = await startOrgHarness({ services: [READER] });
  readerDatabase = await createTestDatabase('reader');
  readerDb = await createDataSource({ url: readerDatabase.url, schema: READER_SCHEMA, migrations: [], poolSize: 4, statementTimeoutMs: 10_000, applicationName: 'reader' }).initialize();
  // What the reading service's migration does (its extensions come from provisioning).
  await readerDb.query('CREATE EXTENSION IF NOT EXISTS ltree WITH SCHEMA public');
  await readerDb.query('CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public');
  await readerDb.query(`CREATE SCHEMA ${READER_SCHEMA}`);
  for (const sql of [...eventInboxTableSql(READER_SCHEMA), ...orgReadModelTableSql(READER_SCHEMA)]) await readerDb.query(sql);
  readerBus = await h.connectAs(READER.service);
  model = new OrgReadModel(readerDb, READER_SCHEMA);

  // Before the model exists: the tree is imported and changed.
  const imported = await h.call<ImportResult>(OrgSubject.importUnits, { format: 'json', rows: twoProvinces('2020-10-15') });
  expect(imported.created).toBe(10);
  for (const row of twoProvinces()) ids[row.code] = await idOf(row.code, '2021-01-01');
  const created = await h.call<{ id: string }>(OrgSubject.unitCreate, {
    code: 'DU-LB', name: 'Đảng ủy xã Lạc Vệ', kind: 'party_committee', level: 'commune', block: 'party', parentId: ids['HU-TD'], validFrom: '2021-01-01',
  });
  ids['DU-LB'] = created.id;
  await restructure('2023-01-01', [{ type: 'rename', unit: { code: 'HU-LN' }, name: 'Huyện ủy Lục Nam (đổi tên)' }]);
  // DU-TS leaves Bắc Giang's subtree for Bắc Ninh's.
  await restructure('2024-03-01', [{ type: 'move', unit: { code: 'DU-TS' }, newParent: { code: 'HU-TD' } }]);

  // The model starts empty and fills itself from the start of the stream.
  expect(await model.isEmpty()).toBe(true);
  consumer = createOrgReadModelConsumer({
    consumer: READER_CONSUMER,
    connection: async () => readerBus,
    dataSource: readerDb,
    schema: READER_SCHEMA,
    logger: createLogger({ service: 'reader', level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    retryDelayMs: 200,
  });
  consumer.start();
  await caughtUp();

  // While it runs: a split, the merger, a dissolution and a future rename.
  await restructure('2025-01-01', [
    { type: 'create', ref: 'a', unit: { code: 'HU-TD-A', name: 'Huyện ủy Tiên Du A', kind: 'party_committee', level: 'district', block: 'party' }, parent: { code: 'TU-BN' } },
    { type: 'create', ref: 'b', unit: { code: 'HU-TD-B', name: 'Huyện ủy Tiên Du B', kind: 'party_committee', level: 'district', block: 'party' }, parent: { code: 'TU-BN' } },
    {
      type: 'split',
      source: { code: 'HU-TD' },
      into: [{ ref: 'a' }, { ref: 'b' }],
      children: [
        { child: { code: 'DU-PT' }, to: { ref: 'a' } },
        { child: { code: 'DU-LB' }, to: { ref: 'a' } },
        { child: { code: 'DU-TS' }, to: { ref: 'b' } },
      ],
    },
  ]);
  await restructure('2025-07-01', [
    { type: 'move', unit: { code: 'DU-BD' }, newParent: { code: 'TU-BG' } },
    { type: 'dissolve', unit: { code: 'HU-LN' } },
    { type: 'merge', sources: [{ code: 'TU-BG' }], into: { code: 'TU-BN' } },
  ]);
  await restructure('2025-08-01', [{ type: 'dissolve', unit: { code: 'CB-BD-1' } }]);
  await restructure('2099-01-01', [{ type: 'rename', unit: { code: 'UBND-BN' }, name: 'Ủy ban nhân dân tỉnh Bắc Ninh (mới)' }]);
  ids['HU-TD-A'] = await idOf('HU-TD-A', '2025-01-01');
  ids['HU-TD-B'] = await idOf('HU-TD-B', '2025-01-01');
  await caughtUp();
});

afterAll(async () => {
  await consumer?.stop();
  await readerDb?.destroy();
  await readerDatabase?.drop();
  await h?.stop();
});

describe('the organisation read model kept from org-structure\'s events', () => {
  it('holds every state of every unit that org-structure holds, and the same lineage (ORG-2, ORG-3)', async () => {
    const theirs = await h.db.query(STATES.replace('%s', 'unit_version'));
    const ours = await readerDb.query(STATES.replace('%s', `${READER_SCHEMA}.org_unit_version`));
    expect(ours).toEqual(theirs);
    expect(ours.length).toBeGreaterThan(20);
    expect(await readerDb.query(LINEAGE.replace('%s', `${READER_SCHEMA}.org_unit_lineage`))).toEqual(await h.db.query(LINEAGE.replace('%s', 'unit_lineage')));
  });

  it('answers a unit as of a date: its name, place, level and kind then, or nothing outside its life', async () => {
    expect((await model.unitAsOf(ids['HU-LN'], '2022-12-31'))?.name).toBe('Huyện ủy Lục Nam');
    expect(await model.unitAsOf(ids['HU-LN'], '2023-01-01')).toMatchObject({ code: 'HU-LN', name: 'Huyện ủy Lục Nam (đổi tên)', level: 'district', kind: 'party_committee', validFrom: '2023-01-01', validTo: '2025-07-01' });
    expect(await model.unitAsOf(ids['DU-LB'], '2021-01-01')).toMatchObject({ level: 'commune', kind: 'party_committee', path: [ids['TU-BN'], ids['HU-TD'], ids['DU-LB']] });
    expect((await model.unitAsOf(ids['CB-BD-1'], '2025-06-30'))?.path).toEqual([ids['TU-BG'], ids['HU-LN'], ids['DU-BD'], ids['CB-BD-1']]);
    expect((await model.unitAsOf(ids['CB-BD-1'], '2025-07-31'))?.path).toEqual([ids['TU-BN'], ids['DU-BD'], ids['CB-BD-1']]);
    expect(await model.unitAsOf(ids['CB-BD-1'], '2025-08-01')).toBeNull();
    expect(await model.unitAsOf(ids['TU-BG'], '2025-07-01')).toBeNull();
    expect(await model.unitAsOf(ids['TU-BG'], '2020-10-14')).toBeNull();
    expect((await model.unitAsOf(ids['UBND-BN'], '2099-01-01'))?.name).toBe('Ủy ban nhân dân tỉnh Bắc Ninh (mới)');
  });

  it('a unit moved out of a province lies in its scope until the move and in the new one\'s from then on', async () => {
    const bacGiang = await model.scopeOf([ids['TU-BG']]);
    const tienDu = await model.scopeOf([ids['HU-TD']]);
    expect(await bacGiang.containsAt(ids['DU-TS'], '2024-02-29')).toBe(true);
    expect(await bacGiang.containsAt(ids['DU-TS'], '2024-03-01')).toBe(false);
    expect(await tienDu.containsAt(ids['DU-TS'], '2024-02-29')).toBe(false);
    expect(await tienDu.containsAt(ids['DU-TS'], '2024-03-01')).toBe(true);
    expect(await bacGiang.containsEver(ids['DU-TS'])).toBe(true);
    expect(await bacGiang.containsEver(ids['DU-PT'])).toBe(false);
  });

  it('a role over a merge or split target covers its predecessors\' subtrees as they stood; the merged unit\'s own role ends with it', async () => {
    const bacNinh = await model.scopeOf([ids['TU-BN']]);
    expect(bacNinh.roots).toEqual(expect.arrayContaining([ids['TU-BN'], ids['TU-BG']]));
    expect(await bacNinh.containsAt(ids['BTC-BG'], '2022-06-01')).toBe(true);
    expect(await bacNinh.containsAt(ids['BTC-BG'], '2025-07-01')).toBe(true);
    const bacGiang = await model.scopeOf([ids['TU-BG']]);
    expect(await bacGiang.containsAt(ids['BTC-BG'], '2025-06-30')).toBe(true);
    expect(await bacGiang.containsAt(ids['BTC-BG'], '2025-07-01')).toBe(false);
    // A split's parts inherit their source's past: DU-TS lay under HU-TD before the split.
    const partB = await model.scopeOf([ids['HU-TD-B']]);
    expect(await partB.containsAt(ids['DU-TS'], '2024-06-01')).toBe(true);
    expect(await partB.containsAt(ids['DU-PT'], '2025-01-01')).toBe(false);
    // A dissolved cell is judged on its last day.
    expect(await bacNinh.containsAt(ids['CB-BD-1'], '2030-01-01')).toBe(true);
    expect(await (await model.scopeOf([])).containsEver(ids['TU-BN'])).toBe(false);
    expect(await (await model.scopeOf(null)).containsAt(ids['TU-BN'], '1900-01-01')).toBe(true);
  });

  it('answers every scope question as org-structure\'s Scope does, without asking it', async () => {
    const units = Object.values(ids);
    const roles = ['TU-BG', 'TU-BN', 'HU-LN', 'HU-TD', 'HU-TD-A', 'HU-TD-B', 'DU-BD', 'UBND-BN'];
    const dates = ['2020-10-14', '2020-10-15', '2022-12-31', '2023-01-01', '2024-02-29', '2024-03-01', '2024-12-31', '2025-01-01', '2025-06-30', '2025-07-01', '2025-08-01', '2099-01-01'];
    const reader = poolReader(h.db);
    const differences: string[] = [];
    for (const role of roles) {
      const caller = scopedCaller('records-clerk', ids[role]);
      const theirs = await Scope.of(reader, caller, Permission.OrgUnitRead);
      const ours: OrgScope = await model.scopeOf(scopeFor(caller, Permission.OrgUnitRead));
      expect([...(ours.roots ?? [])].sort()).toEqual([...(theirs.roots ?? [])].sort());
      for (const unit of units) {
        if ((await ours.containsEver(unit)) !== (await theirs.containsEver(reader, unit))) differences.push(`${role} ever ${unit}`);
        const visible = await theirs.datesVisible(reader, unit, dates);
        for (const date of dates) {
          if ((await ours.containsAt(unit, date)) !== visible.has(date)) differences.push(`${role} ${unit} ${date}`);
        }
      }
    }
    expect(differences).toEqual([]);
  });
});
