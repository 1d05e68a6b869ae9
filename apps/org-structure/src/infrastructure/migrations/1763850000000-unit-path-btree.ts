import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A btree on the tree path, covering what subtree pages and statistics read. With the subtree written as a path
 * range (`path > root AND path < root || 'z'`) a page is read in path order straight from this index instead
 * of collecting and sorting the whole subtree from the GiST index (docs/query-plans.md, section 4).
 */
export class UnitPathBtree1763850000000 implements MigrationInterface {
  name = 'UnitPathBtree1763850000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX unit_version_path_btree ON unit_version (path) INCLUDE (validity, level, kind, block)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS unit_version_path_btree');
  }
}
