import { assertSchemaName } from '@platform/event-consumer';

/** Extensions the tables use; list them in the service's database plan, so provisioning creates them. */
export const ORG_READ_MODEL_EXTENSIONS = ['ltree', 'btree_gist'] as const;

/** The model's tables in one schema, qualified. */
export function orgReadModelTables(schema: string): { version: string; lineage: string } {
  const s = assertSchemaName(schema);
  return { version: `${s}.org_unit_version`, lineage: `${s}.org_unit_lineage` };
}

/**
 * The statements a consuming service's migration runs to hold the organisation read model in its own schema:
 * every state of every unit with its validity, as org-structure's `unit_version` has them (the path is an ltree
 * of unit ids without hyphens), and the lineage of merges and splits, which scope follows to predecessors.
 * The service's inbox tables (`eventInboxTableSql`) must exist too.
 *
 * These statements are frozen: for a given schema they will always be the same text, so a migration that has run
 * keeps meaning what it meant. A later change to the tables comes as a new function for a new migration.
 */
export function orgReadModelTableSql(schema: string): string[] {
  const s = assertSchemaName(schema);
  const t = orgReadModelTables(s);
  return [
    `CREATE TABLE ${t.version} (
  id bigserial PRIMARY KEY,
  unit_id uuid NOT NULL,
  code text NOT NULL,
  name text NOT NULL,
  level text,
  kind text,
  path public.ltree NOT NULL,
  valid_from date NOT NULL,
  valid_to date,
  validity daterange GENERATED ALWAYS AS (daterange(valid_from, valid_to, '[)')) STORED,
  CONSTRAINT org_unit_version_range CHECK (valid_to IS NULL OR valid_to >= valid_from),
  CONSTRAINT org_unit_version_no_overlap EXCLUDE USING gist (unit_id WITH =, validity WITH &&)
)`,
    `COMMENT ON TABLE ${t.version} IS 'Read model of org-structure''s units (@platform/org-read-model), kept from its events; level and kind are null for units whose creation event did not carry them.'`,
    `CREATE INDEX org_unit_version_unit ON ${t.version} (unit_id, valid_from)`,
    `CREATE UNIQUE INDEX org_unit_version_open ON ${t.version} (unit_id) WHERE valid_to IS NULL`,
    `CREATE INDEX org_unit_version_path_validity ON ${t.version} USING gist (path, validity)`,
    `CREATE TABLE ${t.lineage} (
  predecessor_id uuid NOT NULL,
  successor_id uuid NOT NULL,
  restructuring_id uuid NOT NULL,
  operation text NOT NULL CHECK (operation IN ('merge', 'split')),
  effective_date date NOT NULL,
  PRIMARY KEY (predecessor_id, successor_id, restructuring_id)
)`,
    `CREATE INDEX org_unit_lineage_successor ON ${t.lineage} (successor_id)`,
  ];
}

/** What a migration's `down` runs to remove the tables {@link orgReadModelTableSql} created. */
export function orgReadModelTableDropSql(schema: string): string[] {
  const t = orgReadModelTables(schema);
  return [`DROP TABLE IF EXISTS ${t.lineage}`, `DROP TABLE IF EXISTS ${t.version}`];
}
