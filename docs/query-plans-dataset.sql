-- Synthetic national organisation tree for docs/query-plans.md.
--
-- Run against an empty database migrated with `node apps/org-structure/dist/cli.js migrate`:
--   psql -v ON_ERROR_STOP=1 -d plans_scratch -f docs/query-plans-dataset.sql
--
-- Shape (2020-01-01 .. 2025-06-30): 1 central root, 63 provinces, 11 districts per province (693),
-- 15 communes per district (10,395), 6 grassroots party organisations per commune (62,370) and
-- 3..8 party cells per grassroots organisation (343,035). Unit ids are md5-derived, so every run
-- produces the same ids and paths. Path labels are the ids without hyphens, as in the service.
--
-- 2025-07-01 restructuring: 11 provinces (1, 7, 13, ..., 61) are untouched. The other 52 are merged
-- into 23 (six groups of three, seventeen of two); the first province of each group survives with
-- a new version, the others end. In the 52 merged provinces every version is closed at 2025-07-01,
-- districts end, and every commune, grassroots organisation and cell gets a new version whose path
-- places the commune directly under the surviving province.

SET search_path = org_structure, public;
SET client_min_messages = warning;

BEGIN;

CREATE TEMP TABLE gen (
  id uuid PRIMARY KEY,
  parent_id uuid,
  code text NOT NULL,
  name text NOT NULL,
  kind text NOT NULL,
  level text NOT NULL,
  path ltree NOT NULL,
  p int NOT NULL,        -- province number (0 for the root)
  d int,                 -- district number within the province
  c int,                 -- commune number within the district
  g int                  -- grassroots organisation number within the commune
) ON COMMIT DROP;

-- Ids: md5 of a stable key, read as a uuid. Label = md5 hex = the id without hyphens.
INSERT INTO gen
SELECT md5('central')::uuid, NULL, 'TW', 'Ban Chấp hành Trung ương', 'party_committee', 'central',
       md5('central')::ltree, 0, NULL, NULL, NULL;

INSERT INTO gen
SELECT md5(k)::uuid, r.id, format('T%s', lpad(n::text, 2, '0')), format('Đảng bộ tỉnh %s', lpad(n::text, 2, '0')),
       'party_committee', 'province', r.path || md5(k), n, NULL, NULL, NULL
  FROM generate_series(1, 63) n, gen r, LATERAL (SELECT format('p%s', n) AS k) key
 WHERE r.level = 'central';

INSERT INTO gen
SELECT md5(k)::uuid, pr.id, format('%s-H%s', pr.code, lpad(i::text, 2, '0')),
       format('Đảng bộ huyện %s-%s', lpad(pr.p::text, 2, '0'), lpad(i::text, 2, '0')),
       'party_committee', 'district', pr.path || md5(k), pr.p, i, NULL, NULL
  FROM gen pr, generate_series(1, 11) i, LATERAL (SELECT format('p%s.d%s', pr.p, i) AS k) key
 WHERE pr.level = 'province';

INSERT INTO gen
SELECT md5(k)::uuid, di.id, format('%s-X%s', di.code, lpad(i::text, 2, '0')),
       format('Đảng bộ xã %s-%s-%s', lpad(di.p::text, 2, '0'), lpad(di.d::text, 2, '0'), lpad(i::text, 2, '0')),
       'party_committee', 'commune', di.path || md5(k), di.p, di.d, i, NULL
  FROM gen di, generate_series(1, 15) i, LATERAL (SELECT format('p%s.d%s.c%s', di.p, di.d, i) AS k) key
 WHERE di.level = 'district';

INSERT INTO gen
SELECT md5(k)::uuid, co.id, format('%s-D%s', co.code, i), format('Đảng bộ cơ sở %s số %s', co.code, i),
       'grassroots_party_organisation', 'grassroots', co.path || md5(k), co.p, co.d, co.c, i
  FROM gen co, generate_series(1, 6) i, LATERAL (SELECT format('p%s.d%s.c%s.g%s', co.p, co.d, co.c, i) AS k) key
 WHERE co.level = 'commune';

-- 3..8 cells per grassroots organisation, varying deterministically.
INSERT INTO gen
SELECT md5(k)::uuid, gp.id, format('%s-C%s', gp.code, cell), format('Chi bộ %s số %s', gp.code, cell),
       'party_cell', 'grassroots', gp.path || md5(k), gp.p, gp.d, gp.c, gp.g
  FROM gen gp,
       generate_series(1, 3 + (gp.p * 7 + gp.d * 5 + gp.c * 3 + gp.g) % 6) cell,
       LATERAL (SELECT format('p%s.d%s.c%s.g%s.k%s', gp.p, gp.d, gp.c, gp.g, cell) AS k) key
 WHERE gp.kind = 'grassroots_party_organisation';

-- Province merge plan: province -> surviving province (NULL for the 11 untouched ones).
CREATE TEMP TABLE merge_plan ON COMMIT DROP AS
WITH merged AS (
  SELECT p, row_number() OVER (ORDER BY p) AS rn FROM generate_series(1, 63) p WHERE p % 6 <> 1
), grouped AS (
  SELECT p, CASE WHEN rn <= 18 THEN (rn - 1) / 3 ELSE 6 + (rn - 19) / 2 END AS grp FROM merged
)
SELECT p, min(p) OVER (PARTITION BY grp) AS survivor FROM grouped;

INSERT INTO restructuring (id, decision_ref, effective_date, title, operations)
VALUES (md5('restructuring-2025')::uuid, 'NQ 202/2025/QH15', '2025-07-01',
        'Sắp xếp đơn vị hành chính 2025', '[{"type": "synthetic"}]');

-- Units: districts of merged provinces and the 29 absorbed provinces end on 2025-07-01.
INSERT INTO unit (id, exists_from, exists_until)
SELECT g.id, DATE '2020-01-01',
       CASE WHEN m.p IS NOT NULL AND (g.level = 'district' OR (g.level = 'province' AND m.survivor <> m.p))
            THEN DATE '2025-07-01' END
  FROM gen g LEFT JOIN merge_plan m ON m.p = g.p;

-- Versions before the restructuring (closed at 2025-07-01 inside merged provinces).
INSERT INTO unit_version (unit_id, code, name, short_name, search_text, kind, level, block, parent_id, path,
                          valid_from, valid_to)
SELECT g.id, g.code, g.name, NULL, lower(g.name), g.kind, g.level, 'party', g.parent_id, g.path,
       DATE '2020-01-01', CASE WHEN m.p IS NOT NULL THEN DATE '2025-07-01' END
  FROM gen g LEFT JOIN merge_plan m ON m.p = g.p
 ORDER BY g.p, g.d NULLS FIRST, g.c NULLS FIRST, g.g NULLS FIRST;

-- Versions from 2025-07-01: surviving provinces continue (new name); communes and everything below
-- them move directly under the surviving province (the district label is dropped from the path).
INSERT INTO unit_version (unit_id, code, name, short_name, search_text, kind, level, block, parent_id, path,
                          valid_from, valid_to, restructuring_id)
SELECT g.id, g.code, n.name, NULL, lower(n.name), g.kind, g.level, 'party',
       CASE WHEN g.level = 'commune' THEN s.id ELSE g.parent_id END,
       CASE WHEN g.level = 'province' THEN g.path ELSE s.path || subpath(g.path, 3) END,
       DATE '2025-07-01', NULL, md5('restructuring-2025')::uuid
  FROM gen g
  JOIN merge_plan m ON m.p = g.p
  JOIN gen s ON s.level = 'province' AND s.p = m.survivor
  CROSS JOIN LATERAL (SELECT CASE WHEN g.level = 'province' THEN g.name || ' (hợp nhất 2025)' ELSE g.name END AS name) n
 WHERE (g.level = 'province' AND m.survivor = m.p) OR g.level IN ('commune', 'grassroots')
 ORDER BY m.survivor, g.p, g.d NULLS FIRST, g.c NULLS FIRST, g.g NULLS FIRST;

INSERT INTO unit_lineage (predecessor_id, successor_id, restructuring_id, operation, effective_date)
SELECT md5(format('p%s', m.p))::uuid, md5(format('p%s', m.survivor))::uuid, md5('restructuring-2025')::uuid,
       'merge', DATE '2025-07-01'
  FROM merge_plan m WHERE m.survivor <> m.p;

COMMIT;

VACUUM ANALYZE unit;
VACUUM ANALYZE unit_version;
VACUUM ANALYZE unit_lineage;

-- Timing helper used for docs/query-plans.md (optional; not part of the dataset).
-- Runs `sql` 5 times to warm up, then n times under EXPLAIN (ANALYZE, TIMING OFF) and returns the
-- p50/p95/max of the server-side Execution Time and the p50 Planning Time, in ms. Example:
--   SELECT * FROM bench.run($$SELECT ... FROM unit_version v WHERE ...$$);
CREATE SCHEMA IF NOT EXISTS bench;
CREATE OR REPLACE FUNCTION bench.run(sql text, n int DEFAULT 50)
RETURNS TABLE (exec_p50 numeric, exec_p95 numeric, exec_max numeric, plan_p50 numeric)
LANGUAGE plpgsql SET search_path = org_structure, public AS $$
DECLARE
  plan json;
  ex float8[] := '{}';
  pl float8[] := '{}';
BEGIN
  FOR i IN 1 .. n + 5 LOOP
    EXECUTE 'EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ' || sql INTO plan;
    IF i > 5 THEN
      ex := ex || (plan -> 0 ->> 'Execution Time')::float8;
      pl := pl || (plan -> 0 ->> 'Planning Time')::float8;
    END IF;
  END LOOP;
  RETURN QUERY
  SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY e)::numeric, 2),
         round(percentile_cont(0.95) WITHIN GROUP (ORDER BY e)::numeric, 2),
         round(max(e)::numeric, 2),
         (SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY p)::numeric, 2) FROM unnest(pl) p)
    FROM unnest(ex) e;
END $$;
