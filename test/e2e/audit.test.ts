import { PLATFORM_SERVICE_NAMES } from '@contracts/registry';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { waitFor } from '@platform/testing';
import { provinceRows } from './support/dataset';
import { startPlatform, type Json, type Platform } from './support/platform';

/* Every authentication, denied request and change is on an append-only, hash-chained record that detects tampering. */
let p: Platform;
let auditor: { token: string; id: string };

const as = (token: string) => ({ authorization: `Bearer ${token}` });

const sql = <T = Json>(text: string, params: unknown[] = []) => p.sql<T>(text, params);

beforeAll(async () => {
  p = await startPlatform();
  await p.http('POST', '/api/v1/org/imports', { format: 'json', rows: provinceRows('HB', 'Hòa Bình') });
  auditor = await p.userWithRole('auditor', null);
});

afterAll(async () => {
  await p?.stop();
});

it('records logins, denied requests and changes, each with who, what, when and the request id', async () => {
  await p.http('GET', '/api/v1/admin/users', undefined, as(auditor.token)); // denied: auditors do not administer
  const logins = await p.http('GET', '/api/v1/audit/events?action=auth.login', undefined, as(auditor.token));
  expect(logins.status).toBe(200);
  expect(logins.body.items.some((r: Json) => r.outcome === 'success' && r.actor.username === 'admin')).toBe(true);

  const denied = await p.http('GET', `/api/v1/audit/events?actor=${auditor.id}&action=http.get`, undefined, as(auditor.token));
  expect(denied.body.items[0]).toMatchObject({ outcome: 'denied', object: { type: 'route', id: '/api/v1/admin/users' } });

  const change = await p.http('POST', '/api/v1/org/restructurings', {
    decisionRef: '10-NQ/TU',
    effectiveDate: '2025-01-01',
    operations: [{ type: 'rename', unit: { code: 'HB-X1' }, name: 'Đảng ủy xã Một (mới)' }],
  });
  const changes = await p.http('GET', '/api/v1/audit/events?service=org-structure&action=org.v1.restructuring.apply', undefined, as(auditor.token));
  expect(changes.body.items[0]).toMatchObject({
    outcome: 'success',
    object: { id: change.body.id },
    requestId: change.headers.get('x-request-id'),
    actor: { username: 'admin', roles: ['administrator'] },
  });
});

it('audits reading the audit trail itself', async () => {
  await p.http('GET', '/api/v1/audit/events', undefined, as(auditor.token));
  const reads = await p.http('GET', `/api/v1/audit/events?action=audit.read&actor=${auditor.id}`, undefined, as(auditor.token));
  expect(reads.body.items.length).toBeGreaterThanOrEqual(2);
});

it('is refused to roles without audit.read', async () => {
  const clerk = await p.userWithRole('records-clerk', null);
  expect((await p.http('GET', '/api/v1/audit/events', undefined, as(clerk.token))).status).toBe(403);
});

it("cannot be changed, disabled or dropped by the service's own database role (item 9)", async () => {
  const attempts = [
    ['identity', 'UPDATE identity.audit_log SET action = $1', ['x']],
    ['identity', 'DELETE FROM identity.audit_log', []],
    ['identity', 'ALTER TABLE identity.audit_log DISABLE TRIGGER USER', []],
    ['identity', 'SET session_replication_role = replica', []],
    ['org_structure', 'DELETE FROM org_structure.audit_log', []],
    ['org_structure', 'TRUNCATE org_structure.audit_log', []],
    ['org_structure', 'DROP TABLE org_structure.audit_log', []],
    ['org_structure', 'SELECT * FROM identity.app_user', []],
  ] as const;
  for (const [role, text, params] of attempts) {
    const client = new Client({ connectionString: p.serviceDatabaseUrl(role) });
    await client.connect();
    try {
      await expect(client.query(text, [...params])).rejects.toThrow(/permission denied|must be owner|not allowed/);
    } finally {
      await client.end();
    }
  }
});

it('verifies every chain, and detects a modified record', async () => {
  const clean = await p.http('GET', '/api/v1/audit/verify', undefined, as(auditor.token));
  expect(clean.body.ok).toBe(true);
  // One chain per registered service.
  expect(clean.body.chains.map((c: Json) => [c.service, c.ok])).toEqual(PLATFORM_SERVICE_NAMES.map((name) => [name, true]));
  expect(clean.body.chains.find((c: Json) => c.service === 'org-structure').head.hash).toMatch(/^[0-9a-f]{64}$/);

  // Someone with the database owner's rights switches the guard off and edits history.
  await sql(`ALTER TABLE org_structure.audit_log DISABLE TRIGGER USER`);
  await sql(`UPDATE org_structure.audit_log SET details = '{"events":[]}' WHERE seq = 1`);
  await sql(`ALTER TABLE org_structure.audit_log ENABLE TRIGGER USER`);
  let tampered: Json = null;
  await waitFor(async () => {
    tampered = await p.http('GET', '/api/v1/audit/verify?service=org-structure', undefined, as(auditor.token));
    return tampered.status === 200;
  }, 5_000, 'verify');
  expect(tampered.body.ok).toBe(false);
  expect(tampered.body.chains[0].problems[0]).toMatchObject({ seq: '1', problem: 'hash-mismatch' });
});

it('has operator commands to export a head and verify a chain against it', () => {
  const cli = (app: string, ...args: string[]) =>
    spawnSync(process.execPath, [join(__dirname, '..', '..', `apps/${app}/dist/cli.js`), ...args], {
      env: { ...p.envOf(app), LOG_LEVEL: 'silent' },
      encoding: 'utf8',
    });
  const head = JSON.parse(cli('identity', 'audit:head').stdout);
  expect(head.hash).toMatch(/^[0-9a-f]{64}$/);
  expect(cli('identity', 'audit:verify', head.seq, head.hash).status).toBe(0);
  expect(cli('identity', 'audit:verify', head.seq, '0'.repeat(64)).status).toBe(1);
  // The org-structure chain was tampered with above.
  expect(cli('org-structure', 'audit:verify').status).toBe(1);
});
