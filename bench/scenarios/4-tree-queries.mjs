// Scenario 4: the organisation tree as of a date — a subtree page, the ancestors of a unit and statistics under a
// unit — on the synthetic national dataset with its restructuring history, the day before and the day of the 2025
// provincial merger. Each question is answered (a) by the service's own query classes, compiled, called in this
// process with the service's data source, and (b) by a hand-written recursive query over parent_id on the same
// tables; both answers must be equal. The plan of the service's statements shows which index it uses.
//
// Needs: the compiled service (`npm run build`) and a PostgreSQL on which it may create databases and roles
// (`adminDatabaseUrl`); the service's queries run as its own role, which its `migrate` command creates. The dataset
// is loaded the way the platform loads data: `cli.js import`, then every restructuring through the service's
// RestructuringService (what `cli.js restructure` runs; scenario 5 times the command itself), with scenario 5's
// helpers.
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../tools/lib/infra.mjs';
import { adminServer } from '../lib/databases.mjs';
import { loadDataset } from './5-bulk-import.mjs';

const require = createRequire(import.meta.url);
const DATES = ['2025-06-30', '2025-07-01'];
const RUNS = 200;
const WARM_UP = 20;
const PAGE = 100;
/** The hand-written queries read whole subtrees; they run RUNS times or for this long, at least MIN_HAND_RUNS. */
const HAND_BUDGET_MS = 10_000;
const MIN_HAND_RUNS = 5;
const TARGET_P95_MS = 10;

const HAND = {
  // Every unit below the root at the date, found by walking parent_id; ordered by the chain of ids from the root,
  // which is the order of the stored path (labels are the ids' hex digits).
  subtree: `WITH RECURSIVE below (unit_id, chain) AS (
      SELECT v.unit_id, ARRAY[v.unit_id] FROM unit_version v WHERE v.parent_id = $1 AND v.validity @> $2::date
      UNION ALL
      SELECT v.unit_id, b.chain || v.unit_id FROM below b JOIN unit_version v ON v.parent_id = b.unit_id AND v.validity @> $2::date
    )
    SELECT unit_id FROM below ORDER BY chain LIMIT ${PAGE}`,
  ancestors: `WITH RECURSIVE up (unit_id, parent_id, depth) AS (
      SELECT v.unit_id, v.parent_id, 0 FROM unit_version v WHERE v.unit_id = $1 AND v.validity @> $2::date
      UNION ALL
      SELECT p.unit_id, p.parent_id, up.depth + 1 FROM up JOIN unit_version p ON p.unit_id = up.parent_id AND p.validity @> $2::date
    )
    SELECT unit_id FROM up WHERE depth > 0 ORDER BY depth DESC`,
  statistics: `WITH RECURSIVE below (unit_id) AS (
      SELECT v.unit_id FROM unit_version v WHERE v.parent_id = $1 AND v.validity @> $2::date
      UNION ALL
      SELECT v.unit_id FROM below b JOIN unit_version v ON v.parent_id = b.unit_id AND v.validity @> $2::date
    )
    SELECT v.level, v.kind, v.block, count(*)::int AS n
      FROM below b JOIN unit_version v ON v.unit_id = b.unit_id AND v.validity @> $2::date
     GROUP BY v.level, v.kind, v.block`,
};

export async function run({ scale = 'small', log = () => undefined, workDir, adminDatabaseUrl } = {}) {
  const work = workDir ?? mkdtempSync(join(tmpdir(), 'bench-tree-'));
  const server = await adminServer(adminDatabaseUrl);
  const started = Date.now();
  log(`  loading the ${scale} dataset: cli.js import, then the restructurings through the service's RestructuringService`);
  const loaded = await loadDataset({ scale, log, workDir: work, adminDatabaseUrl: server.url, prefix: 'bench_tree', restructureInProcess: true }).catch(async (error) => {
    await server.stop();
    throw error;
  });
  const { db: scratch, dataset, imported, history } = loaded;
  const { orgDataSource } = require(join(REPO_ROOT, 'apps/org-structure/dist/service.js'));
  const { loadOrgStructureCliConfig } = require(join(REPO_ROOT, 'apps/org-structure/dist/config.js'));
  const { UnitQueries } = require(join(REPO_ROOT, 'apps/org-structure/dist/units/unit-queries.js'));
  const { StatisticsQueries } = require(join(REPO_ROOT, 'apps/org-structure/dist/statistics/statistics-queries.js'));
  // The service's data source on its own role, as its commands open it (no bus, so no NATS credentials).
  const db = await orgDataSource(loadOrgStructureCliConfig({ DATABASE_URL: scratch.serviceUrl('org-structure'), LOG_LEVEL: 'silent' })).initialize();
  try {
    // As autovacuum would leave the tables: statistics for the planner, the visibility map for index-only scans.
    await db.query('VACUUM ANALYZE unit');
    await db.query('VACUUM ANALYZE unit_version');
    const [shape] = await db.query(
      `SELECT (SELECT count(*)::int FROM unit) AS units, (SELECT count(*)::int FROM unit_version) AS versions,
              (SELECT count(*)::int FROM unit_version WHERE validity @> '2025-06-30'::date) AS before,
              (SELECT count(*)::int FROM unit_version WHERE validity @> '2025-07-01'::date) AS after`,
    );
    const id = async (code) => (await db.query('SELECT unit_id FROM unit_version WHERE code = $1 ORDER BY valid_from DESC LIMIT 1', [code]))[0].unit_id;
    const probes = dataset.probes;
    const subjects = {
      province: { code: probes.largeProvince, id: await id(probes.largeProvince) },
      root: { code: probes.root, id: await id(probes.root) },
      cell: { code: probes.deepCell, id: await id(probes.deepCell) },
    };
    const units = new UnitQueries(db);
    const statistics = new StatisticsQueries(db);

    const cases = [];
    for (const date of DATES) {
      cases.push({
        query: 'subtree page',
        subject: subjects.province,
        date,
        target: true,
        service: () => units.subtree({ id: subjects.province.id, asOf: date, limit: PAGE }).then((page) => page.items.map((n) => n.id)),
        hand: () => db.query(HAND.subtree, [subjects.province.id, date]).then((rows) => rows.map((r) => r.unit_id)),
      });
      cases.push({
        query: 'ancestors',
        subject: subjects.cell,
        date,
        target: true,
        service: () => units.ancestors({ id: subjects.cell.id, asOf: date }).then((answer) => answer.items.map((n) => n.id)),
        hand: () => db.query(HAND.ancestors, [subjects.cell.id, date]).then((rows) => rows.map((r) => r.unit_id)),
      });
      cases.push({
        query: 'statistics',
        subject: subjects.province,
        date,
        target: false,
        service: () => statistics.statistics({ rootId: subjects.province.id, asOf: date }).then((view) => view.counts),
        hand: () => db.query(HAND.statistics, [subjects.province.id, date]).then(countsOf),
      });
      cases.push({
        query: 'subtree page',
        subject: subjects.root,
        date,
        target: false,
        service: () => units.subtree({ id: subjects.root.id, asOf: date, limit: PAGE }).then((page) => page.items.map((n) => n.id)),
        hand: () => db.query(HAND.subtree, [subjects.root.id, date]).then((rows) => rows.map((r) => r.unit_id)),
      });
    }

    const results = [];
    for (const c of cases) {
      const serviceAnswer = await c.service();
      const handAnswer = await c.hand();
      const same = JSON.stringify(canonical(serviceAnswer)) === JSON.stringify(canonical(handAnswer));
      const size = Array.isArray(serviceAnswer) ? serviceAnswer.length : serviceAnswer.total;
      const plan = await planOf(db, c.service);
      const service = await timeIt(c.service, { runs: RUNS });
      const hand = await timeIt(c.hand, { runs: RUNS, budgetMs: HAND_BUDGET_MS, minRuns: MIN_HAND_RUNS });
      log(`  ${c.query} ${c.subject.code} as of ${c.date}: service p50 ${ms(service.p50)} p95 ${ms(service.p95)} ms; hand-written p50 ${ms(hand.p50)} p95 ${ms(hand.p95)} ms (${hand.runs} runs); ${same ? 'same answer' : 'ANSWERS DIFFER'}; ${plan.summary}`);
      results.push({ ...c, same, size, plan, service, hand });
    }

    const targeted = (query) => results.filter((r) => r.target && r.query === query);
    const worst = (list) => Math.max(...list.map((r) => r.service.p95));
    const targets = ['subtree page', 'ancestors'].map((query) => {
      const list = targeted(query);
      return {
        name: `${query} p95 (${list[0].subject.code}, as of ${DATES.join(' and ')})`,
        target: `≤ ${TARGET_P95_MS} ms${scale === 'national' ? '' : ' (at ≥ 400,000 units: scale national)'}`,
        measured: list.map((r) => `${ms(r.service.p95)} ms (${r.date})`).join(', '),
        met: worst(list) <= TARGET_P95_MS,
      };
    });
    const planned = results.filter((r) => r.target);
    targets.push({
      name: 'service plans use an index (subtree, ancestors)',
      target: 'no sequential scan of unit_version',
      measured: [...new Set(planned.flatMap((r) => r.plan.indexes))].join(', ') || 'no index',
      met: planned.every((r) => r.plan.indexes.length > 0 && !r.plan.seqScan),
    });
    targets.push({
      name: 'same answers as the hand-written SQL',
      target: 'all equal',
      measured: `${results.filter((r) => r.same).length}/${results.length} equal`,
      met: results.every((r) => r.same),
    });

    return {
      id: '4',
      title: 'Tree as of a date: subtree page, ancestors, statistics — service queries vs hand-written recursive SQL',
      columns: ['query', 'unit', 'as of', 'answer', 'service p50 / p95 ms', 'hand-written p50 / p95 ms (runs)', 'same answer', 'service plan'],
      rows: results.map((r) => [
        r.query,
        r.subject.code,
        r.date,
        r.query === 'statistics' ? `${r.size} units counted` : `${r.size} rows`,
        `${ms(r.service.p50)} / ${ms(r.service.p95)}`,
        `${ms(r.hand.p50)} / ${ms(r.hand.p95)} (${r.hand.runs})`,
        r.same ? 'yes' : 'NO',
        r.plan.summary,
      ]),
      targets,
      notes: [
        `scale ${scale}: ${shape.units} units, ${shape.versions} versions; alive on 2025-06-30: ${shape.before}, on 2025-07-01: ${shape.after}. Loaded with cli.js import (${imported.seconds.toFixed(1)} s), then ${history.bodies} restructurings (${history.operations} operations) applied in order through the compiled RestructuringService (${history.seconds.toFixed(0)} s), then VACUUM ANALYZE.`,
        `Service: the compiled UnitQueries.subtree (page of ${PAGE}), UnitQueries.ancestors and StatisticsQueries.statistics called in this process on the service's data source, so each timing includes the service's own lookups (the unit as of the date) and the driver; ${RUNS} runs after ${WARM_UP} warm-up runs.`,
        `Hand-written: recursive queries over parent_id at the date (no path, no path index); run ${RUNS} times or for ${HAND_BUDGET_MS / 1000} s (at least ${MIN_HAND_RUNS}).`,
        'Plans: EXPLAIN (ANALYZE, BUFFERS) of every statement the service sent for the call, with its parameters; the indexes named are those of the statements that read unit_version.',
        `${probes.largeProvince} continues the largest group of provinces merged on 2025-07-01; ${probes.deepCell} is a party cell of a grassroots organisation of a commune of ${probes.absorbedProvince} (absorbed on that date: the cell's path loses the province and district levels it had). The national root (${probes.root}) is measured for information; targets cover the province and the cell.`,
        `Run time of the scenario: ${Math.round((Date.now() - started) / 1000)} s.`,
      ],
    };
  } finally {
    await db.destroy();
    await scratch.drop();
    await server.stop();
    if (!workDir) rmSync(work, { recursive: true, force: true });
  }
}

async function timeIt(call, { runs, budgetMs = Infinity, minRuns = runs }) {
  for (let i = 0; i < Math.min(WARM_UP, minRuns); i += 1) await call();
  const times = [];
  const deadline = Date.now() + budgetMs;
  while (times.length < runs && (times.length < minRuns || Date.now() < deadline)) {
    const startedAt = process.hrtime.bigint();
    await call();
    times.push(Number(process.hrtime.bigint() - startedAt) / 1e6);
  }
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)];
  return { runs: times.length, p50: at(0.5), p95: at(0.95), max: times[times.length - 1] };
}

/** Captures the statements a service call sends, then EXPLAINs each with its parameters. */
async function planOf(db, call) {
  const statements = [];
  // The service reads through TypeORM (db.query) and straight on its pool (poolReader): both are listened to.
  const pool = db.driver.master;
  const originals = { db: db.query, pool: pool.query };
  db.query = (sql, parameters) => {
    statements.push({ sql, parameters });
    return originals.db.call(db, sql, parameters);
  };
  pool.query = (sql, parameters) => {
    statements.push({ sql, parameters });
    return originals.pool.call(pool, sql, parameters);
  };
  try {
    await call();
  } finally {
    db.query = originals.db;
    pool.query = originals.pool;
  }
  if (!statements.some(({ sql }) => /unit_version/.test(sql))) throw new Error('no statement reading unit_version was captured');
  const indexes = new Set();
  const nodes = [];
  let seqScan = false;
  let executionMs = 0;
  for (const { sql, parameters } of statements) {
    if (!/unit_version/.test(sql)) continue;
    const [{ 'QUERY PLAN': [plan] }] = await db.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, parameters);
    executionMs += plan['Execution Time'];
    walk(plan.Plan, (node) => {
      if (node['Index Name']) {
        indexes.add(node['Index Name']);
        nodes.push(`${node['Node Type']} ${node['Index Name']}`);
      }
      if (node['Node Type'] === 'Seq Scan' && node['Relation Name'] === 'unit_version') seqScan = true;
    });
  }
  const summary = `${[...new Set(nodes)].join('; ')}${seqScan ? '; Seq Scan unit_version' : ''} (${executionMs.toFixed(2)} ms in EXPLAIN ANALYZE)`;
  return { indexes: [...indexes], seqScan, summary, statements: statements.length };
}

function walk(node, visit) {
  visit(node);
  for (const child of node.Plans ?? []) walk(child, visit);
}

/** Statistics rows counted as StatisticsQueries does. */
function countsOf(rows) {
  const counts = { total: 0, byLevel: {}, byKind: {}, byBlock: {} };
  for (const row of rows) {
    counts.total += row.n;
    counts.byLevel[row.level] = (counts.byLevel[row.level] ?? 0) + row.n;
    counts.byKind[row.kind] = (counts.byKind[row.kind] ?? 0) + row.n;
    counts.byBlock[row.block] = (counts.byBlock[row.block] ?? 0) + row.n;
  }
  return counts;
}

/** Arrays keep their order (it is part of the answer); object keys are sorted. */
function canonical(value) {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical(value[key])]));
  return value;
}

const ms = (value) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
