import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The organisation tree with history as data (ORG-2): a unit's every state is a row of unit_version with a
 * validity range; its tree path (ltree of unit ids) is stored on the row, so subtree and ancestor queries as of
 * any date are one GiST index scan on (path, validity). See docs/org-structure.md.
 */
export class OrgStructureInitial1763800000000 implements MigrationInterface {
  name = 'OrgStructureInitial1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE EXTENSION IF NOT EXISTS ltree WITH SCHEMA public');
    await q.query('CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public');
    await q.query('CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public');

    await q.query(`
      CREATE TABLE restructuring (
        id uuid PRIMARY KEY,
        seq bigserial NOT NULL UNIQUE,
        decision_ref text,
        effective_date date NOT NULL,
        title text,
        operations jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX restructuring_effective ON restructuring (effective_date, seq)');

    await q.query(`
      CREATE TABLE restructuring_unit (
        unit_id uuid NOT NULL,
        restructuring_id uuid NOT NULL REFERENCES restructuring (id),
        PRIMARY KEY (unit_id, restructuring_id)
      )`);

    await q.query(`
      CREATE TABLE unit (
        id uuid PRIMARY KEY,
        exists_from date NOT NULL,
        exists_until date,
        created_by uuid REFERENCES restructuring (id)
      )`);

    await q.query(`
      CREATE TABLE unit_version (
        id bigserial PRIMARY KEY,
        unit_id uuid NOT NULL REFERENCES unit (id),
        code text NOT NULL,
        name text NOT NULL,
        short_name text,
        search_text text NOT NULL,
        kind text NOT NULL,
        level text NOT NULL,
        block text NOT NULL,
        parent_id uuid REFERENCES unit (id),
        path public.ltree NOT NULL,
        valid_from date NOT NULL,
        valid_to date,
        validity daterange GENERATED ALWAYS AS (daterange(valid_from, valid_to, '[)')) STORED,
        restructuring_id uuid REFERENCES restructuring (id),
        CONSTRAINT unit_version_range CHECK (valid_to IS NULL OR valid_to >= valid_from),
        CONSTRAINT unit_version_kind CHECK (kind IN ('party_committee', 'party_organisation',
          'grassroots_party_organisation', 'party_cell', 'committee_organ', 'inspection_commission', 'council',
          'peoples_committee', 'department', 'state_agency', 'front', 'mass_organisation', 'public_service_unit')),
        CONSTRAINT unit_version_level CHECK (level IN ('central', 'province', 'district', 'commune', 'grassroots')),
        CONSTRAINT unit_version_block CHECK (block IN ('party', 'state', 'front', 'public_service')),
        CONSTRAINT unit_version_no_overlap EXCLUDE USING gist (unit_id WITH =, validity WITH &&),
        CONSTRAINT unit_version_code_unique_in_time EXCLUDE USING gist (code WITH =, validity WITH &&)
      )`);
    await q.query('CREATE INDEX unit_version_path_validity ON unit_version USING gist (path, validity)');
    await q.query('CREATE INDEX unit_version_unit ON unit_version (unit_id, valid_from)');
    await q.query('CREATE UNIQUE INDEX unit_version_open ON unit_version (unit_id) WHERE valid_to IS NULL');
    await q.query('CREATE INDEX unit_version_parent ON unit_version (parent_id, valid_from)');
    await q.query('CREATE INDEX unit_version_code ON unit_version (code, valid_from)');
    await q.query('CREATE INDEX unit_version_search ON unit_version USING gin (search_text gin_trgm_ops)');

    await q.query(`
      CREATE TABLE unit_lineage (
        predecessor_id uuid NOT NULL REFERENCES unit (id),
        successor_id uuid NOT NULL REFERENCES unit (id),
        restructuring_id uuid NOT NULL REFERENCES restructuring (id),
        operation text NOT NULL,
        effective_date date NOT NULL,
        PRIMARY KEY (predecessor_id, successor_id, restructuring_id)
      )`);
    await q.query('CREATE INDEX unit_lineage_successor ON unit_lineage (successor_id)');

    await q.query(`
      CREATE TABLE leadership_link (
        id uuid PRIMARY KEY,
        leader_id uuid NOT NULL REFERENCES unit (id),
        led_id uuid NOT NULL REFERENCES unit (id),
        valid_from date NOT NULL,
        valid_to date,
        validity daterange GENERATED ALWAYS AS (daterange(valid_from, valid_to, '[)')) STORED,
        decision_ref text,
        CONSTRAINT leadership_link_range CHECK (valid_to IS NULL OR valid_to >= valid_from),
        CONSTRAINT leadership_link_not_self CHECK (leader_id <> led_id),
        CONSTRAINT leadership_link_no_overlap EXCLUDE USING gist (leader_id WITH =, led_id WITH =, validity WITH &&)
      )`);
    await q.query('CREATE INDEX leadership_link_leader ON leadership_link (leader_id, valid_from)');
    await q.query('CREATE INDEX leadership_link_led ON leadership_link (led_id, valid_from)');

    await q.query(`
      CREATE TABLE unit_post (
        id uuid PRIMARY KEY,
        unit_id uuid NOT NULL REFERENCES unit (id),
        title text NOT NULL,
        seats integer NOT NULL CHECK (seats > 0),
        valid_from date NOT NULL,
        valid_to date,
        CONSTRAINT unit_post_range CHECK (valid_to IS NULL OR valid_to >= valid_from)
      )`);
    await q.query('CREATE INDEX unit_post_unit ON unit_post (unit_id, valid_from)');

    await q.query(`
      CREATE TABLE staffing_quota (
        unit_id uuid NOT NULL REFERENCES unit (id),
        year integer NOT NULL,
        category text NOT NULL CHECK (category IN ('civil_servant', 'public_employee', 'contract')),
        approved integer NOT NULL CHECK (approved >= 0),
        actual integer CHECK (actual >= 0),
        PRIMARY KEY (unit_id, year, category)
      )`);

    await q.query(`
      CREATE TABLE reduction_target (
        id uuid PRIMARY KEY,
        unit_id uuid NOT NULL REFERENCES unit (id),
        category text NOT NULL CHECK (category IN ('civil_servant', 'public_employee', 'contract')),
        from_year integer NOT NULL,
        to_year integer NOT NULL,
        percent numeric(5, 2) NOT NULL CHECK (percent > 0 AND percent <= 100),
        decision_ref text,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CHECK (to_year > from_year)
      )`);
    await q.query('CREATE INDEX reduction_target_unit ON reduction_target (unit_id)');

    await q.query(`
      CREATE TABLE committee_term (
        id uuid PRIMARY KEY,
        unit_id uuid NOT NULL REFERENCES unit (id),
        name text NOT NULL,
        start_date date NOT NULL,
        end_date date NOT NULL,
        CHECK (end_date > start_date),
        CONSTRAINT committee_term_no_overlap EXCLUDE USING gist (unit_id WITH =, daterange(start_date, end_date, '[)') WITH &&)
      )`);

    await q.query(`
      CREATE TABLE outbox (
        seq bigserial PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        subject text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      )`);
    await q.query('CREATE INDEX outbox_unpublished ON outbox (seq) WHERE published_at IS NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'outbox',
      'committee_term',
      'reduction_target',
      'staffing_quota',
      'unit_post',
      'leadership_link',
      'unit_lineage',
      'unit_version',
      'unit',
      'restructuring_unit',
      'restructuring',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
