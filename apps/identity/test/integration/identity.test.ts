import { AuthErrorCode, type CallerIdentity } from '@contracts/common';
import { IdentityErrorCode, IdentityEventSubject, IdentitySubject, type ResolvedCaller, type SessionGrant, type UserView } from '@contracts/identity';
import { ORG_BUS, ORG_EVENTS_STREAM, ORG_EVENTS_SUBJECTS, ORG_SERVICE, OrgEventSubject } from '@contracts/org-structure';
import { ensureStream, jetstream, publishEvent } from '@platform/nats';
import type { NatsConnection } from '@nats-io/transport-node';
import { serviceError, startServiceHarness, SYSTEM_ADMINISTRATOR, type ServiceHarness } from '@platform/service-testing';
import { waitFor } from '@platform/testing';
import { randomUUID } from 'node:crypto';
import type { IdentityConfig } from '../../src/config';
import { identityService } from '../../src/service';
import { SuccessorFollower } from '../../src/successor-follower';

/*
 * Identity as its own service, over a real nats-server and PostgreSQL: who a token stands for, sessions, and role
 * assignments that follow merged units (ORG-8), each change announced so the gateways forget cached callers.
 */
let h: ServiceHarness<IdentityConfig>;
const ADDRESS = '192.0.2.7';
const admin: CallerIdentity = { ...SYSTEM_ADMINISTRATOR, clientAddress: ADDRESS };

beforeAll(async () => {
  h = await startServiceHarness(identityService, { otherServices: [ORG_BUS] });
});

afterAll(async () => {
  await h?.stop();
});

async function newUser(username: string): Promise<UserView> {
  return h.call<UserView>(IdentitySubject.userCreate, { username, displayName: username, password: `${username}-long-passphrase`, clearance: 'none' }, admin);
}

const published = () => h.db.query<Array<{ subject: string; payload: { data: { userIds: string[]; reason: string } } }>>('SELECT subject, payload FROM outbox ORDER BY seq');

it('grants a session on the right password and resolves its token to the user and roles in force', async () => {
  const user = await newUser('resolve.me');
  await h.call(IdentitySubject.roleAssign, { id: user.id, role: 'records-clerk', unitId: null, validFrom: '2020-01-01' }, admin);
  const grant = await h.call<SessionGrant>(IdentitySubject.login, { username: 'resolve.me', password: 'resolve.me-long-passphrase', clientAddress: ADDRESS }, null);
  expect(grant).toMatchObject({ userId: user.id, sessionId: expect.any(String), refreshToken: expect.any(String) });
  const resolved = await h.call<ResolvedCaller>(IdentitySubject.callerResolve, { kind: 'local', userId: user.id, sessionId: grant.sessionId }, null);
  expect(resolved).toEqual({
    caller: { userId: user.id, username: 'resolve.me', roles: [{ role: 'records-clerk', unitId: null }], clearance: 'none' },
    sessionId: grant.sessionId,
  });
});

it('refuses to resolve a disabled account or an ended session, and announces both changes', async () => {
  const user = await newUser('soon.disabled');
  const grant = await h.call<SessionGrant>(IdentitySubject.login, { username: 'soon.disabled', password: 'soon.disabled-long-passphrase', clientAddress: ADDRESS }, null);
  const asUser: CallerIdentity = { userId: user.id, username: user.username, roles: [], clearance: 'none', clientAddress: ADDRESS };
  await h.call(IdentitySubject.logout, { sessionId: grant.sessionId }, asUser);
  const ended = await serviceError(h.call(IdentitySubject.callerResolve, { kind: 'local', userId: user.id, sessionId: grant.sessionId }, null));
  expect(ended).toMatchObject({ code: AuthErrorCode.Unauthenticated, message: 'The session has ended' });

  await h.call(IdentitySubject.userUpdate, { id: user.id, status: 'disabled' }, admin);
  const disabled = await serviceError(h.call(IdentitySubject.callerResolve, { kind: 'local', userId: user.id, sessionId: null }, null));
  expect(disabled).toMatchObject({ code: AuthErrorCode.Unauthenticated });

  const changes = (await published()).filter((event) => event.payload.data.userIds.includes(user.id)).map((event) => event.payload.data.reason);
  expect(changes).toEqual(['session', 'account']);
  expect(new Set((await published()).map((event) => event.subject))).toEqual(new Set([IdentityEventSubject.callersChanged]));
});

it('answers its own code for a missing user or assignment, never another service\'s', async () => {
  expect(await serviceError(h.call(IdentitySubject.userGet, { id: randomUUID() }, admin))).toMatchObject({ code: IdentityErrorCode.UserNotFound });
  const user = await newUser('no.assignment');
  expect(await serviceError(h.call(IdentitySubject.roleEnd, { id: user.id, assignmentId: randomUUID() }, admin))).toMatchObject({
    code: IdentityErrorCode.AssignmentNotFound,
  });
});

it('refuses a scoped administrator, and a message without a caller token on a handler that needs one', async () => {
  const scoped: CallerIdentity = { ...admin, roles: [{ role: 'administrator', unitId: randomUUID() }] };
  expect(await serviceError(h.call(IdentitySubject.userList, { limit: 10 }, scoped))).toMatchObject({ code: AuthErrorCode.Forbidden });
  expect(await serviceError(h.call(IdentitySubject.userList, { limit: 10 }, null))).toMatchObject({ code: AuthErrorCode.Unauthenticated });
});

describe('role assignments follow a merged unit (ORG-8), read from org-structure\'s stream', () => {
  let asOrgStructure: NatsConnection;
  const merge = (predecessor: string, successor: string) => ({
    eventId: randomUUID(),
    type: OrgEventSubject.unitsMerged,
    occurredAt: new Date().toISOString(),
    effectiveDate: '2025-07-01',
    decisionRef: '202/2025/QH15',
    restructuringId: randomUUID(),
    data: {
      operation: 'merge',
      predecessors: [{ unitId: predecessor, code: 'OLD', path: [predecessor] }],
      successors: [{ unitId: successor, code: 'NEW', path: [successor] }],
      pathsChanged: [],
    },
  });
  // As org-structure's relay publishes: the event id is the message id.
  const publish = (event: { eventId: string; type: string }) => publishEvent(jetstream(asOrgStructure), { id: event.eventId, subject: event.type, payload: event });
  const openAssignments = (userId: string) =>
    h.db.query('SELECT unit_id, valid_from::text FROM role_assignment WHERE user_id = $1 AND valid_to IS NULL', [userId]);

  beforeAll(async () => {
    asOrgStructure = await h.connectAs(ORG_SERVICE);
    await ensureStream(asOrgStructure, ORG_EVENTS_STREAM, [ORG_EVENTS_SUBJECTS]);
  });

  it('moves the assignment to the successor from the effective date, and announces whose roles changed', async () => {
    const user = await newUser('follows.merger');
    const [oldUnit, newUnit] = [randomUUID(), randomUUID()];
    await h.call(IdentitySubject.roleAssign, { id: user.id, role: 'organisation-board', unitId: oldUnit, validFrom: '2020-01-01' }, admin);
    await publish(merge(oldUnit, newUnit));
    await waitFor(async () => (await openAssignments(user.id)).some((row: { unit_id: string }) => row.unit_id === newUnit), 20_000, 'the role to follow');
    expect(await h.db.query('SELECT unit_id, valid_from::text, valid_to::text FROM role_assignment WHERE user_id = $1 ORDER BY valid_from', [user.id])).toEqual([
      { unit_id: oldUnit, valid_from: '2020-01-01', valid_to: '2025-07-01' },
      { unit_id: newUnit, valid_from: '2025-07-01', valid_to: null },
    ]);
    const successorEvents = (await published()).filter((e) => e.payload.data.reason === 'successor' && e.payload.data.userIds.includes(user.id));
    expect(successorEvents).toHaveLength(1);
  });

  it('applies an event once, even applied again by hand after a replay of the stream', async () => {
    const user = await newUser('once.only');
    const [oldUnit, newUnit] = [randomUUID(), randomUUID()];
    await h.call(IdentitySubject.roleAssign, { id: user.id, role: 'records-clerk', unitId: oldUnit, validFrom: '2020-01-01' }, admin);
    const event = merge(oldUnit, newUnit);
    await publish(event);
    await waitFor(async () => (await openAssignments(user.id))[0]?.unit_id === newUnit, 20_000, 'the role to follow');
    // The inbox has it; the follower applied before the inbox existed are kept in processed_event: both hold.
    await h.db.transaction((manager) => h.get(SuccessorFollower).receive(OrgEventSubject.unitsMerged, event, manager));
    expect(await h.db.query('SELECT count(*)::int AS n FROM role_assignment WHERE user_id = $1', [user.id])).toEqual([{ n: 2 }]);
  });

  it('changes nothing on a malformed event (a merge with no successor), and puts it on record', async () => {
    const user = await newUser('not.widened');
    const unit = randomUUID();
    await h.call(IdentitySubject.roleAssign, { id: user.id, role: 'organisation-board', unitId: unit, validFrom: '2020-01-01' }, admin);
    const forged = merge(unit, unit);
    (forged.data.successors[0] as { unitId: string | null }).unitId = null;
    await publish(forged);
    await waitFor(
      async () => (await h.db.query(`SELECT 1 FROM audit_log WHERE action = 'admin.role.follow-successor' AND outcome = 'denied' AND object->>'id' = $1`, [forged.eventId])).length === 1,
      20_000,
      'the refusal on record',
    );
    expect(await openAssignments(user.id)).toEqual([{ unit_id: unit, valid_from: '2020-01-01' }]);
  });
});
