import { computeHash, GENESIS_HASH, type AuditRecord } from '@platform/audit';
import { provinceRows } from './support/dataset';
import { startPlatform, type Json, type Platform } from './support/platform';

/*
 * An audit trail that holds (security hardening, items 7, 8 and 9): scoped auditors read only their scope, every
 * refusal and every read is on record with its object, and not even someone able to rewrite the table can make a
 * changed chain verify.
 */
let p: Platform;
const id: Record<string, string> = {};
let systemAuditor: string;
let scopedAuditor: { id: string; token: string };
let scopedAdmin: { id: string; token: string };
let board: { id: string; token: string };

const as = (token: string) => ({ authorization: `Bearer ${token}` });

const sql = <T = Json>(text: string, params: unknown[] = []) => p.sql<T>(text, params);

/** Records of a chain, newest first, as the system-wide auditor reads them. */
async function records(query: string): Promise<AuditRecord[]> {
  const response = await p.http('GET', `/api/v1/audit/events?${query}`, undefined, as(systemAuditor));
  expect(response.status).toBe(200);
  return response.body.items;
}

beforeAll(async () => {
  p = await startPlatform();
  for (const [prefix, name] of [['HB', 'Hòa Bình'], ['LS', 'Lạng Sơn']]) {
    const imported = await p.http('POST', '/api/v1/org/imports', { format: 'json', rows: provinceRows(prefix, name) });
    expect(imported.status).toBe(201);
    id[`${prefix}-import`] = imported.body.importId;
  }
  for (const code of ['HB-TU', 'HB-X1', 'LS-TU', 'LS-X1']) id[code] = (await p.http('GET', `/api/v1/org/units?code=${code}`)).body.items[0].id;
  systemAuditor = (await p.userWithRole('auditor', null)).token;
  scopedAuditor = await p.userWithRole('auditor', id['HB-TU']);
  scopedAdmin = await p.userWithRole('administrator', id['HB-TU']);
  board = await p.userWithRole('organisation-board', id['HB-TU']);
});

afterAll(async () => {
  await p?.stop();
});

describe('an auditor over a province (item 7)', () => {
  it("reads the service's records of units in the province, and nothing of the others", async () => {
    const seen = await p.http('GET', '/api/v1/audit/events?service=org-structure&limit=100', undefined, as(scopedAuditor.token));
    expect(seen.status).toBe(200);
    const objects = seen.body.items.map((r: Json) => r.object.id);
    expect(objects).toContain(id['HB-import']);
    expect(objects).not.toContain(id['LS-import']);
    expect(seen.body.items.every((r: Json) => r.object.unitScope !== null && r.object.unitScope !== id['LS-TU'])).toBe(true);
  });

  it("is refused the gateway's chain and the verification of any chain, and each refusal is on record", async () => {
    const chain = await p.http('GET', '/api/v1/audit/events', undefined, as(scopedAuditor.token));
    expect([chain.status, chain.body.code]).toEqual([403, 'AUTH_FORBIDDEN']);
    const verify = await p.http('GET', '/api/v1/audit/verify?service=org-structure', undefined, as(scopedAuditor.token));
    expect([verify.status, verify.body.code]).toEqual([403, 'AUTH_FORBIDDEN']);
    const refused = (await records(`actor=${scopedAuditor.id}`)).filter((r) => r.outcome === 'denied').map((r) => r.action);
    expect(refused).toEqual(expect.arrayContaining(['audit.read', 'audit.verify']));
    // The read it was allowed is on the service's own record.
    const read = await records(`service=org-structure&actor=${scopedAuditor.id}&action=audit.read`);
    expect(read[0]).toMatchObject({ outcome: 'success', details: { scoped: true } });
  });
});

describe('what is on record (item 8)', () => {
  it("a scoped administrator's refused administration, with who was refused", async () => {
    expect((await p.http('GET', '/api/v1/admin/users', undefined, as(scopedAdmin.token))).status).toBe(403);
    const [record] = await records(`actor=${scopedAdmin.id}&action=http.get`);
    expect(record).toMatchObject({ outcome: 'denied', object: { type: 'route', id: '/api/v1/admin/users' }, actor: { username: expect.any(String) } });
  });

  it("a service's refusals: permission (403) and a unit out of scope (404, recorded as the refusal it is)", async () => {
    expect((await p.http('GET', '/api/v1/org/statistics', undefined, as(board.token))).status).toBe(403);
    expect((await p.http('GET', `/api/v1/org/units/${id['LS-X1']}`, undefined, as(board.token))).status).toBe(404);
    const [statistics] = await records(`service=org-structure&actor=${board.id}&action=org.v1.statistics`);
    expect(statistics).toMatchObject({ outcome: 'denied', details: { code: 'AUTH_FORBIDDEN' } });
    const [unit] = await records(`service=org-structure&actor=${board.id}&action=org.v1.unit.get`);
    expect(unit).toMatchObject({ outcome: 'denied', object: { id: id['LS-X1'] }, details: { code: 'ORG_UNIT_NOT_FOUND', reason: 'out-of-scope' } });
  });

  it('a refused change names its target', async () => {
    const post = await p.http('POST', `/api/v1/org/units/${id['LS-X1']}/posts`, { title: 'Bí thư', seats: 1, validFrom: '2024-01-01' }, as(board.token));
    expect(post.status).toBe(404);
    const [record] = await records(`service=org-structure&actor=${board.id}&action=org.v1.post.create`);
    expect(record).toMatchObject({ outcome: 'denied', object: { type: 'post', unitScope: id['LS-X1'] }, details: { reason: 'out-of-scope' } });
  });

  it('unit creations, quotas and imports name their object and the unit they fall under', async () => {
    const created = await p.http('POST', '/api/v1/org/units', {
      code: 'HB-X9', name: 'Đảng ủy xã Chín', kind: 'party_committee', level: 'commune', block: 'party', parentId: id['HB-TU'], validFrom: '2024-01-01',
    });
    expect(created.status).toBe(201);
    await p.http('PUT', `/api/v1/org/units/${id['HB-X1']}/staffing-quotas/2024`, { quotas: [{ category: 'civil_servant', approved: 9 }] });
    const [unit] = await records('service=org-structure&action=org.v1.unit.create');
    expect(unit.object).toEqual({ type: 'unit', id: created.body.id, unitScope: id['HB-TU'] });
    const [quotas] = await records('service=org-structure&action=org.v1.quota.set');
    expect(quotas.object).toEqual({ type: 'staffing-quota', id: id['HB-X1'], unitScope: id['HB-X1'] });
    const [imported] = await records(`service=org-structure&objectId=${id['HB-import']}`);
    expect(imported).toMatchObject({ action: 'org.v1.import', object: { type: 'import', unitScope: id['HB-TU'] } });
  });
});

describe('a chain its own database cannot rewrite (item 9)', () => {
  it("a chain recomputed with plain hashes by someone who can write the table no longer verifies", async () => {
    const chain: AuditRecord[] = [];
    for (let cursor: string | null = null; ; ) {
      const page: Json = await p.http('GET', `/api/v1/audit/events?service=org-structure&limit=100${cursor ? `&cursor=${cursor}` : ''}`, undefined, as(systemAuditor));
      chain.push(...page.body.items);
      cursor = page.body.nextCursor;
      if (!cursor) break;
    }
    chain.reverse();
    // Rewrites the first record, then recomputes every hash after it: plain SHA-256 is all one can compute without the key.
    let prevHash = GENESIS_HASH;
    const statements: string[] = ['ALTER TABLE org_structure.audit_log DISABLE TRIGGER USER'];
    for (const record of chain) {
      const details = record.seq === '1' ? { ...record.details, forged: true } : record.details;
      const hash = computeHash(prevHash, { ...record, details });
      statements.push(
        `UPDATE org_structure.audit_log SET details = '${JSON.stringify(details).replace(/'/g, "''")}'::jsonb, prev_hash = '${prevHash}', hash = '${hash}' WHERE seq = ${record.seq}`,
      );
      prevHash = hash;
    }
    statements.push('ALTER TABLE org_structure.audit_log ENABLE TRIGGER USER');
    for (const statement of statements) await sql(statement);

    const verified = await p.http('GET', '/api/v1/audit/verify?service=org-structure', undefined, as(systemAuditor));
    expect(verified.body.ok).toBe(false);
    const problems = verified.body.chains[0].problems.map((problem: Json) => problem.problem);
    expect(problems.length).toBe(chain.length);
    expect(new Set(problems)).toEqual(new Set(['unkeyed']));
  });

  it('the newest records deleted are found against a head exported before', async () => {
    const before = await p.http('GET', '/api/v1/audit/verify?service=gateway', undefined, as(systemAuditor));
    const head = before.body.chains[0].head;
    await sql('ALTER TABLE identity.audit_log DISABLE TRIGGER USER');
    await sql('DELETE FROM identity.audit_log WHERE seq >= $1', [Number(head.seq) - 1]);
    await sql('ALTER TABLE identity.audit_log ENABLE TRIGGER USER');

    const against = await p.http('GET', `/api/v1/audit/verify?service=gateway&headSeq=${head.seq}&headHash=${head.hash}`, undefined, as(systemAuditor));
    expect(against.body.ok).toBe(false);
    expect(against.body.chains[0].problems).toEqual([
      expect.objectContaining({ problem: 'truncated', detail: expect.stringContaining(`before the exported head ${head.seq}`) }),
    ]);
  });

  it('a head is checked against its own chain only, given whole', async () => {
    expect((await p.http('GET', `/api/v1/audit/verify?headSeq=3&headHash=${'a'.repeat(64)}`, undefined, as(systemAuditor))).status).toBe(400);
    expect((await p.http('GET', '/api/v1/audit/verify?service=gateway&headSeq=3', undefined, as(systemAuditor))).status).toBe(400);
  });
});
