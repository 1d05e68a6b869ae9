import { ORG_EVENTS_STREAM, OrgSubject, type ImportRow } from '@contracts/org-structure';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { waitFor } from '@platform/testing';
import { ImportUnits } from '../../src/imports/import-units';
import { twoProvinces } from '../support/fixtures';
import { startOrgHarness, TEST_OBSERVER, type OrgHarness } from '../support/org-harness';

let h: OrgHarness;
let nc: NatsConnection;
/** The service's own bus identity, for what only it may do (publish to its stream). */
let asService: NatsConnection;

interface StoredEvent {
  subject: string;
  msgId: string | undefined;
  eventId: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- event bodies are asserted field by field
  body: any;
}

/** Everything in the service's stream, read with an ordered consumer. */
async function storedEvents(): Promise<StoredEvent[]> {
  const consumer = await jetstream(nc).consumers.get(ORG_EVENTS_STREAM);
  const events: StoredEvent[] = [];
  const messages = await consumer.fetch({ max_messages: 1_000, expires: 1_000 });
  for await (const message of messages) {
    events.push({
      subject: message.subject,
      msgId: message.headers?.get('Nats-Msg-Id'),
      eventId: message.json<{ eventId: string }>().eventId,
      body: message.json(),
    });
    if (message.info.pending === 0) break;
  }
  return events;
}

async function unpublished(): Promise<number> {
  const [{ n }] = await h.db.query('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL');
  return n;
}

beforeAll(async () => {
  h = await startOrgHarness();
  nc = await h.connectAs(TEST_OBSERVER);
  asService = await h.connectAs('org-structure');
});

afterAll(async () => {
  await h?.stop();
});

describe('events through the transactional outbox into JetStream (ARCHITECTURE decision 3)', () => {
  it('publishes a committed change with Nats-Msg-Id equal to the event id', async () => {
    await h.call(OrgSubject.importUnits, { format: 'json', rows: twoProvinces() });
    await waitFor(async () => (await unpublished()) === 0, 10_000, 'the relay to publish');
    const events = await storedEvents();
    expect(events.length).toBeGreaterThan(0);
    expect(events[0].subject).toBe('org.events.unit.imported');
    expect(events.every((e) => e.msgId === e.eventId)).toBe(true);
  });

  it('publishes, after a restart, every event committed while the service was down, each stored once', async () => {
    await h.stopService();
    const rows: ImportRow[] = [
      { code: 'TU-VP', name: 'Tỉnh ủy Vĩnh Phúc', kind: 'party_committee', level: 'province', block: 'party', validFrom: '2020-10-15' },
    ];
    // Written straight to the database, as the operator import command does: only the outbox knows.
    await new ImportUnits(h.db, h.operatorUnitOfWork()).run(rows.map((row, i) => ({ line: i + 1, row })));
    const [{ id: pendingId }] = await h.db.query('SELECT id FROM outbox WHERE published_at IS NULL');
    expect(await unpublished()).toBe(1);

    // A crash between publishing and marking: the event already reached the stream once.
    await jetstream(asService).publish('org.events.unit.imported', JSON.stringify({ eventId: pendingId }), { msgID: pendingId });

    await h.startService();
    await waitFor(async () => (await unpublished()) === 0, 10_000, 'the relay to publish after restart');
    const copies = (await storedEvents()).filter((e) => e.eventId === pendingId);
    expect(copies).toHaveLength(1);
  });

  it('keeps events committed while NATS is down and publishes them when it is back', async () => {
    await h.nats.stop();
    await new ImportUnits(h.db, h.operatorUnitOfWork()).run([
      { line: 1, row: { code: 'TU-HB', name: 'Tỉnh ủy Hòa Bình', kind: 'party_committee', level: 'province', block: 'party', validFrom: '2020-10-15' } },
    ]);
    expect(await unpublished()).toBe(1);
    await h.nats.restart();
    await waitFor(async () => (await unpublished()) === 0, 20_000, 'the relay to publish after NATS came back');
    let imported: StoredEvent[] = [];
    // The test's own connection reconnects on its own schedule; read once it is back.
    await waitFor(
      async () => {
        imported = await storedEvents().then((all) => all.filter((e) => e.subject === 'org.events.unit.imported'), () => []);
        return imported.length >= 3;
      },
      20_000,
      'the stream to be readable again',
    );
    expect(imported).toHaveLength(3);
  });

  it('says what a created unit is, and on which day each imported unit begins, for read models of the tree', async () => {
    const parent = await h.call<{ id: string }>(OrgSubject.unitCreate, {
      code: 'TU-PT', name: 'Tỉnh ủy Phú Thọ', kind: 'party_committee', level: 'province', block: 'party', validFrom: '2020-10-15',
    });
    await h.call(OrgSubject.importUnits, {
      format: 'json',
      rows: [
        { code: 'HU-TT', name: 'Huyện ủy Tam Thanh', kind: 'party_committee', level: 'district', block: 'party', parentCode: 'TU-PT', validFrom: '2020-10-15' },
        { code: 'DU-TT', name: 'Đảng ủy xã Tân Thanh', kind: 'party_committee', level: 'commune', block: 'party', parentCode: 'HU-TT', validFrom: '2021-03-01' },
      ],
    });
    await waitFor(async () => (await unpublished()) === 0, 10_000, 'the relay to publish');
    const events = await storedEvents();
    const created = events.find((e) => e.subject === 'org.events.unit.created' && e.body.data.successors[0].unitId === parent.id);
    expect(created?.body.data).toMatchObject({ name: 'Tỉnh ủy Phú Thọ', kind: 'party_committee', level: 'province' });
    const imported = events.filter((e) => e.subject === 'org.events.unit.imported').flatMap((e) => e.body.data?.units ?? []);
    expect(imported.filter((u: { code: string }) => ['HU-TT', 'DU-TT'].includes(u.code)).map((u: { code: string; validFrom: string }) => [u.code, u.validFrom])).toEqual([
      ['HU-TT', '2020-10-15'],
      ['DU-TT', '2021-03-01'],
    ]);
  });
});
