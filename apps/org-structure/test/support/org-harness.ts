import type { INestMicroservice } from '@nestjs/common';
import { CALLER_HEADER, type CallerIdentity } from '@contracts/common';
import { CallerTokenSigner, generateSigningKeyPair, importPrivateKey } from '@platform/auth';
import { createLogger } from '@platform/logging';
import { NatsConnectionManager, NatsRpcClient, ServiceReplyError } from '@platform/nats';
import { runMigrations } from '@platform/persistence';
import { createTestDatabase, startNatsServer, type TestDatabase, type TestNatsServer } from '@platform/testing';
import type { DataSource } from 'typeorm';
import { createOrgStructureService } from '../../src/bootstrap';
import { loadOrgStructureConfig, type OrgStructureConfig } from '../../src/config';
import { orgDataSource } from '../../src/infrastructure/database';

export interface OrgHarness {
  config: OrgStructureConfig;
  nats: TestNatsServer;
  database: TestDatabase;
  /** Direct access for assertions on what was (not) written. */
  db: DataSource;
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

/** The org-structure service on a private nats-server and a fresh database, called over real NATS. */
export async function startOrgHarness(): Promise<OrgHarness> {
  const nats = await startNatsServer();
  const database = await createTestDatabase('org');
  const keys = await generateSigningKeyPair();
  const signer = new CallerTokenSigner(await importPrivateKey(keys.privateKeyPem));
  const config = loadOrgStructureConfig({
    AUTH_PUBLIC_KEY: keys.publicKeyPem,
    DATABASE_URL: database.url,
    NATS_URL: nats.url,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    OUTBOX_POLL_MS: '200',
  });
  const logger = createLogger({ service: 'org-structure-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const db = await orgDataSource(config).initialize();
  await runMigrations(db, config.DATABASE_SCHEMA);
  const connections = new NatsConnectionManager({ url: nats.url, name: 'test-client', logger, retryDelayMs: 100 });
  await connections.start();
  const rpc = new NatsRpcClient(connections, 10_000);
  let service: INestMicroservice | null = null;

  const harness: OrgHarness = {
    config,
    nats,
    database,
    db,
    call: async (subject, payload, caller = SYSTEM_ADMINISTRATOR) =>
      rpc.request(subject, payload, caller ? { headers: { [CALLER_HEADER]: await signer.sign(caller, 'test') } } : {}),
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
