import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * ORG-2's "one code per moment" constraint keyed on md5(code) as a uuid instead of the code text. btree_gist keeps
 * variable-length text keys slowly: this one constraint took about half of every unit_version insert (32 s of a
 * 411k-row import, 9.5 s keyed on the 16-byte hash; docs/performance.md, scenario 5). Two codes sharing an md5 is
 * not a practical concern, and code lookups keep using the btree unit_version_code. The name stays, so the
 * service's translation of the refusal into ORG_CODE_CONFLICT is unchanged.
 */
export class CodeExclusionByHash1795327587000 implements MigrationInterface {
  name = 'CodeExclusionByHash1795327587000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE unit_version DROP CONSTRAINT unit_version_code_unique_in_time');
    await q.query(
      'ALTER TABLE unit_version ADD CONSTRAINT unit_version_code_unique_in_time EXCLUDE USING gist ((md5(code)::uuid) WITH =, validity WITH &&)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE unit_version DROP CONSTRAINT unit_version_code_unique_in_time');
    await q.query('ALTER TABLE unit_version ADD CONSTRAINT unit_version_code_unique_in_time EXCLUDE USING gist (code WITH =, validity WITH &&)');
  }
}
