import { AuthErrorCode, type CallerIdentity } from '@contracts/common';
import { IdentityErrorCode, IdentityEventSubject, IdentitySubject, type ResolvedCaller, type SessionGrant, type UserView } from '@contracts/identity';
import { OrgEventSubject } from '@contracts/org-structure';
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
  h = await startServiceHarness(identityService);
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

describe('role assignments follow a merged unit (ORG-8)', () => {
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
  const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

  it('moves the assignment once, however often the event is delivered, and announces whose roles changed', async () => {
    const user = await newUser('follows.merger');
    const [oldUnit, newUnit] = [randomUUID(), randomUUID()];
    await h.call(IdentitySubject.roleAssign, { id: user.id, role: 'organisation-board', unitId: oldUnit, validFrom: '2020-01-01' }, admin);
    const follower = h.get(SuccessorFollower);
    const event = merge(oldUnit, newUnit);
    expect(await follower.receive(OrgEventSubject.unitsMerged, bytes(event))).toBe(true);
    expect(await follower.receive(OrgEventSubject.unitsMerged, bytes(event))).toBe(true);
    const rows = await h.db.query('SELECT unit_id, valid_from::text, valid_to::text FROM role_assignment WHERE user_id = $1 ORDER BY valid_from', [user.id]);
    expect(rows).toEqual([
      { unit_id: oldUnit, valid_from: '2020-01-01', valid_to: '2025-07-01' },
      { unit_id: newUnit, valid_from: '2025-07-01', valid_to: null },
    ]);
    const successorEvents = (await published()).filter((e) => e.payload.data.reason === 'successor' && e.payload.data.userIds.includes(user.id));
    expect(successorEvents).toHaveLength(1);
  });

  it('changes nothing on a malformed event, and puts it on record', async () => {
    const user = await newUser('not.widened');
    const unit = randomUUID();
    await h.call(IdentitySubject.roleAssign, { id: user.id, role: 'organisation-board', unitId: unit, validFrom: '2020-01-01' }, admin);
    const forged = merge(unit, unit);
    (forged.data.successors[0] as { unitId: string | null }).unitId = null;
    expect(await h.get(SuccessorFollower).receive(OrgEventSubject.unitsMerged, bytes(forged))).toBe(false);
    expect(await h.db.query('SELECT unit_id FROM role_assignment WHERE user_id = $1 AND valid_to IS NULL', [user.id])).toEqual([{ unit_id: unit }]);
    await waitFor(async () => (await h.db.query(`SELECT 1 FROM audit_log WHERE action = 'admin.role.follow-successor' AND outcome = 'denied'`)).length === 1, 5_000, 'the refusal on record');
  });
});
