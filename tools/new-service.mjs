// `npm run new-service -- <name>`: a new service on the service kit, wired into the platform.
//
//   - writes its contracts (libs/contracts/<name>) and its app (apps/<name>): the definition on the kit, main.ts and
//     cli.ts, its settings, a first migration creating its outbox and audit table, a sample handler with its
//     permission, a unit test and integration tests, the Nx project, tsconfig and Dockerfile;
//   - adds it where the platform lists its services: the registry (libs/contracts/registry, which npm start, the
//     tests, the gateway and the credentials read), the permission in libs/contracts/common, the module boundary
//     in eslint.config.mjs, the root tsconfig.json, the build and migrate scripts, docker-compose.yml, and its
//     migration in migrations.lock.json;
//   - runs npm install, which links the new contracts package into node_modules and the lockfile.
//
// It refuses a name that is not kebab-case, is reserved, or is taken by anything the service would be called
// (its folders, Nx projects, registry entry, database role or schema, subjects, stream, compose services, secrets),
// and checks every edit before writing anything. It builds the libraries it reads (the registry, the DDL of the
// outbox and the audit table) first.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  addAccessRows,
  addErrorCatalogue,
  addToErrorMapperSpec,
  addPermission,
  addReference,
  addRegistryEntry,
  addScopeConstraint,
  addToChownHint,
  addToCompose,
  addToScripts,
  EditError,
} from './lib/new-service/edits.mjs';
import { formatLock, hashOf, LOCK_FILE, readLock } from './lib/migrations-lock.mjs';
import { nameProblem, serviceNames, subjectsOverlap } from './lib/new-service/names.mjs';
import { isDomainFile, serviceFiles } from './lib/new-service/templates.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(join(ROOT, 'package.json'));
const USAGE = 'usage: npm run new-service -- <name>   (kebab-case, e.g. party-members)';

function refuse(message) {
  console.error(`[new-service] ${message}`);
  process.exit(1);
}

const log = (line) => console.log(`[new-service] ${line}`);
const read = (path) => readFileSync(join(ROOT, path), 'utf8');

function main(names) {
  const { kebab, pascal } = names;
  if (!existsSync(join(ROOT, 'node_modules'))) refuse('node_modules is missing: run npm install first');
  // Before the build: a service generated but not yet installed would fail it.
  for (const path of [`apps/${kebab}`, `libs/contracts/${kebab}`]) if (existsSync(join(ROOT, path))) refuse(`"${kebab}" is taken: ${path} exists`);
  const libraries = builtLibraries();

  const taken = takenBy(names, libraries.registry);
  if (taken.length > 0) refuse(`"${kebab}" is taken:\n${taken.map((reason) => `  - ${reason}`).join('\n')}`);

  const permission = { key: `${pascal}SampleWrite`, value: `${kebab}.sample.write`, service: kebab };
  const migrationTimestamp = Date.now();
  const files = serviceFiles({
    names,
    permission,
    migrationTimestamp,
    outboxSql: libraries.persistence.outboxTableSql(),
    outboxDropSql: libraries.persistence.outboxTableDropSql(),
    auditSql: libraries.audit.auditTableSql(),
    auditDropSql: libraries.audit.auditTableDropSql(),
  });
  for (const path of Object.keys(files)) if (existsSync(join(ROOT, path))) refuse(`${path} exists; nothing was written`);

  const compose = read('docker-compose.yml');
  const edits = {
    'libs/contracts/common/src/access.ts': addPermission(read('libs/contracts/common/src/access.ts'), permission),
    'libs/contracts/registry/src/index.ts': addRegistryEntry(read('libs/contracts/registry/src/index.ts'), names),
    'libs/contracts/registry/tsconfig.json': addReference(read('libs/contracts/registry/tsconfig.json'), 'libs/contracts/registry/tsconfig.json', `../${kebab}`),
    'tsconfig.json': addReference(read('tsconfig.json'), 'tsconfig.json', `./apps/${kebab}`),
    'apps/gateway/src/http/error-mapper.ts': addErrorCatalogue(read('apps/gateway/src/http/error-mapper.ts'), names),
    'apps/gateway/src/http/error-mapper.spec.ts': addToErrorMapperSpec(read('apps/gateway/src/http/error-mapper.spec.ts'), names),
    'apps/gateway/tsconfig.json': addReference(read('apps/gateway/tsconfig.json'), 'apps/gateway/tsconfig.json', `../../libs/contracts/${kebab}`),
    'test/e2e/access-matrix.test.ts': addAccessRows(read('test/e2e/access-matrix.test.ts'), names, permission),
    'eslint.config.mjs': addScopeConstraint(read('eslint.config.mjs'), names),
    'package.json': addToScripts(read('package.json'), names),
    'docker-compose.yml': addToChownHint(addToCompose(compose, names, lastMigration(parseCompose(compose))), names),
    'README.md': addToChownHint(read('README.md'), names),
    // Locked now, like every migration that lands: the service's own tables go in the migrations after it.
    [LOCK_FILE]: formatLock({ ...readLock(ROOT), ...lockEntryOf(files) }),
  };

  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(ROOT, path)), { recursive: true });
    writeFileSync(join(ROOT, path), content);
  }
  const changed = Object.entries(edits).filter(([path, content]) => content !== read(path));
  for (const [path, content] of changed) writeFileSync(join(ROOT, path), content);

  if (!skipInstall) {
    log(`npm install: links @contracts/${kebab} into node_modules and the lockfile`);
    const install = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: ROOT, stdio: 'inherit' });
    if (install.status !== 0) refuse('npm install failed; run it again before building');
  }

  const written = Object.keys(files);
  const domain = written.filter(isDomainFile);
  console.log('');
  log(`${kebab}: wrote ${written.length} files, changed ${changed.length}${skipInstall ? '' : ' (and package-lock.json, through npm install)'}.`);
  log(`  the domain, yours to change (${domain.length}):`);
  for (const path of domain) log(`    ${path}`);
  log(`  wiring, left as written (${written.length - domain.length}):`);
  for (const path of written.filter((path) => !isDomainFile(path))) log(`    ${path}`);
  log(`  changed: ${changed.map(([path]) => path).join(', ')}`);
  console.log('');
  log('Next:');
  log(`  1. npm run build, then npm start: the gateway's /health/ready lists ${kebab}, and it serves POST /api/v1/${kebab}/samples;`);
  log('     npm test runs its tests.');
  log(`  2. Replace the sample with the first use case: its route in libs/contracts/${kebab}/src/routes.ts (README, "How to`);
  log(`     add a route") with its request (schemas.ts), answer (views.ts), event (events.ts) and error codes (errors.ts),`);
  log(`     its handler in apps/${kebab}/src/sample/, and its row in test/e2e/access-matrix.test.ts. Its tables go in a new`);
  log(`     migration, listed in apps/${kebab}/src/infrastructure/database.ts and locked with npm run migrations:lock.`);
  log(`  3. Permissions: Permission.${permission.key} ('${permission.value}') in libs/contracts/common/src/access.ts is`);
  log('     held by administrators only: rename it for what it guards, grant it to roles in ROLES, map it in the access');
  log('     matrix, and list it in docs/access-control.md.');
}

function lockEntryOf(files) {
  const [path] = Object.keys(files).filter((file) => file.includes('/migrations/'));
  return { [path.split('/').at(-1)]: hashOf(files[path]) };
}

/** The libraries the generator reads, built first: the registry, the outbox's and the audit table's DDL. */
function builtLibraries() {
  const tsc = require.resolve('typescript/bin/tsc');
  const build = spawnSync(process.execPath, [tsc, '-b', 'libs/contracts/registry', 'libs/platform/audit', 'libs/platform/persistence'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (build.status !== 0) refuse('building the registry and the platform libraries failed; fix the build first');
  return {
    registry: require('@contracts/registry'),
    audit: require('@platform/audit'),
    persistence: require('@platform/persistence'),
  };
}

function parseCompose(text) {
  const { parse } = require('yaml');
  return parse(text, { merge: true });
}

/** The migration every other one runs before: the new one runs after it (concurrent grants fail). */
function lastMigration(compose) {
  const migrations = Object.keys(compose.services ?? {}).filter((service) => service.endsWith('-migrate'));
  const awaited = new Set(migrations.flatMap((service) => Object.keys(dependsOn(compose.services[service]))));
  const last = migrations.filter((service) => !awaited.has(service));
  return last.at(-1) ?? null;
}

function dependsOn(service) {
  const list = service?.depends_on ?? {};
  return Array.isArray(list) ? Object.fromEntries(list.map((name) => [name, {}])) : list;
}

/** Whatever the new service would be called that something already is. */
function takenBy({ kebab, snake, pascal, constant }, registry) {
  const reasons = [];

  const projects = nxProjectNames();
  for (const project of [kebab, `contracts-${kebab}`]) if (projects.has(project)) reasons.push(`an Nx project is named ${project}`);

  for (const service of registry.PLATFORM_SERVICES) {
    const { bus, app, database } = service;
    if (bus.service === kebab || app === kebab) reasons.push(`the registry lists the service ${bus.service} (apps/${app})`);
    if (database.role === snake) reasons.push(`${bus.service} logs in to PostgreSQL as the role ${snake}`);
    if (database.schema === snake) reasons.push(`${bus.service} keeps its data in the schema ${snake}`);
    if (bus.stream?.name === `${constant}_EVENTS`) reasons.push(`${bus.service}'s stream is ${bus.stream.name}`);
  }

  const own = [`${kebab}.v1.>`, `${kebab}.events.>`, `health.v1.${kebab}`, `audit.v1.${kebab}.>`];
  for (const bus of registry.PLATFORM_SERVICE_BUSES) {
    const theirs = [...bus.requests, ...(bus.stream?.subjects ?? []), `health.v1.${bus.service}`, `audit.v1.${bus.service}.>`];
    for (const mine of own) {
      const clash = theirs.find((pattern) => subjectsOverlap(mine, pattern));
      if (clash) reasons.push(`its subjects ${mine} would overlap ${bus.service}'s ${clash}`);
    }
  }

  const compose = parseCompose(read('docker-compose.yml'));
  for (const service of [kebab, `${kebab}-migrate`]) if (compose.services?.[service]) reasons.push(`docker-compose.yml has a service ${service}`);
  for (const secret of ['nats_seed', 'database_password', 'audit_key', 'caller_token_key'].map((kind) => `${snake}_${kind}`)) {
    if (compose.secrets?.[secret]) reasons.push(`docker-compose.yml has a secret ${secret}`);
  }
  if (compose[`x-${kebab}-image`]) reasons.push(`docker-compose.yml has x-${kebab}-image`);

  const access = read('libs/contracts/common/src/access.ts');
  if (access.includes(`'${kebab}.sample.write'`) || new RegExp(`^\\s*${pascal}SampleWrite:`, 'm').test(access)) {
    reasons.push(`libs/contracts/common/src/access.ts already has the permission ${kebab}.sample.write`);
  }
  return [...new Set(reasons)];
}

function nxProjectNames() {
  const names = new Set();
  const folders = [...subfolders('apps').map((app) => `apps/${app}`), ...subfolders('libs').flatMap((group) => subfolders(`libs/${group}`).map((lib) => `libs/${group}/${lib}`))];
  for (const folder of folders) {
    const project = join(ROOT, folder, 'project.json');
    if (existsSync(project)) names.add(JSON.parse(readFileSync(project, 'utf8')).name);
  }
  return names;
}

function subfolders(path) {
  if (!existsSync(join(ROOT, path))) return [];
  return readdirSync(join(ROOT, path), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
}

const args = process.argv.slice(2);
const skipInstall = args.includes('--skip-install');
const [name, ...extra] = args.filter((arg) => arg !== '--skip-install');

try {
  if (name === '--help' || name === '-h') {
    console.log(USAGE);
    process.exit(0);
  }
  if (extra.length > 0) refuse(`one name only (got ${[name, ...extra].join(' ')})\n${USAGE}`);
  const problem = nameProblem(name);
  if (problem) refuse(problem);
  main(serviceNames(name));
} catch (error) {
  if (!(error instanceof EditError)) throw error;
  refuse(`${error.message}; nothing was written`);
}
