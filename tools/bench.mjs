// `npm run bench [-- --scale small|medium|national] [--only 1,4]`: performance scenarios, apart from the tests.
// Each scenario measures the platform against a baseline in the same run; results go to bench/results/ as JSON and
// Markdown (latest.json, latest.md, and a dated copy). Never part of CI's pass/fail.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from './lib/infra.mjs';

const { values } = parseArgs({
  options: { scale: { type: 'string', default: 'small' }, only: { type: 'string' }, help: { type: 'boolean' } },
});
if (values.help || !['small', 'medium', 'national'].includes(values.scale)) {
  console.log('usage: npm run bench -- [--scale small|medium|national] [--only 1,2,3,4,5]');
  process.exit(values.help ? 0 : 2);
}
process.chdir(REPO_ROOT);
if (!existsSync('node_modules')) spawnSync('npm', ['install', '--no-audit', '--no-fund'], { stdio: 'inherit' });
// The apps, and @platform/testing, which the benchmarks take their bus credentials from (the apps do not use it).
for (const command of [['npm', ['run', 'build', '--silent']], ['npx', ['tsc', '-b', 'libs/platform/testing']]]) {
  const build = spawnSync(command[0], command[1], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const { machine } = await import('../bench/lib/machine.mjs');
const { toMarkdown } = await import('../bench/lib/report.mjs');
const scenarioDir = join(REPO_ROOT, 'bench/scenarios');
const only = values.only?.split(',').map((s) => s.trim());
const files = readdirSync(scenarioDir)
  .filter((file) => /^\d+-.*\.mjs$/.test(file))
  .sort()
  .filter((file) => !only || only.includes(file.split('-')[0]));

const report = { scale: values.scale, machine: machine(), scenarios: [] };
const log = (line) => console.log(line);
for (const file of files) {
  const started = Date.now();
  log(`scenario ${file} (scale ${values.scale})`);
  try {
    const { run } = await import(join(scenarioDir, file));
    const result = await run({ scale: values.scale, log, workDir: join(REPO_ROOT, '.data/bench'), adminDatabaseUrl: process.env.TEST_DATABASE_URL });
    report.scenarios.push({ ...result, seconds: Math.round((Date.now() - started) / 1_000) });
  } catch (error) {
    log(`  failed: ${error.stack ?? error}`);
    report.scenarios.push({ id: file.split('-')[0], title: file, error: String(error.message ?? error), seconds: Math.round((Date.now() - started) / 1_000) });
  }
}

mkdirSync('bench/results', { recursive: true });
const stamp = report.machine.date.slice(0, 19).replace(/[:T]/g, '-');
const markdown = toMarkdown(report);
for (const name of ['latest', `${stamp}-${values.scale}`]) {
  writeFileSync(join('bench/results', `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join('bench/results', `${name}.md`), markdown);
}
// The README shows the latest summary between its performance markers.
const readme = readFileSync('README.md', 'utf8');
const summary = markdown.replace(/^# .*\n/, '').replace(/^## /gm, '#### ');
writeFileSync(
  'README.md',
  readme.replace(/<!-- performance:start -->[\s\S]*<!-- performance:end -->/, `<!-- performance:start -->\n${summary}<!-- performance:end -->`),
);
log(markdown);
log(`written to bench/results/latest.md and bench/results/${stamp}-${values.scale}.md`);
process.exit(0);
