// `npm test`: lint, typecheck and build, lint the OpenAPI document the build serves, then every jest tier (the e2e
// tier starts the compiled apps).
// The last line printed is always `N passed, N failed`, which is the line CI reads.
//
//   npm test                          all tiers
//   TEST_TIERS=unit,integration npm test
//   npm test -- libs/platform/nats    extra arguments go to jest
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.error) {
    process.stderr.write(`${command} ${args.join(' ')}: ${result.error.message}\n`);
    return 1;
  }
  return result.status ?? 1;
}

function finish(passed, failed) {
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
}

function readResults(file) {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    process.stderr.write(`cannot read jest results ${file}: ${error.message}\n`);
    return undefined;
  }
}

function main() {
  for (const step of ['lint', 'typecheck', 'build', 'lint:openapi']) {
    if (run('npm', ['run', step]) !== 0) {
      process.stderr.write(`\nnpm run ${step} failed; tests not run.\n`);
      return finish(0, 1);
    }
  }

  const tiers = (process.env.TEST_TIERS ?? '')
    .split(',')
    .map((tier) => tier.trim())
    .filter(Boolean);
  const dir = mkdtempSync(join(tmpdir(), 'jest-results-'));
  const outputFile = join(dir, 'jest-results.json');
  const args = ['jest', '--ci', '--json', `--outputFile=${outputFile}`];
  if (tiers.length > 0) args.push('--selectProjects', ...tiers);
  args.push(...process.argv.slice(2));

  try {
    const status = run('npx', args);
    const results = readResults(outputFile);
    if (!results) {
      process.stderr.write(`\njest exited with ${status} and wrote no results.\n`);
      return finish(0, 1);
    }

    const passed = results.numPassedTests ?? 0;
    // A suite that cannot load (syntax error, failing import, throwing top-level code) reports no failed test.
    let failed = (results.numFailedTests ?? 0) + (results.numRuntimeErrorTestSuites ?? 0);
    if (results.numTotalTests === 0) {
      process.stderr.write('\nno tests ran.\n');
      failed = Math.max(failed, 1);
    }
    if (status !== 0 && failed === 0) {
      process.stderr.write(`\njest exited with ${status} although no test failed.\n`);
      failed = 1;
    }
    return finish(passed, failed);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

try {
  main();
} catch (error) {
  process.stderr.write(`${error.stack ?? error}\n`);
  finish(0, 1);
}
