import { PLATFORM_SERVICES } from '@contracts/registry';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/*
 * docker-compose.yml and the Dockerfiles deploy exactly the processes the registry lists: each service built from
 * its own app, migrated by its own one-shot job, given its own credentials and no other process's, and nothing
 * that the registry does not know.
 */
const ROOT = join(__dirname, '..', '..');

interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string };
  command?: string[] | string;
  environment?: Record<string, string>;
  secrets?: string[];
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] };
}

interface Compose {
  services: Record<string, ComposeService>;
  secrets: Record<string, { file: string }>;
  [key: string]: unknown;
}

// Merge keys (`<<: *org-structure-image`) are how each service gets its image: resolve them as compose does.
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as Compose;
const dockerfile = (app: string) => readFileSync(join(ROOT, 'apps', app, 'Dockerfile'), 'utf8');

/** A process's secrets as `npm run secrets` writes them (tools/lib/credentials.mjs) and compose names them. */
const secretOf = (process: string, kind: string) => ({
  name: `${process.replace(/-/g, '_')}_${kind.replace(/[-.]/g, '_')}`,
  file: `./secrets/${process}.${kind}`,
});
const SERVICE_SECRETS = ['database-password', 'nats-seed', 'caller-token-key', 'audit-key'];
/** The gateway keeps no database and no audit chain: its bus key, its signing key, the caller-token secret. */
const GATEWAY_SECRETS = ['nats-seed', 'signing.pem', 'caller-token-secret'];
const gatewaySecret = (kind: string) => (kind === 'signing.pem' ? { name: 'gateway_signing_key', file: './secrets/gateway.signing.pem' } : secretOf('gateway', kind));

const APPS = [{ process: 'gateway', app: 'gateway' }, ...PLATFORM_SERVICES.map(({ bus, app }) => ({ process: bus.service, app }))];

const sorted = (values: readonly string[] | undefined) => [...(values ?? [])].sort();

/** Every `*_FILE` variable points at one of the service's own secrets. */
function expectFileVariablesWithin(service: ComposeService) {
  for (const [variable, value] of Object.entries(service.environment ?? {})) {
    if (!variable.endsWith('_FILE')) continue;
    expect(service.secrets).toContain(value.replace(/^\/run\/secrets\//, ''));
  }
}

describe.each(APPS)('the image of $process', ({ process, app }) => {
  it(`is built by apps/${app}/Dockerfile from apps/${app}`, () => {
    const text = dockerfile(app);
    expect(text).toContain(`COPY apps/${app} apps/${app}`);
    expect(text).toContain(`RUN npx tsc -b apps/${app}`);
    expect(text).toContain(`CMD ["node", "apps/${app}/dist/main.js"]`);
  });

  it('is the one docker-compose.yml runs the process (and a service\'s migration) with', () => {
    for (const name of [process, ...(process === 'gateway' ? [] : [`${process}-migrate`])]) {
      expect(compose.services[name]).toMatchObject({
        image: `political-system-records/${process}:local`,
        build: { context: '.', dockerfile: `apps/${app}/Dockerfile` },
      });
    }
  });
});

describe.each(PLATFORM_SERVICES.map((service) => ({ ...service, name: service.bus.service })))('the service $name in docker-compose.yml', ({ name, app, database }) => {
  const url = `postgres://${database.role}@postgres:5432/records`;

  it('has its own secrets, defined as npm run secrets writes them', () => {
    for (const kind of SERVICE_SECRETS) {
      const { name: secret, file } = secretOf(name, kind);
      expect(compose.secrets[secret]).toEqual({ file });
    }
  });

  it('runs as its own role with its own credentials and no one else\'s', () => {
    const service = compose.services[name];
    expect(service.environment).toMatchObject({
      DATABASE_URL: url,
      DATABASE_PASSWORD_FILE: `/run/secrets/${secretOf(name, 'database-password').name}`,
      NATS_NKEY_SEED_FILE: `/run/secrets/${secretOf(name, 'nats-seed').name}`,
      CALLER_TOKEN_KEY_FILE: `/run/secrets/${secretOf(name, 'caller-token-key').name}`,
      AUDIT_KEY_FILE: `/run/secrets/${secretOf(name, 'audit-key').name}`,
    });
    expect(sorted(service.secrets)).toEqual(sorted(SERVICE_SECRETS.map((kind) => secretOf(name, kind).name)));
    expectFileVariablesWithin(service);
    expect(service.healthcheck?.test).toEqual(['CMD', 'node', `apps/${app}/dist/cli.js`, 'health']);
    expect(service.depends_on?.[`${name}-migrate`]).toEqual({ condition: 'service_completed_successfully' });
  });

  it('is migrated by its own one-shot job, as its role, provisioned with the administrator\'s URL', () => {
    const migrate = compose.services[`${name}-migrate`];
    expect([migrate.command].flat().join(' ')).toMatch(new RegExp(`(^| )node apps/${app}/dist/cli\\.js migrate( |$)`));
    expect(migrate.environment).toMatchObject({ DATABASE_URL: url, DATABASE_ADMIN_URL_FILE: '/run/secrets/postgres_admin_url' });
    expect(sorted(migrate.secrets)).toEqual(sorted([secretOf(name, 'database-password').name, 'postgres_admin_url']));
    expectFileVariablesWithin(migrate);
  });

  it('is started before the gateway', () => {
    expect(compose.services.gateway.depends_on?.[name]).toEqual({ condition: 'service_started' });
  });
});

describe('the gateway in docker-compose.yml', () => {
  it('has its own secrets and no service\'s', () => {
    for (const kind of GATEWAY_SECRETS) expect(compose.secrets[gatewaySecret(kind).name]).toEqual({ file: gatewaySecret(kind).file });
    expect(sorted(compose.services.gateway.secrets)).toEqual(sorted(GATEWAY_SECRETS.map((kind) => gatewaySecret(kind).name)));
    expectFileVariablesWithin(compose.services.gateway);
  });
});

describe('nothing the registry does not know', () => {
  const processes = APPS.map(({ process }) => process);

  it('in the services of docker-compose.yml', () => {
    const known = ['nats', 'postgres', 'gateway', ...PLATFORM_SERVICES.flatMap(({ bus }) => [bus.service, `${bus.service}-migrate`])];
    expect(sorted(Object.keys(compose.services).filter((name) => !known.includes(name)))).toEqual([]);
  });

  it('in its secrets', () => {
    const known = [
      'postgres_password',
      'postgres_admin_url',
      ...GATEWAY_SECRETS.map((kind) => gatewaySecret(kind).name),
      ...PLATFORM_SERVICES.flatMap(({ bus }) => SERVICE_SECRETS.map((kind) => secretOf(bus.service, kind).name)),
    ];
    expect(Object.keys(compose.secrets).filter((name) => !known.includes(name))).toEqual([]);
  });

  it('in its images', () => {
    const anchors = Object.keys(compose).filter((key) => key.startsWith('x-') && key.endsWith('-image'));
    expect(anchors.filter((key) => !processes.includes(key.slice(2, -'-image'.length)))).toEqual([]);
    const built = Object.entries(compose.services).filter(([, service]) => service.build);
    expect(built.map(([, service]) => service.image).filter((image) => !processes.some((p) => image === `political-system-records/${p}:local`))).toEqual([]);
  });

  it('among the apps and their Dockerfiles', () => {
    const apps = readdirSync(join(ROOT, 'apps'), { withFileTypes: true }).filter((entry) => entry.isDirectory() && existsSync(join(ROOT, 'apps', entry.name, 'src')));
    expect(apps.map((entry) => entry.name).filter((app) => !APPS.some((known) => known.app === app))).toEqual([]);
    for (const { app } of APPS) expect(existsSync(join(ROOT, 'apps', app, 'Dockerfile'))).toBe(true);
  });
});

it('runs one migration at a time: every two one-shot migrations are ordered (concurrent grants fail)', () => {
  const migrations = Object.keys(compose.services).filter((name) => name.endsWith('-migrate'));
  const after = (name: string, seen = new Set<string>()): Set<string> => {
    for (const dependency of Object.keys(compose.services[name]?.depends_on ?? {})) {
      if (!seen.has(dependency)) {
        seen.add(dependency);
        after(dependency, seen);
      }
    }
    return seen;
  };
  const unordered = migrations.flatMap((a, i) => migrations.slice(i + 1).filter((b) => !after(a).has(b) && !after(b).has(a)).map((b) => `${a} / ${b}`));
  expect(unordered).toEqual([]);
});
