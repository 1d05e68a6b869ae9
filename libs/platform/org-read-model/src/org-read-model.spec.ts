import { OrgEventSubject } from '@contracts/org-structure';
import { UnprocessableEventError, type ConsumedEvent } from '@platform/event-consumer';
import type { EntityManager } from 'typeorm';
import { ltreeToPath, orgReadModelHandler, pathToLtree } from './apply-org-event';
import { orgReadModelTableSql } from './read-model-sql';

const A = '7d1c1f9a-5b1e-4c55-8f2d-3c1a2b3c4d5e';
const B = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

/** A manager that records statements: enough to see what the handler would write, or that it writes nothing. */
function recordingManager(): { manager: EntityManager; statements: string[]; parameters: unknown[][] } {
  const statements: string[] = [];
  const parameters: unknown[][] = [];
  const query = async (sql: string, params: unknown[] = []) => {
    statements.push(sql);
    parameters.push(params);
    return [];
  };
  return { manager: { query } as unknown as EntityManager, statements, parameters };
}

const event = (subject: string, payload: unknown): ConsumedEvent => ({ id: A, subject, streamSequence: 1, deliveryCount: 1, payload });
const created = (overrides: Record<string, unknown> = {}) => ({
  eventId: A,
  type: OrgEventSubject.unitCreated,
  occurredAt: '2025-07-01T00:00:00.000Z',
  effectiveDate: '2025-07-01',
  decisionRef: null,
  restructuringId: B,
  data: { operation: 'create', predecessors: [], successors: [{ unitId: A, code: 'tu-x', path: [A] }], pathsChanged: [], name: 'Tỉnh ủy X', kind: 'party_committee', level: 'province' },
  ...overrides,
});

describe('paths', () => {
  it('are ltrees of unit ids without hyphens, and back', () => {
    expect(pathToLtree([B, A])).toBe(`${B.replace(/-/g, '')}.${A.replace(/-/g, '')}`);
    expect(ltreeToPath(pathToLtree([B, A]))).toEqual([B, A]);
  });
});

describe('the read model handler', () => {
  const handle = orgReadModelHandler('reader');

  it('writes a created unit with its code in the canonical spelling org-structure now stores', async () => {
    const { manager, statements, parameters } = recordingManager();
    await handle(event(OrgEventSubject.unitCreated, created()), manager);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toContain('INSERT INTO reader.org_unit_version');
    expect(parameters[0][1]).toEqual(['TU-X']);
  });

  it('refuses a malformed event, or one whose type is not its subject\'s, before writing anything', async () => {
    for (const [subject, payload] of [
      [OrgEventSubject.unitCreated, { eventId: 'not-an-id' }],
      [OrgEventSubject.unitCreated, created({ effectiveDate: '2025-02-30' })],
      [OrgEventSubject.unitMoved, created()],
      [OrgEventSubject.unitsMerged, { ...created({ type: OrgEventSubject.unitsMerged }), data: { ...created().data, operation: 'split' } }],
      [OrgEventSubject.unitsImported, { ...created({ type: OrgEventSubject.unitsImported }), data: { units: [{ unitId: A, code: 'X', path: [A], name: 'X', kind: 'nonsense', level: 'province' }] } }],
    ] as const) {
      const { manager, statements } = recordingManager();
      await expect(handle(event(subject, payload), manager)).rejects.toBeInstanceOf(UnprocessableEventError);
      expect(statements).toEqual([]);
    }
  });

  it('leaves events of other subjects alone', async () => {
    const { manager, statements } = recordingManager();
    await handle(event(OrgEventSubject.postDefined, { anything: true }), manager);
    expect(statements).toEqual([]);
  });
});

describe('tables', () => {
  it('are created in the consuming service\'s schema', () => {
    const created = orgReadModelTableSql('cadres').filter((sql) => sql.startsWith('CREATE TABLE')).map((sql) => /^CREATE TABLE (\S+)/.exec(sql)?.[1]);
    expect(created).toEqual(['cadres.org_unit_version', 'cadres.org_unit_lineage']);
    expect(() => orgReadModelTableSql('Cadres"; --')).toThrow(TypeError);
  });
});
