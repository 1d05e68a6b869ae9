process.chdir('/work/main');
const { createReadStream } = require('fs');
const { loadOrgStructureConfig } = require('/work/main/apps/org-structure/dist/config.js');
const { orgDataSource } = require('/work/main/apps/org-structure/dist/infrastructure/database.js');
const { ImportUnits } = require('/work/main/apps/org-structure/dist/imports/import-units.js');
const { readCsvStream } = require('/work/main/apps/org-structure/dist/imports/parse-import.js');
const { AuditLog } = require('/work/main/node_modules/@platform/audit');
(async () => {
  const config = loadOrgStructureConfig({ AUTH_PUBLIC_KEY: 'x', ...process.env });
  const db = await orgDataSource(config).initialize();
  const times = new Map();
  const EM = require('/work/main/node_modules/typeorm').EntityManager.prototype;
  const orig = EM.query;
  EM.query = async function (sql, params) {
    const t = process.hrtime.bigint();
    try { return await orig.call(this, sql, params); } finally {
      const k = sql.replace(/\s+/g, ' ').slice(0, 60);
      const e = times.get(k) ?? [0, 0]; e[0] += Number(process.hrtime.bigint() - t) / 1e6; e[1]++; times.set(k, e);
    }
  };
  const t0 = Date.now();
  const probe = setInterval(() => { global.gc?.(); const m = process.memoryUsage(); console.log('mem', Math.round((Date.now()-t0)/1000)+'s', 'heap', Math.round(m.heapUsed/1e6), 'rss', Math.round(m.rss/1e6), 'ext', Math.round(m.external/1e6), 'ab', Math.round(m.arrayBuffers/1e6)); }, 5000);
  const r = await new ImportUnits(db, { nudge() {}, audit: new AuditLog({ dataSource: db, lockKey: 7301003 }) }).runStream(readCsvStream(createReadStream(process.argv[2])));
  console.log(r.created, r.unchanged, Date.now() - t0, 'ms');
  for (const [k, [ms, n]] of [...times].sort((a, b) => b[1][0] - a[1][0])) console.log(ms.toFixed(0).padStart(7), String(n).padStart(5), k);
  clearInterval(probe); await db.destroy();
})();
