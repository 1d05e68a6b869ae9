import type { INestMicroservice } from '@nestjs/common';
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
  call<T = unknown>(subject: string, payload: unknown): Promise<T>;
  startService(): Promise<void>;
  stopService(): Promise<void>;
  stop(): Promise<void>;
}

/** The org-structure service on a private nats-server and a fresh database, called over real NATS. */
export async function startOrgHarness(): Promise<OrgHarness> {
  const nats = await startNatsServer();
  const database = await createTestDatabase('org');
  const config = loadOrgStructureConfig({
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
    call: (subject, payload) => rpc.request(subject, payload),
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
