import type { NatsConnection } from '@nats-io/transport-node';
import { IDENTITY_SERVICE } from '@contracts/identity';
import { ORG_SERVICE, OrgSubject } from '@contracts/org-structure';
import { waitFor } from '@platform/testing';
import { provinceRows } from './support/dataset';
import { startPlatform, type Platform } from './support/platform';

/* A dependency that is down gives 503/504 quickly, never a hang; recovery needs no gateway restart. */
let p: Platform;
let provinceId: string;

async function outbox(): Promise<{ total: number; unpublished: number }> {
  const [row] = await p.sql<{ total: number; unpublished: number }>(
    'SELECT count(*)::int AS total, count(*) FILTER (WHERE published_at IS NULL)::int AS unpublished FROM org_structure.outbox',
  );
  return row;
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = Date.now();
  const result = await work();
  return { result, ms: Date.now() - start };
}

beforeAll(async () => {
  p = await startPlatform({ requestTimeoutMs: 1_500 });
  await p.http('POST', '/api/v1/org/imports', { format: 'json', rows: provinceRows('TQ', 'Tuyên Quang') });
  provinceId = (await p.http('GET', '/api/v1/org/units?code=TQ-TU')).body.items[0].id;
});

afterAll(async () => {
  await p?.stop();
});

describe('when identity is killed', () => {
  it('refuses logins and unknown tokens with 503 within the timeout, writes no session, and recovers when it is back', async () => {
    const clerk = await p.userWithRole('records-clerk', null);
    const sessions = async () => (await p.sql<{ n: number }>('SELECT count(*)::int AS n FROM identity.refresh_token'))[0].n;
    const before = await sessions();
    await p.killService(IDENTITY_SERVICE);

    const { result: login, ms } = await timed(() =>
      p.http('POST', '/api/v1/auth/login', { username: clerk.username, password: clerk.password }, { authorization: '' }),
    );
    expect([login.status, login.body.code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
    expect(login.contentType).toContain('application/problem+json');
    expect(ms).toBeLessThan(p.requestTimeoutMs + 1_000);
    // A token the gateway has not cached yet needs identity to say who it stands for: 503, not 401 or 500.
    const uncached = await p.http('GET', '/api/v1/auth/me', undefined, { authorization: `Bearer ${clerk.token}` });
    expect([uncached.status, uncached.body.code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
    expect((await p.http('GET', '/health/ready')).body.checks.identity).toBe('down');
    expect(await sessions()).toBe(before);

    await p.startService(IDENTITY_SERVICE);
    const again = await p.http('POST', '/api/v1/auth/login', { username: clerk.username, password: clerk.password }, { authorization: '' });
    expect(again.status).toBe(200);
    expect(await sessions()).toBe(before + 1);
  });
});

describe('when org-structure is killed', () => {
  it('answers 503 within the timeout, says so in readiness, and recovers when the service is back', async () => {
    // Changes committed just before the kill: their events must all reach the stream afterwards.
    await p.http('POST', '/api/v1/org/restructurings', {
      decisionRef: '1-NQ/TU',
      effectiveDate: '2025-07-01',
      operations: [{ type: 'rename', unit: { id: provinceId }, name: 'Tỉnh ủy Tuyên Quang (mới)' }],
    });
    await p.killService(ORG_SERVICE);

    const { result: down, ms } = await timed(() => p.http('GET', `/api/v1/org/units/${provinceId}`));
    expect(down.status).toBe(503);
    expect(down.contentType).toContain('application/problem+json');
    expect(down.body.code).toBe('SERVICE_UNAVAILABLE');
    expect(down.headers.get('retry-after')).toBe('5');
    expect(ms).toBeLessThan(p.requestTimeoutMs + 1_000);

    const ready = await p.http('GET', '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.checks['org-structure']).toBe('down');
    expect((await p.http('GET', '/health/live')).status).toBe(200);

    await p.startService(ORG_SERVICE);
    const back = await p.http('GET', `/api/v1/org/units/${provinceId}?asOf=2025-07-01`);
    expect(back.status).toBe(200);
    expect(back.body.name).toBe('Tỉnh ủy Tuyên Quang (mới)');

    await waitFor(async () => (await outbox()).unpublished === 0, 15_000, 'every committed event to be published');
    expect((await outbox()).total).toBeGreaterThanOrEqual(2);
  });
});

describe('when the service does not answer in time', () => {
  let rogue: NatsConnection;

  afterAll(async () => {
    await rogue?.close();
  });

  it('answers 504 after the configured timeout', async () => {
    await p.killService(ORG_SERVICE);
    // A replica that listens on the subject but never replies: the request must time out, not hang.
    rogue = await p.connectAs('org-structure');
    rogue.subscribe(OrgSubject.unitGet, { callback: () => undefined });
    await rogue.flush();

    const { result, ms } = await timed(() => p.http('GET', `/api/v1/org/units/${provinceId}`));
    expect(result.status).toBe(504);
    expect(result.body.code).toBe('SERVICE_TIMEOUT');
    expect(ms).toBeGreaterThanOrEqual(p.requestTimeoutMs - 50);
    expect(ms).toBeLessThan(p.requestTimeoutMs + 1_000);

    await rogue.close();
    await p.startService(ORG_SERVICE);
  });
});

describe('when NATS itself is down', () => {
  it('answers 503 at once and recovers when NATS is back, without restarting the gateway', async () => {
    await p.nats.stop();
    await waitFor(async () => (await p.http('GET', '/health/ready')).status === 503, 10_000, 'readiness to notice');
    const { result, ms } = await timed(() => p.http('GET', `/api/v1/org/units/${provinceId}`));
    expect(result.status).toBe(503);
    expect(ms).toBeLessThan(p.requestTimeoutMs);

    await p.nats.restart();
    await waitFor(async () => (await p.http('GET', '/health/ready')).status === 200, 20_000, 'the platform to recover');
    expect((await p.http('GET', `/api/v1/org/units/${provinceId}`)).status).toBe(200);
  });
});
