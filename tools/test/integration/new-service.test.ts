import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';

/* `npm run new-service`: what it refuses, and what it writes, in a copy of the repository. */
const ROOT = join(__dirname, '..', '..', '..');

function generate(root: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [join(root, 'tools/new-service.mjs'), ...args], { cwd: root, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('names it refuses, writing nothing', () => {
  const changes = () => execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: ROOT, encoding: 'utf8' });

  it.each([
    ['Case_Files', 'is not kebab-case'],
    ['case--files', 'is not kebab-case'],
    ['gateway', 'is reserved'],
    ['admin', 'is reserved'],
    ['identity', 'apps/identity exists'],
    ['pg-stats', 'PostgreSQL reserves role names starting with pg_'],
    ['archive-migrate', 'ends like the names derived'],
    ['a-very-long-service-name', 'is longer than'],
    ['org-structure', 'apps/org-structure exists'],
    ['org', "would overlap org-structure's org.v1.>"],
  ])('%s (%s)', (name, reason) => {
    const before = changes();
    const { status, output } = generate(ROOT, name, '--skip-install');
    expect(status).toBe(1);
    expect(output).toContain(reason);
    expect(changes()).toBe(before);
  });
});

describe('a new service', () => {
  let copy: string;
  let first: ReturnType<typeof generate>;

  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), 'new-service-'));
    const tracked = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
    for (const path of tracked) {
      if (!existsSync(join(ROOT, path))) continue;
      mkdirSync(dirname(join(copy, path)), { recursive: true });
      cpSync(join(ROOT, path), join(copy, path));
    }
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    first = generate(copy, 'case-files', '--skip-install');
  });

  afterAll(() => {
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  const read = (path: string) => readFileSync(join(copy, path), 'utf8');

  it('writes its contracts and its app', () => {
    expect(first.output).toContain('case-files: wrote 27 files, changed 13');
    expect(first.status).toBe(0);
    for (const path of [
      'libs/contracts/case-files/src/bus.ts',
      'libs/contracts/case-files/src/routes.ts',
      'apps/case-files/src/service.ts',
      'apps/case-files/src/sample/record-sample.spec.ts',
      'apps/case-files/test/integration/sample.test.ts',
      'apps/case-files/Dockerfile',
    ]) {
      expect(existsSync(join(copy, path))).toBe(true);
    }
    expect(read('libs/contracts/case-files/src/bus.ts')).toContain("requests: ['case-files.v1.>']");
    expect(read('apps/case-files/src/config.ts')).toContain("serviceEnv({ role: 'case_files', schema: 'case_files' })");
  });

  it('creates the outbox and the audit table in its first migration', () => {
    const migration = read('apps/case-files/src/infrastructure/database.ts').match(/from '\.\/migrations\/([^']+)'/)?.[1];
    const text = read(`apps/case-files/src/infrastructure/migrations/${migration}.ts`);
    expect(text).toContain('CREATE TABLE outbox (');
    expect(text).toContain('CREATE TABLE audit_log (');
    expect(text).toContain('CREATE TRIGGER audit_log_append_only');
  });

  it('lists it where the platform lists its services', () => {
    expect(read('libs/contracts/registry/src/index.ts')).toContain("{ bus: CASE_FILES_BUS, app: 'case-files', database: { role: 'case_files', schema: 'case_files' } }");
    expect(read('libs/contracts/registry/src/index.ts')).toContain('...Object.values(CASE_FILES_ROUTES)]');
    expect(read('apps/gateway/src/http/error-mapper.ts')).toContain('  ...CASE_FILES_ERRORS,\n} as const satisfies');
    expect(read('apps/gateway/src/http/error-mapper.spec.ts')).toContain('...Object.values(CaseFilesErrorCode),');
    expect(read('test/e2e/access-matrix.test.ts')).toContain("'POST /api/v1/case-files/samples': { access: 'admin' }");
    expect(read('test/e2e/access-matrix.test.ts')).toContain("[Permission.CaseFilesSampleWrite]: 'admin'");
    expect(read('libs/contracts/common/src/access.ts')).toContain("CaseFilesSampleWrite: 'case-files.sample.write'");
    expect(read('eslint.config.mjs')).toMatch(/^ *\{ sourceTag: 'scope:case-files', onlyDependOnLibsWithTags: \['scope:case-files', 'scope:shared'\] \},$/m);
    expect(JSON.parse(read('package.json')).scripts.build.split(' ')).toContain('apps/case-files');
    expect(JSON.parse(read('package.json')).scripts.migrate).toMatch(/ && node apps\/case-files\/dist\/cli\.js migrate$/);
    expect(Object.keys(JSON.parse(read('migrations.lock.json')))).toContainEqual(expect.stringMatching(/^\d{13}-case-files-initial\.ts$/));
    expect(JSON.parse(read('tsconfig.json')).references).toContainEqual({ path: './apps/case-files' });
    const compose = parse(read('docker-compose.yml'), { merge: true });
    expect(compose.services['case-files'].secrets).toEqual(['case_files_database_password', 'case_files_nats_seed', 'case_files_caller_token_key', 'case_files_audit_key']);
    expect(compose.services['case-files-migrate'].image).toBe('political-system-records/case-files:local');
    expect(compose.services.gateway.depends_on['case-files']).toEqual({ condition: 'service_started' });
  });

  it('refuses the same name a second time', () => {
    const again = generate(copy, 'case-files', '--skip-install');
    expect(again.status).toBe(1);
    expect(again.output).toContain('apps/case-files exists');
  });
});
