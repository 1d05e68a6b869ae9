import { IdentityEventSubject, IdentitySubject } from '@contracts/identity';
import { CALLER_HEADER } from '@contracts/common';
import { ORG_EVENTS_STREAM, OrgEventSubject, OrgSubject } from '@contracts/org-structure';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers as natsHeaders, nkeyAuthenticator, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { newNatsUserKey } from '@platform/nats';
import { waitFor } from '@platform/testing';
import { randomUUID } from 'node:crypto';
import { provinceRows } from './support/dataset';
import { startPlatform, type Json, type Platform } from './support/platform';

/*
 * The bus as an attacker on the same network meets it (security hardening, items 1 and 2): NATS refuses clients
 * without a key it knows; each process may publish and subscribe only to what its role needs; events of a wrong
 * shape change nothing; and a caller token captured from one message opens no other.
 */
let p: Platform;
const id: Record<string, string> = {};
let scopedAdmin: { id: string; token: string };

const as = (token: string) => ({ authorization: `Bearer ${token}` });
const decoder = new TextDecoder();

/** A subscription's end: the error that closed it, or null while it is open. */
async function closedWithin(closed: Promise<void | Error>, ms = 2_000): Promise<Error | null | void> {
  return Promise.race([closed, new Promise<null>((resolve) => setTimeout(() => resolve(null), ms))]);
}

async function storedEvents(): Promise<number> {
  const manager = await jetstreamManager(await p.connectAs('org-structure'));
  return (await manager.streams.info(ORG_EVENTS_STREAM)).state.messages;
}

async function rolesOf(token: string): Promise<Json> {
  return (await p.http('GET', '/api/v1/auth/me', undefined, as(token))).body.roles;
}

/** A merge of the scoped administrator's province into nothing: what a forged event did to the role before. */
function nullSuccessorMerge(): Json {
  return {
    eventId: randomUUID(),
    type: OrgEventSubject.unitsMerged,
    occurredAt: new Date().toISOString(),
    effectiveDate: '2025-07-01',
    decisionRef: 'forged',
    restructuringId: randomUUID(),
    data: {
      operation: 'merge',
      predecessors: [{ unitId: id['QN-TU'], code: 'QN-TU', path: [id['QN-TU']] }],
      successors: [{ unitId: null, code: 'X', path: [] }],
      pathsChanged: [],
    },
  };
}

beforeAll(async () => {
  p = await startPlatform();
  await p.http('POST', '/api/v1/org/imports', { format: 'json', rows: [...provinceRows('QN', 'Quảng Ninh'), ...provinceRows('HP', 'Hải Phòng')] });
  for (const code of ['QN-TU', 'QN-X1', 'HP-TU']) id[code] = (await p.http('GET', `/api/v1/org/units?code=${code}`)).body.items[0].id;
  scopedAdmin = await p.userWithRole('administrator', id['QN-TU']);
});

afterAll(async () => {
  await p?.stop();
});

describe('NATS authenticates every connection (item 1)', () => {
  it('refuses a client without credentials, and one whose key the server does not know', async () => {
    await expect(connect({ servers: p.nats.url, reconnect: false })).rejects.toThrow(/Authorization Violation/i);
    const stranger = newNatsUserKey();
    await expect(
      connect({ servers: p.nats.url, reconnect: false, authenticator: nkeyAuthenticator(new TextEncoder().encode(stranger.seed)) }),
    ).rejects.toThrow(/Authorization Violation/i);
  });

  it("refuses the gateway's key on org-structure's events: the forged merge never reaches the stream or the roles", async () => {
    const before = await storedEvents();
    const gateway = await p.connectAs('gateway');
    gateway.publish(OrgEventSubject.unitsMerged, JSON.stringify(nullSuccessorMerge()));
    await expect(jetstream(gateway).publish(OrgEventSubject.unitsMerged, JSON.stringify(nullSuccessorMerge()), { timeout: 1_000 })).rejects.toThrow();
    await gateway.flush();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await storedEvents()).toBe(before);
    expect(await rolesOf(scopedAdmin.token)).toEqual([{ role: 'administrator', unitId: id['QN-TU'] }]);
  });

  it('lets no process listen on what is not its own: requests, or another process\'s replies', async () => {
    const gateway = await p.connectAs('gateway');
    const eavesdrop = gateway.subscribe('org.v1.>');
    expect(String(await closedWithin(eavesdrop.closed))).toMatch(/Permissions Violation for Subscription/);
    const service = await p.connectAs('org-structure');
    const replies = service.subscribe('_INBOX_gateway.>');
    expect(String(await closedWithin(replies.closed))).toMatch(/Permissions Violation for Subscription/);
    const everything = service.subscribe('>');
    expect(String(await closedWithin(everything.closed))).toMatch(/Permissions Violation for Subscription/);
  });

  it('lets a service send no requests: only the gateway asks services', async () => {
    const service = await p.connectAs('org-structure');
    await expect(service.request(OrgSubject.unitList, JSON.stringify({ pattern: OrgSubject.unitList, data: {}, id: '1' }), { timeout: 1_000 })).rejects.toThrow();
  });

  it("reaches identity's open subjects only from the gateway, and lets no one but identity announce caller changes", async () => {
    const service = await p.connectAs('org-structure');
    // The subjects identity answers before any caller exists (who a token stands for, the gateway's refusals).
    for (const subject of [IdentitySubject.callerResolve, IdentitySubject.gatewayRefusal, IdentitySubject.login]) {
      await expect(service.request(subject, JSON.stringify({ pattern: subject, data: {}, id: '1' }), { timeout: 1_000 })).rejects.toThrow();
    }
    // A forged "callers changed" would make every gateway drop its cache: neither the gateway nor another service
    // may put one on identity's stream.
    for (const process of ['gateway', 'org-structure']) {
      const connection = await p.connectAs(process);
      const forged = { eventId: randomUUID(), type: IdentityEventSubject.callersChanged, occurredAt: new Date().toISOString(), data: { userIds: [], reason: 'account' } };
      await expect(jetstream(connection).publish(IdentityEventSubject.callersChanged, JSON.stringify(forged), { timeout: 1_000 })).rejects.toThrow();
    }
  });

  it('a merge event of the wrong shape, even from org-structure itself, changes no role and is on record', async () => {
    const event = nullSuccessorMerge();
    const service = await p.connectAs('org-structure');
    await jetstream(service).publish(OrgEventSubject.unitsMerged, JSON.stringify(event), { msgID: event.eventId });
    let refused: Json[] = [];
    await waitFor(
      async () => {
        const records = await p.http('GET', '/api/v1/audit/events?action=admin.role.follow-successor');
        refused = records.body.items.filter((r: Json) => r.object.id === event.eventId);
        return refused.length > 0;
      },
      15_000,
      'the refusal to be recorded',
    );
    expect(refused[0]).toMatchObject({ outcome: 'denied', details: { reason: 'malformed event' } });
    expect(await rolesOf(scopedAdmin.token)).toEqual([{ role: 'administrator', unitId: id['QN-TU'] }]);
    // The scoped administrator still cannot list the whole system's users.
    expect((await p.http('GET', '/api/v1/admin/users', undefined, as(scopedAdmin.token))).status).toBe(403);
  });
});

describe('a captured caller token opens nothing else (item 2)', () => {
  let captured: Msg;
  let attacker: NatsConnection;

  beforeAll(async () => {
    // A listener beside the service (outside its queue group) sees a copy of each request, token and all.
    const spy = await p.connectAs('org-structure');
    const copies = spy.subscribe(OrgSubject.unitGet, { max: 1 });
    await spy.flush();
    expect((await p.http('GET', `/api/v1/org/units/${id['QN-X1']}`)).status).toBe(200);
    for await (const message of copies) captured = message;
    // Whoever holds the gateway's bus key (the one key allowed to send requests) tries to use it.
    attacker = await p.connectAs('gateway');
  });

  async function send(subject: string, body: string): Promise<Json> {
    const headers = natsHeaders();
    headers.set(CALLER_HEADER, captured.headers?.get(CALLER_HEADER) ?? '');
    const reply = await attacker.request(subject, body, { headers, timeout: 3_000 });
    return JSON.parse(decoder.decode(reply.data));
  }

  it('replayed as it was', async () => {
    const answer = await send(captured.subject, decoder.decode(captured.data));
    expect(answer.err).toMatchObject({ code: 'AUTH_UNAUTHENTICATED', details: { reason: 'replayed' } });
  });

  it('on another subject, with a forged rename', async () => {
    const rename = {
      decisionRef: 'forged',
      effectiveDate: '2025-01-01',
      operations: [{ type: 'rename', unit: { id: id['QN-X1'] }, name: 'Tên giả mạo' }],
    };
    const answer = await send(OrgSubject.restructuringApply, JSON.stringify({ pattern: OrgSubject.restructuringApply, data: rename, id: '2' }));
    expect(answer.err).toMatchObject({ code: 'AUTH_UNAUTHENTICATED', details: { reason: 'other-subject' } });
    expect((await p.http('GET', `/api/v1/org/units/${id['QN-X1']}?asOf=2025-06-01`)).body.name).not.toBe('Tên giả mạo');
  });

  it('on its subject with another payload', async () => {
    const body = decoder.decode(captured.data).replace(id['QN-X1'], id['HP-TU']);
    const answer = await send(captured.subject, body);
    expect(answer.err).toMatchObject({ code: 'AUTH_UNAUTHENTICATED', details: { reason: 'other-payload' } });
  });

  it('and every attempt is on the service\'s record', async () => {
    const records = await p.http('GET', '/api/v1/audit/events?service=org-structure&action=org.v1.restructuring.apply');
    expect(records.body.items[0]).toMatchObject({ outcome: 'denied', details: { code: 'AUTH_UNAUTHENTICATED', reason: 'other-subject' } });
  });
});
