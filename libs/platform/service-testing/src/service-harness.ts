import type { INestMicroservice } from '@nestjs/common';
import { auditRoutes, CALLER_HEADER, type AnyRoute, type CallerIdentity, type ClientBusContract } from '@contracts/common';
import { CallerTokenSigner, callerTokenKey } from '@platform/auth';
import { createLogger } from '@platform/logging';
import { NatsConnectionManager, NatsRpcClient, ServiceReplyError, inboxPrefixOf, natsAuthOptions, newNatsUserKey } from '@platform/nats';
import { migrateServiceDatabase } from '@platform/persistence';
import {
  createService,
  databasePlanOf,
  dataSourceOf,
  loadServiceConfig,
  operatorUnitOfWork,
  serviceName,
  type ServiceConfig,
  type ServiceDefinition,
  type UnitOfWork,
} from '@platform/service-kit';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { newBusCredentials, routeAnswerProblems, startNatsServer, type BusCredentials, type TestNatsServer } from '@platform/testing';
import { createTestDatabase, type TestDatabase } from '@platform/testing';

/** The gateway's place on the bus, as far as a service's tests need it: it sends requests and reads no stream. */
export const TEST_GATEWAY: ClientBusContract = { process: 'gateway', consumers: [] };
/** A bus user of the tests alone, allowed to read streams through the JetStream API. */
export const TEST_OBSERVER = 'test-observer';

export const SYSTEM_ADMINISTRATOR: CallerIdentity = {
  userId: '00000000-0000-4000-8000-000000000001',
  username: 'test-administrator',
  roles: [{ role: 'administrator', unitId: null }],
  clearance: 'tuyet_mat',
  clientAddress: null,
};

/** A caller holding one role over one unit's subtree. */
export function scopedCaller(role: CallerIdentity['roles'][number]['role'], unitId: string): CallerIdentity {
  return { userId: '00000000-0000-4000-8000-000000000002', username: `test-${role}`, roles: [{ role, unitId }], clearance: 'none', clientAddress: null };
}

export interface ServiceHarness<Config extends ServiceConfig> {
  config: Config;
  nats: TestNatsServer;
  database: TestDatabase;
  /** The service's own connection (its role), for assertions on what was (not) written. */
  db: DataSource;
  /** NKey seeds of the gateway and the service, to connect to the bus as one of them. */
  bus: BusCredentials;
  /** A connection to the bus as `process` (the harness closes it). */
  connectAs(process: string): Promise<NatsConnection>;
  /** Signs caller tokens as the gateway does. */
  signer: CallerTokenSigner;
  /** Writes as the service's operator commands do (audited, events to the outbox). */
  operatorUnitOfWork(): UnitOfWork;
  /** A request as the gateway sends it, from a system-wide administrator unless another caller is given. */
  call<T = unknown>(subject: string, payload: unknown, caller?: CallerIdentity | null): Promise<T>;
  /** A provider of the running service (its domain objects), for tests that drive one directly. */
  get<T>(token: abstract new (...args: never[]) => T): T;
  startService(): Promise<void>;
  stopService(): Promise<void>;
  stop(): Promise<void>;
}

export interface ServiceHarnessOptions {
  /** Settings of the service beyond the harness's own (its own variables, a shorter poll …). */
  env?: Record<string, string>;
  /** Other services' bus contracts, for tests that run several. */
  otherServices?: readonly ServiceDefinition['bus'][];
  /** Don't start the service yet (a test that starts it itself). */
  started?: boolean;
}

/**
 * A service on a private authenticated nats-server and a fresh database, in one call: provisioned and migrated as an
 * operator deploys it (role and schema by an administrator, migrations as the service), then called over real NATS
 * with caller tokens signed as the gateway signs them.
 */
export async function startServiceHarness<Config extends ServiceConfig>(
  definition: ServiceDefinition<Config>,
  options: ServiceHarnessOptions = {},
): Promise<ServiceHarness<Config>> {
  const service = serviceName(definition);
  const routes = new Map<string, AnyRoute>([...definition.routes, ...Object.values(auditRoutes(service))].map((route) => [route.subject, route]));
  const serviceCodes = new Set(Object.keys(definition.errors));
  const bus = newBusCredentials([TEST_GATEWAY], [definition.bus, ...(options.otherServices ?? [])]);
  // Reads the stream as a test looks at it; nothing of the platform holds these rights.
  const observer = newNatsUserKey();
  bus.seeds[TEST_OBSERVER] = observer.seed;
  bus.users.push({
    name: TEST_OBSERVER,
    nkey: observer.publicKey,
    permissions: { publish: ['$JS.API.>', '$JS.ACK.>'], subscribe: [`${inboxPrefixOf(TEST_OBSERVER)}.>`], allowResponses: false },
  });
  const nats = await startNatsServer({ users: bus.users });
  const database = await createTestDatabase(service.replace(/[^a-z0-9]/g, '').slice(0, 12));
  const callerSecret = randomBytes(32);
  const signer = new CallerTokenSigner(callerSecret, 30);
  const level = process.env.TEST_LOG_LEVEL ?? 'silent';
  const config = loadServiceConfig(definition.env, {
    CALLER_TOKEN_KEY: callerTokenKey(callerSecret, service).toString('base64'),
    AUDIT_KEY: randomBytes(32).toString('base64'),
    NATS_NKEY_SEED: bus.seeds[service],
    DATABASE_URL: database.serviceUrl(service),
    NATS_URL: nats.url,
    LOG_LEVEL: level,
    OUTBOX_POLL_MS: '200',
    ...options.env,
  });
  const logger = createLogger({ service: `${service}-test`, level });
  await migrateServiceDatabase({
    plan: databasePlanOf(definition, config),
    serviceUrl: config.DATABASE_URL,
    adminUrl: database.url,
    dataSource: () => dataSourceOf(definition, config),
  });
  const db = await dataSourceOf(definition, config).initialize();
  const connections = new NatsConnectionManager({ url: nats.url, name: 'test-client', process: TEST_GATEWAY.process, seed: bus.seeds[TEST_GATEWAY.process], logger, retryDelayMs: 100 });
  await connections.start();
  const rpc = new NatsRpcClient(connections, 10_000);
  let app: INestMicroservice | null = null;
  const extraConnections: NatsConnection[] = [];

  const harness: ServiceHarness<Config> = {
    config,
    nats,
    database,
    db,
    bus,
    signer,
    async connectAs(process) {
      const connection = await connect({ servers: nats.url, ...natsAuthOptions(process, bus.seeds[process]), maxReconnectAttempts: -1, reconnectTimeWait: 100 });
      extraConnections.push(connection);
      return connection;
    },
    operatorUnitOfWork: () => operatorUnitOfWork(definition, db, config.AUDIT_KEY),
    call: async <T>(subject: string, payload: unknown, caller: CallerIdentity | null = SYSTEM_ADMINISTRATOR) => {
      const answer = rpc.request<T>(
        subject,
        payload,
        caller ? { headersFor: (body) => ({ [CALLER_HEADER]: signer.sign(caller, { service, subject, body }) }) } : {},
      );
      await checkAgainstRoute(routes.get(subject), serviceCodes, answer);
      return answer;
    },
    get(token) {
      if (!app) throw new Error('the service is not running');
      return app.get(token);
    },
    async startService() {
      app = await createService(definition, config, logger);
      await app.listen();
    },
    async stopService() {
      await app?.close();
      app = null;
    },
    async stop() {
      await harness.stopService();
      await Promise.all(extraConnections.map((connection) => connection.close().catch(() => undefined)));
      await connections.close();
      await db.destroy();
      await nats.stop();
      await database.drop();
    },
  };
  if (options.started !== false) await harness.startService();
  return harness;
}

/**
 * Every answer to a route's subject is held to the route: a result must be what its response schema describes, an
 * error one the route declares. A test that gets anything else fails with the difference.
 */
async function checkAgainstRoute(route: AnyRoute | undefined, serviceCodes: ReadonlySet<string>, answer: Promise<unknown>): Promise<void> {
  if (!route) return;
  const outcome = await answer.then(
    (body) => ({ ok: true as const, body }),
    (error: unknown) => (error instanceof ServiceReplyError ? { ok: false as const, code: error.payload.code } : null),
  );
  const problems = outcome ? routeAnswerProblems(route, outcome, serviceCodes) : [];
  if (problems.length > 0) throw new Error(`${route.subject}: ${problems.join('; ')}`);
}

/** The typed error a call failed with. */
export async function serviceError(promise: Promise<unknown>): Promise<ServiceReplyError['payload']> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ServiceReplyError) return error.payload;
    throw error;
  }
  throw new Error('expected the call to fail');
}
