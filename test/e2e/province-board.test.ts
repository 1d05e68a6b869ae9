import { waitFor } from '@platform/testing';
import { provinceRows } from './support/dataset';
import { startPlatform, type Json, type Platform } from './support/platform';

/*
 * A province's organisation board may see and change everything under its province and nothing outside it, and
 * after its province is merged into another its role follows the successor (ARCHITECTURE decision 5).
 */
let p: Platform;
const id: Record<string, string> = {};
let board: { id: string; token: string };

const as = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  p = await startPlatform();
  const rows = [...provinceRows('BG', 'Bắc Giang'), ...provinceRows('BN', 'Bắc Ninh')];
  await p.http('POST', '/api/v1/org/imports', { format: 'json', rows });
  for (const row of rows) id[row.code] = (await p.http('GET', `/api/v1/org/units?code=${row.code}`)).body.items[0].id;
  board = await p.userWithRole('organisation-board', id['BG-TU']);
});

afterAll(async () => {
  await p?.stop();
});

it('reads and restructures units in its province', async () => {
  expect((await p.http('GET', `/api/v1/org/units/${id['BG-X1']}`, undefined, as(board.token))).status).toBe(200);
  const renamed = await p.http(
    'POST',
    '/api/v1/org/restructurings',
    { decisionRef: '5-QĐ/TU', effectiveDate: '2024-01-01', operations: [{ type: 'rename', unit: { code: 'BG-X1' }, name: 'Đảng ủy xã Một (đổi tên)' }] },
    as(board.token),
  );
  expect(renamed.status).toBe(201);
});

it('gets 404 for a unit of another province, even one it names in a restructuring', async () => {
  expect((await p.http('GET', `/api/v1/org/units/${id['BN-X1']}`, undefined, as(board.token))).status).toBe(404);
  const foreign = await p.http(
    'POST',
    '/api/v1/org/restructurings',
    { decisionRef: '6-QĐ/TU', effectiveDate: '2024-02-01', operations: [{ type: 'move', unit: { code: 'BN-X1' }, newParent: { code: 'BG-TU' } }] },
    as(board.token),
  );
  expect(foreign.status).toBe(422);
  expect(foreign.body.code).toBe('ORG_REFERENCED_UNIT_NOT_FOUND');
});

it('gets 403 for an administration route', async () => {
  const response = await p.http('GET', '/api/v1/admin/users', undefined, as(board.token));
  expect(response.status).toBe(403);
  expect(response.body.code).toBe('AUTH_FORBIDDEN');
});

it('after Bắc Giang is merged into Bắc Ninh, the role follows the successor, and the change is on record', async () => {
  const merged = await p.http('POST', '/api/v1/org/restructurings', {
    decisionRef: '202/2025/QH15',
    effectiveDate: '2025-07-01',
    operations: [{ type: 'merge', sources: [{ code: 'BG-TU' }], into: { code: 'BN-TU' } }],
  });
  expect(merged.status).toBe(201);
  let assignments: Json[] = [];
  await waitFor(
    async () => {
      assignments = (await p.http('GET', `/api/v1/admin/users/${board.id}`)).body.assignments;
      return assignments.some((a) => a.unitId === id['BN-TU']);
    },
    15_000,
    'the role to follow the successor',
  );
  expect(assignments).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ role: 'organisation-board', unitId: id['BG-TU'], validTo: '2025-07-01' }),
      expect.objectContaining({ role: 'organisation-board', unitId: id['BN-TU'], validFrom: '2025-07-01', validTo: null }),
    ]),
  );
  // The same token now reaches units that were Bắc Ninh's before the merger, as soon as the gateway hears from
  // identity that the board's roles changed (the announcement leaves with the commit).
  await waitFor(
    async () => (await p.http('GET', `/api/v1/org/units/${id['BN-X1']}`, undefined, as(board.token))).status === 200,
    10_000,
    'the gateway to forget the board\'s old roles',
  );
  const me = await p.http('GET', '/api/v1/auth/me', undefined, as(board.token));
  expect(me.body.roles).toEqual([{ role: 'organisation-board', unitId: id['BN-TU'] }]);
});
