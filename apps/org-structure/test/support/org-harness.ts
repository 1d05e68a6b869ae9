import type { INestMicroservice } from '@nestjs/common';
import { CALLER_HEADER, type CallerIdentity, type ClientBusContract, type ServiceBusContract } from '@contracts/common';
import { ORG_BUS, ORG_SERVICE } from '@contracts/org-structure';
import { CallerTokenSigner, callerTokenKey } from '@platform/auth';
import { createLogger } from '@platform/logging';
import { NatsConnectionManager, NatsRpcClient, ServiceReplyError, inboxPrefixOf, natsAuthOptions, newNatsUserKey } from '@platform/nats';
import { migrateServiceDatabase } from '@platform/persistence';
import { createTestDatabase, newBusCredentials, startNatsServer, type BusCredentials, type TestDatabase, type TestNatsServer } from '@platform/testing';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createOrgStructureService } from '../../src/bootstrap';
import { loadOrgStructureConfig, type OrgStructureConfig } from '../../src/config';
import { orgDatabasePlan, orgDataSource } from '../../src/infrastructure/database';

/** The gateway's place on the bus, as far as these tests need it: it sends requests and reads no stream. */
export const TEST_GATEWAY: ClientBusContract = { process: 'gateway', consumers: [] };
/** A bus user of the tests alone, allowed to read streams through the JetStream API. */
export const TEST_OBSERVER = 'test-observer';

export interface OrgHarness {
  config: OrgStructureConfig;
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
  /** A request as the gateway sends it, from a system-wide administrator unless another caller is given. */
  call<T = unknown>(subject: string, payload: unknown, caller?: CallerIdentity | null): Promise<T>;
  startService(): Promise<void>;
  stopService(): Promise<void>;
  stop(): Promise<void>;
}

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

/**
 * The org-structure service on a private nats-server and a fresh database, called over real NATS. `services` are
 * other processes of the bus (e.g. one reading org-structure's events), given credentials as their contracts say.
 */
export async function startOrgHarness(options: { services?: readonly ServiceBusContract[] } = {}): Promise<OrgHarness> {
  const bus = newBusCredentials([TEST_GATEWAY], [ORG_BUS, ...(options.services ?? [])]);
  // Reads the stream as a test looks at it; nothing of the platform holds these rights.
  const observer = newNatsUserKey();
  bus.seeds[TEST_OBSERVER] = observer.seed;
  bus.users.push({
    name: TEST_OBSERVER,
    nkey: observer.publicKey,
    permissions: { publish: ['$JS.API.>', '$JS.ACK.>'], subscribe: [`${inboxPrefixOf(TEST_OBSERVER)}.>`], allowResponses: false },
  });
  const nats = await startNatsServer({ users: bus.users });
  const database = await createTestDatabase('org');
  const callerSecret = randomBytes(32);
  const signer = new CallerTokenSigner(callerSecret, 30);
  const config = loadOrgStructureConfig({
    CALLER_TOKEN_KEY: callerTokenKey(callerSecret, ORG_SERVICE).toString('base64'),
    AUDIT_KEY: randomBytes(32).toString('base64'),
    NATS_NKEY_SEED: bus.seeds[ORG_SERVICE],
    DATABASE_URL: database.serviceUrl(ORG_SERVICE),
    NATS_URL: nats.url,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    OUTBOX_POLL_MS: '200',
  });
  const logger = createLogger({ service: 'org-structure-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  // As an operator deploys it: the role and schema by an administrator, the migrations as the service.
  await migrateServiceDatabase({
    plan: orgDatabasePlan(config),
    serviceUrl: config.DATABASE_URL,
    adminUrl: database.url,
    dataSource: () => orgDataSource(config),
  });
  const db = await orgDataSource(config).initialize();
  const connections = new NatsConnectionManager({ url: nats.url, name: 'test-client', process: 'gateway', seed: bus.seeds.gateway, logger, retryDelayMs: 100 });
  await connections.start();
  const rpc = new NatsRpcClient(connections, 10_000);
  let service: INestMicroservice | null = null;
  const extraConnections: NatsConnection[] = [];

  const harness: OrgHarness = {
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
    call: async (subject, payload, caller = SYSTEM_ADMINISTRATOR) =>
      rpc.request(
        subject,
        payload,
        caller ? { headersFor: (body) => ({ [CALLER_HEADER]: signer.sign(caller, { service: ORG_SERVICE, subject, body }) }) } : {},
      ),
    async startService() {
      service = await createOrgStructureService(config, logger);
      await service.listen();
    },
    async stopService() {
      await service?.close();
      service = null;
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
  await harness.startService();
  return harness;
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
