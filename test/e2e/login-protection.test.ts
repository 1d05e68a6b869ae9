import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ADMIN, startPlatform, TOTP_PERIOD_MS, totpCode, type Platform } from './support/platform';

/*
 * Protections of logging in and of the API's budget: throttling per account and address (an attacker slows an
 * account down but cannot lock its owner out), TOTP codes that work once, and a rate limit keyed on verified
 * identities only.
 */

const anonymous = { authorization: '' };
const from = (address: string) => ({ ...anonymous, 'x-forwarded-for': address });

describe('login throttling and second factor', () => {
  let p: Platform;
  const SLOWDOWN_DELAY_MS = 300;

  beforeAll(async () => {
    p = await startPlatform({
      env: {
        // The harness's requests come from 127.0.0.1; tests name other clients with X-Forwarded-For.
        TRUST_PROXY: '127.0.0.1',
        LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS: '3',
        LOGIN_MAX_FAILURES_PER_ADDRESS: '8',
        LOGIN_WINDOW_SECONDS: '600',
        LOGIN_SLOWDOWN_AFTER_FAILURES: '3',
        LOGIN_SLOWDOWN_DELAY_MS: String(SLOWDOWN_DELAY_MS),
        LOGIN_SLOWDOWN_MAX_DELAY_MS: '1200',
      },
    });
  });

  afterAll(async () => {
    await p?.stop();
  });

  const login = (body: Record<string, string>, address: string) => p.http('POST', '/api/v1/auth/login', body, from(address));

  let users = 0;
  /** A board member (second factor required) whose enrolment has started: the test confirms it. */
  async function boardMemberEnrolling() {
    users += 1;
    const username = `board.member${users}`;
    const password = `board-member-${users}-passphrase`;
    const created = await p.http('POST', '/api/v1/admin/users', { username, displayName: username, password });
    expect(created.status).toBe(201);
    const role = { role: 'organisation-board', unitId: null, validFrom: '2000-01-01' };
    expect((await p.http('POST', `/api/v1/admin/users/${created.body.id}/roles`, role)).status).toBe(201);
    const enrol = await p.http('POST', '/api/v1/auth/totp/enrol', { username, password }, anonymous);
    expect(enrol.status).toBe(200);
    return { username, password, secret: enrol.body.secret as string };
  }

  const step = () => Math.floor(Date.now() / TOTP_PERIOD_MS);
  const codeOf = (secret: string, timeStep: number) => totpCode(secret, timeStep * TOTP_PERIOD_MS);
  /** Starts a test at least `ms` before the current time step ends, so the steps it names stay acceptable. */
  async function withRoomInStep(ms: number) {
    const left = TOTP_PERIOD_MS - (Date.now() % TOTP_PERIOD_MS);
    if (left < ms) await sleep(left + 100);
  }

  it('a client failing for an account gets 429 from that address only; the owner still logs in elsewhere, slowed down', async () => {
    const attacker = '203.0.113.10';
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await login({ username: ADMIN.username, password: `guess-${i}-password` }, attacker)).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429, 429, 429, 429, 429]);

    const refused = await login({ username: ADMIN.username, password: ADMIN.password }, attacker);
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('AUTH_THROTTLED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);

    // The administrator, at the harness's own address, is slowed by the failures but not refused.
    const started = Date.now();
    const session = await p.login(ADMIN.username, ADMIN.password);
    expect(session.accessToken).toBeTruthy();
    expect(Date.now() - started).toBeGreaterThanOrEqual(SLOWDOWN_DELAY_MS * 0.9);
  });

  it('an attempt on an account under attack waits, whatever the password, and grows with the failures', async () => {
    const clerk = await p.userWithRole('records-clerk', null);
    for (let i = 0; i < 3; i++) {
      expect((await login({ username: clerk.username, password: `guess-${i}-password` }, `198.51.100.${i + 1}`)).status).toBe(401);
    }
    let started = Date.now();
    expect((await login({ username: clerk.username, password: 'another-wrong-password' }, '198.51.100.50')).status).toBe(401);
    expect(Date.now() - started).toBeGreaterThanOrEqual(SLOWDOWN_DELAY_MS * 0.9);

    // One more failure doubles the delay.
    started = Date.now();
    const right = await login({ username: clerk.username, password: clerk.password }, '198.51.100.51');
    expect(right.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * SLOWDOWN_DELAY_MS * 0.9);
  });

  it('an address failing for many accounts gets 429 for every account', async () => {
    const clerk = await p.userWithRole('records-clerk', null);
    const sprayer = '203.0.113.20';
    for (let i = 0; i < 8; i++) {
      expect((await login({ username: `sprayed${i}`, password: 'Spring2026-password' }, sprayer)).status).toBe(401);
    }
    expect((await login({ username: clerk.username, password: clerk.password }, sprayer)).status).toBe(429);
    expect((await login({ username: clerk.username, password: clerk.password }, '203.0.113.21')).status).toBe(200);
  });

  it('a TOTP code works once: not again, and not after confirming enrolment with it; a later one works', async () => {
    await withRoomInStep(10_000);
    const member = await boardMemberEnrolling();
    const now = step();
    const address = '198.51.100.80';
    const confirmed = await p.http('POST', '/api/v1/auth/totp/confirm', { username: member.username, password: member.password, code: codeOf(member.secret, now) }, from(address));
    expect(confirmed.status).toBe(200);

    const withEnrolmentCode = await login({ username: member.username, password: member.password, totp: codeOf(member.secret, now) }, address);
    expect(withEnrolmentCode.status).toBe(401);
    expect(withEnrolmentCode.body.code).toBe('AUTH_SECOND_FACTOR_REQUIRED');

    const next = codeOf(member.secret, now + 1);
    expect((await login({ username: member.username, password: member.password, totp: next }, address)).status).toBe(200);
    const again = await login({ username: member.username, password: member.password, totp: next }, address);
    expect(again.status).toBe(401);
    expect(again.body.code).toBe('AUTH_SECOND_FACTOR_REQUIRED');
  });

  it('two logins racing with the same code: only one gets in', async () => {
    await withRoomInStep(10_000);
    const member = await boardMemberEnrolling();
    const now = step();
    const confirmed = await p.http('POST', '/api/v1/auth/totp/confirm', { username: member.username, password: member.password, code: codeOf(member.secret, now - 1) }, from('198.51.100.90'));
    expect(confirmed.status).toBe(200);

    const body = { username: member.username, password: member.password, totp: codeOf(member.secret, now) };
    const both = await Promise.all([login(body, '198.51.100.91'), login(body, '198.51.100.92')]);
    expect(both.map((response) => response.status).sort()).toEqual([200, 401]);
  });
});

describe('per-user rate limit', () => {
  let p: Platform;
  const LIMIT = 10;

  beforeAll(async () => {
    // No trusted proxy here: X-Forwarded-For from a client must not change the address it is counted under.
    p = await startPlatform({ env: { RATE_LIMIT_PER_MINUTE: String(LIMIT) } });
  });

  afterAll(async () => {
    await p?.stop();
  });

  /** A token that looks like ours but whose signature is random bytes. */
  function forged(sub: string): string {
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const claims = { sub, iss: 'political-system-records', aud: 'political-system-records-api', exp: Math.floor(Date.now() / 1_000) + 300 };
    return `${part({ alg: 'EdDSA', typ: 'at+jwt' })}.${part(claims)}.${randomBytes(64).toString('base64url')}`;
  }

  it('forged tokens with ever new subjects get no fresh budget: they count against the caller’s address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 4; i++) {
      const headers = { authorization: `Bearer ${forged(randomUUID())}`, 'x-forwarded-for': `192.0.2.${i + 1}` };
      statuses.push((await p.http('GET', '/api/v1/auth/me', undefined, headers)).status);
    }
    expect(new Set(statuses)).toEqual(new Set([401, 429]));
    expect(statuses.slice(-4)).toEqual([429, 429, 429, 429]);
  });

  it('forged tokens carrying a real user’s subject do not spend that user’s budget', async () => {
    const adminId = JSON.parse(Buffer.from(p.adminToken.split('.')[1]!, 'base64url').toString('utf8')).sub as string;
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 2; i++) {
      statuses.push((await p.http('GET', '/api/v1/auth/me', undefined, { authorization: `Bearer ${forged(adminId)}` })).status);
    }
    expect(statuses.at(-1)).toBe(429);
    const me = await p.http('GET', '/api/v1/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(adminId);
  });
});
