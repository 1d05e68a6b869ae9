import { startPlatform, type Json, type Platform } from './support/platform';

/* Administering users through the gateway: listing them page by page. */
let p: Platform;
let adminId: string;
const created: string[] = [];
const USERS = 130;

beforeAll(async () => {
  p = await startPlatform();
  adminId = (await p.http('GET', '/api/v1/auth/me')).body.id;
  // Identity-provider users (no password): quick to create. Mixed case, as usernames are ordered ignoring case.
  for (let i = 0; i < USERS; i++) {
    const username = `${i % 3 === 0 ? 'Clerk' : 'clerk'}.${String(i).padStart(3, '0')}`;
    const response = await p.http('POST', '/api/v1/admin/users', { username, displayName: `Clerk ${i}` });
    expect(response.status).toBe(201);
    created.push(response.body.id);
  }
});

afterAll(async () => {
  await p?.stop();
});

async function walk(limit: number): Promise<{ users: Json[]; pages: number }> {
  const users: Json[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const query: string = `?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await p.http('GET', `/api/v1/admin/users${query}`);
    expect(page.status).toBe(200);
    expect(page.body.items.length).toBeLessThanOrEqual(limit);
    users.push(...page.body.items);
    cursor = page.body.nextCursor;
    pages += 1;
  } while (cursor && pages <= USERS);
  return { users, pages };
}

describe('GET /api/v1/admin/users', () => {
  it('answers a first page of 50 with a cursor to the rest when there are more than 100 users', async () => {
    const page = await p.http('GET', '/api/v1/admin/users');
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(50);
    expect(page.body.nextCursor).toEqual(expect.any(String));
  });

  it('walks every user exactly once, page by page, in the same order each time', async () => {
    const { users, pages } = await walk(40);
    const ids = users.map((user) => user.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([adminId, ...created].sort());
    expect(pages).toBe(Math.ceil((USERS + 1) / 40));
    expect(users[0]).toEqual({
      id: adminId,
      username: 'admin',
      displayName: expect.any(String),
      clearance: expect.any(String),
      status: 'active',
      secondFactor: true,
      externalIdentity: null,
    });

    const again = await walk(7);
    expect(again.users.map((user) => user.id)).toEqual(ids);
  });

  it('a last page that is exactly full says there is no next page', async () => {
    const first = await p.http('GET', '/api/v1/admin/users?limit=100');
    expect(first.body.items).toHaveLength(100);
    const rest = await p.http('GET', `/api/v1/admin/users?limit=${USERS + 1 - 100}&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(rest.body.items).toHaveLength(USERS + 1 - 100);
    expect(rest.body.nextCursor).toBeNull();
  });

  it('refuses a limit over 100 and a cursor it did not issue, naming the field', async () => {
    const tooMany = await p.http('GET', '/api/v1/admin/users?limit=101');
    expect([tooMany.status, tooMany.body.code, tooMany.body.errors.map((e: Json) => e.path)]).toEqual([400, 'VALIDATION_FAILED', ['limit']]);
    const forged = Buffer.from(JSON.stringify({ username: 'admin', id: 'not-a-uuid' })).toString('base64url');
    for (const cursor of ['not-a-cursor', forged]) {
      const refused = await p.http('GET', `/api/v1/admin/users?cursor=${cursor}`);
      expect([refused.status, refused.body.code, refused.body.errors.map((e: Json) => e.path)]).toEqual([400, 'VALIDATION_FAILED', ['cursor']]);
    }
  });
});

describe('a user or assignment that does not exist', () => {
  const MISSING = '7d1c1f9a-5b1e-4c55-8f2d-3c1a2b3c4d5e';

  it('answers 404 with identity\'s own code on every route naming the user', async () => {
    const answers = [
      await p.http('GET', `/api/v1/admin/users/${MISSING}`),
      await p.http('PATCH', `/api/v1/admin/users/${MISSING}`, { displayName: 'Nobody' }),
      await p.http('POST', `/api/v1/admin/users/${MISSING}/roles`, { role: 'records-clerk', unitId: null }),
    ];
    for (const answer of answers) {
      expect(answer.contentType).toContain('application/problem+json');
      expect(answer.body).toMatchObject({ status: 404, code: 'IDENTITY_USER_NOT_FOUND', type: 'urn:problem-type:identity-user-not-found' });
    }
  });

  it('answers 404 IDENTITY_ASSIGNMENT_NOT_FOUND for ending an assignment that is not open', async () => {
    const ended = await p.http('POST', `/api/v1/admin/users/${created[0]}/roles/${MISSING}/end`, {});
    expect([ended.status, ended.body.code]).toEqual([404, 'IDENTITY_ASSIGNMENT_NOT_FOUND']);
  });
});
