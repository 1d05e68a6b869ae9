// The edits `npm run new-service` makes to files the platform already has, each a function of the file's text.
// An edit whose anchor is gone fails with the file and the anchor it looked for, before anything is written.

export class EditError extends Error {}

/** The permission of the sample handler, beside the others (administrators hold every permission). */
export function addPermission(text, { key, value, service }) {
  const start = text.indexOf('export const Permission = {');
  const end = start < 0 ? -1 : text.indexOf('} as const;', start);
  if (end < 0) throw new EditError('libs/contracts/common/src/access.ts: cannot find the Permission object');
  const line = `  /** Record samples in ${service} (its generated sample handler). */\n  ${key}: '${value}',\n`;
  return text.slice(0, end) + line + text.slice(end);
}

/** After the last import of a contracts package. */
function addContractsImport(text, file, line) {
  const imports = [...text.matchAll(/^import .* from '@contracts\/[^']+';\n/gm)];
  if (imports.length === 0) throw new EditError(`${file}: cannot find its imports of the contracts`);
  const end = imports.at(-1).index + imports.at(-1)[0].length;
  return `${text.slice(0, end)}${line}\n${text.slice(end)}`;
}

/** The registry's entry of the service, and its routes among those the gateway serves. */
export function addRegistryEntry(text, { kebab, snake, constant }) {
  const file = 'libs/contracts/registry/src/index.ts';
  text = addContractsImport(text, file, `import { ${constant}_BUS, ${constant}_ROUTES } from '@contracts/${kebab}';`);
  const start = text.indexOf('export const PLATFORM_SERVICES: readonly PlatformService[] = [');
  const end = start < 0 ? -1 : text.indexOf('\n];', start);
  if (end < 0) throw new EditError(`${file}: cannot find the PLATFORM_SERVICES list`);
  const entry = `\n  { bus: ${constant}_BUS, app: '${kebab}', database: { role: '${snake}', schema: '${snake}' } },`;
  text = text.slice(0, end) + entry + text.slice(end);
  const routes = text.match(/^export const SERVICE_ROUTES: readonly AnyRoute\[\] = ([^;]+);$/m);
  if (!routes) throw new EditError(`${file}: cannot find SERVICE_ROUTES on one line`);
  const own = `...Object.values(${constant}_ROUTES)`;
  const list = routes[1].startsWith('[') ? `${routes[1].slice(0, -1)}, ${own}]` : `[...${routes[1]}, ${own}]`;
  return text.replace(routes[0], `export const SERVICE_ROUTES: readonly AnyRoute[] = ${list};`);
}

/** The gateway's catalogue of every error code holds the service's (it fails to compile without them). */
export function addErrorCatalogue(text, { kebab, constant }) {
  const file = 'apps/gateway/src/http/error-mapper.ts';
  text = addContractsImport(text, file, `import { ${constant}_ERRORS } from '@contracts/${kebab}';`);
  const end = text.indexOf('} as const satisfies ErrorCatalogue<DeclaredErrorCode>;');
  if (end < 0) throw new EditError(`${file}: cannot find ERROR_CATALOGUE`);
  return `${text.slice(0, end)}  ...${constant}_ERRORS,\n${text.slice(end)}`;
}

/** The gateway's test of the catalogue lists every catalogue and every code: the service's too. */
export function addToErrorMapperSpec(text, { kebab, pascal, constant }) {
  const file = 'apps/gateway/src/http/error-mapper.spec.ts';
  text = addContractsImport(text, file, `import { ${constant}_ERRORS, ${pascal}ErrorCode } from '@contracts/${kebab}';`);
  const codes = text.indexOf('] as ServiceErrorCode[];');
  if (codes < 0) throw new EditError(`${file}: cannot find the list of every code (ALL_CODES)`);
  text = `${text.slice(0, codes)}  ...Object.values(${pascal}ErrorCode),\n${text.slice(codes)}`;
  const catalogues = text.match(/^( *const catalogues = \[[^\]]*)\];$/m);
  if (!catalogues) throw new EditError(`${file}: cannot find the list of catalogues on one line`);
  return text.replace(catalogues[0], `${catalogues[1]}, ${constant}_ERRORS];`);
}

/** The authorisation matrix's rule for the sample route: its permission is held by administrators only. */
export function addAccessRows(text, { kebab }, permission) {
  const file = 'test/e2e/access-matrix.test.ts';
  const accessOf = text.indexOf('const ACCESS_OF: Record<Permission, Access> = {');
  const endOfAccessOf = accessOf < 0 ? -1 : text.indexOf('\n};', accessOf);
  if (endOfAccessOf < 0) throw new EditError(`${file}: cannot find ACCESS_OF`);
  text = `${text.slice(0, endOfAccessOf)}\n  // Held by administrators only, like administering users.\n  [Permission.${permission.key}]: 'admin',${text.slice(endOfAccessOf)}`;
  const rows = text.indexOf('const ROUTES: Record<string, RouteRule> = {');
  const endOfRows = rows < 0 ? -1 : text.indexOf('\n};', rows);
  if (endOfRows < 0) throw new EditError(`${file}: cannot find the ROUTES rows`);
  return `${text.slice(0, endOfRows)}\n  'POST /api/v1/${kebab}/samples': { access: 'admin' },${text.slice(endOfRows)}`;
}

/** A project reference in a tsconfig.json, kept in the file's own layout. */
export function addReference(text, file, path) {
  const parsed = JSON.parse(text);
  if (!Array.isArray(parsed.references)) throw new EditError(`${file}: has no "references" list`);
  if (parsed.references.some((reference) => reference.path === path)) return text;
  // One line per reference (the root tsconfig) or all on one line (the libraries'): keep whichever it is.
  const multiline = /"references": \[\n/.test(text);
  if (multiline) {
    parsed.references.push({ path });
    return `${JSON.stringify(parsed, null, 2)}\n`;
  }
  return text.replace(/("references": \[.*)\]/, (_, list) => `${list}, { "path": "${path}" }]`);
}

/** The scope's module boundary, beside the other services': it reads its own projects and the shared ones. */
export function addScopeConstraint(text, { kebab }) {
  const anchor = text.match(/^( *)\/\/ The registry lists every service/m);
  if (!anchor) throw new EditError('eslint.config.mjs: cannot find "// The registry lists every service" to add the boundary before');
  const line = `${anchor[1]}{ sourceTag: 'scope:${kebab}', onlyDependOnLibsWithTags: ['scope:${kebab}', 'scope:shared'] },\n`;
  return text.slice(0, anchor.index) + line + text.slice(anchor.index);
}

/** The app in `npm run build` (tsc -b of every app), after the others, and last in `npm run migrate`. */
export function addToScripts(text, { kebab }) {
  const pkg = JSON.parse(text);
  const build = pkg.scripts?.build ?? '';
  const apps = [...build.matchAll(/ apps\/[a-z0-9-]+/g)];
  if (!/^tsc -b /.test(build) || apps.length === 0) throw new EditError(`package.json: the build script is not "tsc -b <apps>": ${build}`);
  const afterApps = apps.at(-1).index + apps.at(-1)[0].length;
  pkg.scripts.build = `${build.slice(0, afterApps)} apps/${kebab}${build.slice(afterApps)}`;
  if (/dist\/cli\.js migrate$/.test(pkg.scripts.migrate ?? '')) pkg.scripts.migrate += ` && node apps/${kebab}/dist/cli.js migrate`;
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/** The files of the service's own under secrets/, in the lines that hand them to the containers' user. */
export function addToChownHint(text, { kebab }) {
  return text.replace(/^(.*sudo chown 1000 .*?)( secrets\/postgres\.admin-url)/gm, `$1 secrets/${kebab}.*$2`);
}

const lines = (text) => text.split('\n');
const indentOf = (line) => line.match(/^ */)[0].length;
const isTopLevel = (line) => /^[^\s#]/.test(line);

/** Index of the first line for which `test` holds, from `from`; -1 when none. */
function findLine(all, test, from = 0) {
  for (let i = from; i < all.length; i++) if (test(all[i])) return i;
  return -1;
}

/**
 * docker-compose.yml: the service's image, its secrets, its one-shot migration and the service itself, and the
 * gateway waiting for it. `previousMigration` is the migration it runs after: migrations grant on one database and
 * PostgreSQL fails one of two concurrent grants.
 */
export function addToCompose(text, names, previousMigration) {
  const { kebab } = names;
  const all = lines(text);
  const file = 'docker-compose.yml';

  // The image, after the services' and before the gateway's.
  const image = findLine(all, (line) => line.startsWith('x-gateway-image:'));
  if (image < 0) throw new EditError(`${file}: cannot find x-gateway-image to add the service's image before`);
  all.splice(image, 0, ...imageBlock(names), '');

  // The secrets, at the end of the top-level secrets.
  const secrets = findLine(all, (line) => line === 'secrets:');
  if (secrets < 0) throw new EditError(`${file}: cannot find the top-level secrets`);
  let endOfSecrets = findLine(all, isTopLevel, secrets + 1);
  if (endOfSecrets < 0) throw new EditError(`${file}: the top-level secrets are not followed by anything`);
  while (all[endOfSecrets - 1].trim() === '' || all[endOfSecrets - 1].startsWith('#')) endOfSecrets--;
  all.splice(endOfSecrets, 0, ...secretBlock(names));

  // The migration and the service, before the gateway's.
  let services = findLine(all, (line) => line === '  gateway-migrate:' || line === '  gateway:');
  if (services < 0) throw new EditError(`${file}: cannot find the gateway's services to add the service before`);
  while (all[services - 1].startsWith('  #')) services--;
  all.splice(services, 0, ...migrateBlock(names, previousMigration), '', ...serviceBlock(names), '');

  // The gateway starts once the service has.
  const gateway = findLine(all, (line) => line === '  gateway:');
  const endOfGateway = findLine(all, (line) => line.trim() !== '' && indentOf(line) <= 2, gateway + 1);
  const dependsOn = findLine(all, (line) => line === '    depends_on:', gateway + 1);
  if (dependsOn < 0 || (endOfGateway >= 0 && dependsOn > endOfGateway)) throw new EditError(`${file}: the gateway has no depends_on`);
  const endOfDependsOn = findLine(all, (line) => line.trim() !== '' && indentOf(line) <= 4, dependsOn + 1);
  all.splice(endOfDependsOn, 0, `      ${kebab}:`, '        condition: service_started');
  return all.join('\n');
}

function imageBlock({ kebab }) {
  return [
    `x-${kebab}-image: &${kebab}-image`,
    `  image: political-system-records/${kebab}:local`,
    '  build:',
    '    context: .',
    `    dockerfile: apps/${kebab}/Dockerfile`,
  ];
}

function secretBlock({ kebab, snake }) {
  return [
    `  # ${kebab}'s NKey seed: its NATS user.`,
    `  ${snake}_nats_seed:`,
    `    file: ./secrets/${kebab}.nats-seed`,
    `  # Password of the database role \`${snake}\`.`,
    `  ${snake}_database_password:`,
    `    file: ./secrets/${kebab}.database-password`,
    `  # Key of ${kebab}'s audit chain.`,
    `  ${snake}_audit_key:`,
    `    file: ./secrets/${kebab}.audit-key`,
    `  # The key ${kebab} checks the gateway's caller tokens with (derived from the gateway's secret).`,
    `  ${snake}_caller_token_key:`,
    `    file: ./secrets/${kebab}.caller-token-key`,
  ];
}

function migrateBlock({ kebab, snake }, previousMigration) {
  return [
    `  # One-shot: creates (or brings in line) the role ${snake} and its schema with the superuser's connection,`,
    `  # applies pending migrations as ${snake}, seals the audit table, then exits.`,
    `  ${kebab}-migrate:`,
    `    <<: *${kebab}-image`,
    `    command: ["node", "apps/${kebab}/dist/cli.js", "migrate"]`,
    '    environment:',
    `      # The service's own role; its schema is ${snake}.`,
    `      DATABASE_URL: postgres://${snake}@postgres:5432/records`,
    `      # That role's password, from the ${snake}_database_password secret (set on the role by this command).`,
    `      DATABASE_PASSWORD_FILE: /run/secrets/${snake}_database_password`,
    "      # The superuser's URL, from the postgres_admin_url secret: creates the role and schema, seals the audit table.",
    '      DATABASE_ADMIN_URL_FILE: /run/secrets/postgres_admin_url',
    '      # Log verbosity.',
    '      LOG_LEVEL: ${LOG_LEVEL:-info}',
    '    secrets:',
    `      - ${snake}_database_password`,
    '      - postgres_admin_url',
    '    depends_on:',
    '      postgres:',
    '        condition: service_healthy',
    ...(previousMigration
      ? [
          '      # Not at the same time as another migration: both grant on the database records, and PostgreSQL fails one',
          '      # of two concurrent grants on an object ("tuple concurrently updated").',
          `      ${previousMigration}:`,
          '        condition: service_completed_successfully',
        ]
      : []),
    '    healthcheck:',
    '      disable: true',
    '    restart: "no"',
  ];
}

function serviceBlock({ kebab, snake }) {
  return [
    `  ${kebab}:`,
    `    <<: *${kebab}-image`,
    '    environment:',
    `      # The service's own role (never a superuser: it refuses to start as one); its schema is ${snake}.`,
    `      DATABASE_URL: postgres://${snake}@postgres:5432/records`,
    `      # That role's password, from the ${snake}_database_password secret.`,
    `      DATABASE_PASSWORD_FILE: /run/secrets/${snake}_database_password`,
    '      # NATS with JetStream: requests from the gateway, events out.',
    '      NATS_URL: nats://nats:4222',
    `      # Its NATS user, from the ${snake}_nats_seed secret (the health check below connects with it too).`,
    `      NATS_NKEY_SEED_FILE: /run/secrets/${snake}_nats_seed`,
    `      # Caller tokens in requests are checked with this key, from the ${snake}_caller_token_key secret.`,
    `      CALLER_TOKEN_KEY_FILE: /run/secrets/${snake}_caller_token_key`,
    `      # Key of its audit chain, from the ${snake}_audit_key secret.`,
    `      AUDIT_KEY_FILE: /run/secrets/${snake}_audit_key`,
    '      # Log verbosity.',
    '      LOG_LEVEL: ${LOG_LEVEL:-info}',
    '    secrets:',
    `      - ${snake}_database_password`,
    `      - ${snake}_nats_seed`,
    `      - ${snake}_caller_token_key`,
    `      - ${snake}_audit_key`,
    '    depends_on:',
    `      ${kebab}-migrate:`,
    '        condition: service_completed_successfully',
    '      postgres:',
    '        condition: service_healthy',
    '      nats:',
    '        condition: service_healthy',
    '    healthcheck:',
    `      test: ["CMD", "node", "apps/${kebab}/dist/cli.js", "health"]`,
    '      interval: 15s',
    '      timeout: 10s',
    '      retries: 3',
    '      start_period: 20s',
    '    restart: unless-stopped',
  ];
}
