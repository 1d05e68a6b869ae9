import { canonicalUnitCode } from '@contracts/org-structure';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { searchText } from '../../restructuring/tree-writer';

/**
 * Stored unit codes in the spelling the API now compares them in (canonicalUnitCode: NFKC, then upper case), so
 * that `tu-bn` stored before is found as `TU-BN` and refused as a second `TU-BN` (ORG-2). Computed here with the
 * service's own function rather than in SQL: PostgreSQL's upper() follows the database's collation, and only the
 * function the API uses gives the same spelling. Each changed version gets its search text again, which includes
 * the code.
 *
 * Two stored codes that become one, on units alive at the same time, break ORG-2: the exclusion constraint refuses
 * the update and the migration fails naming the codes, for an operator to resolve first. Codes of other scripts
 * (which the API now refuses) are canonicalised all the same and stay reachable by unit id. Events already
 * published and audit records keep the spelling they were written with: they are history.
 */
export class CanonicalUnitCodes1795400000000 implements MigrationInterface {
  name = 'CanonicalUnitCodes1795400000000';

  async up(q: QueryRunner): Promise<void> {
    const stored: Array<{ code: string }> = await q.query('SELECT DISTINCT code FROM unit_version');
    const spellings = new Map<string, string[]>();
    // Sorted here, not by the database's collation, so a failure names the codes in the same order everywhere.
    for (const { code } of stored.sort((a, b) => (a.code < b.code ? -1 : 1))) {
      const canonical = canonicalUnitCode(code);
      spellings.set(canonical, [...(spellings.get(canonical) ?? []), code]);
    }
    for (const [canonical, codes] of spellings) {
      for (const code of codes.filter((spelling) => spelling !== canonical)) {
        const versions: Array<{ id: string; name: string; short_name: string | null }> = await q.query(
          'SELECT id::text AS id, name, short_name FROM unit_version WHERE code = $1',
          [code],
        );
        try {
          await q.query(
            `UPDATE unit_version v SET code = $1, search_text = s.search_text
               FROM unnest($2::bigint[], $3::text[]) AS s (id, search_text) WHERE v.id = s.id`,
            [canonical, versions.map((version) => version.id), versions.map((version) => searchText(version.name, version.short_name, canonical))],
          );
        } catch (error) {
          if ((error as { code?: string }).code !== '23P01') throw error;
          throw new Error(
            `Unit codes ${codes.map((spelling) => JSON.stringify(spelling)).join(', ')} are one code, ${JSON.stringify(canonical)}, ` +
              'and units holding them are alive at the same time (ORG-2). Give all but one of these units another code, then migrate again.',
          );
        }
      }
    }
  }

  /** The spellings codes had before cannot be told from the canonical ones any more: nothing to undo. */
  async down(): Promise<void> {}
}
