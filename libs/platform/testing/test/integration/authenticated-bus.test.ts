import { createLogger } from '@platform/logging';
import { NatsConnectionManager, PlatformNatsServer, natsAuthOptions, newNatsUserKey, servicePermissions } from '@platform/nats';
import { startNatsServer, type TestNatsServer } from '../../src';

/* A process of the platform joins only a bus that authenticates everyone (security hardening, item 1). */
const logger = createLogger({ service: 'bus-test', level: 'silent' });
const key = newNatsUserKey();
let open: TestNatsServer;
let guarded: TestNatsServer;

beforeAll(async () => {
  open = await startNatsServer();
  const contract = { service: 'svc', requests: ['svc.v1.>'], stream: null };
  guarded = await startNatsServer({ users: [{ name: 'svc', nkey: key.publicKey, permissions: servicePermissions(contract) }] });
});

afterAll(async () => {
  await open?.stop();
  await guarded?.stop();
});

it('refuses a NATS server that lets anyone in, for requests and for events alike', async () => {
  const manager = new NatsConnectionManager({ url: open.url, name: 'test', process: 'svc', seed: key.seed, logger, retryDelayMs: 100 });
  void manager.start();
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(manager.current()).toBeNull();
  await manager.close();

  const server = new PlatformNatsServer({ servers: open.url, ...natsAuthOptions('svc', key.seed) });
  await expect(server.createNatsClient()).rejects.toThrow(/does not require authentication; refusing to use it/);
});

it('joins one that authenticates it', async () => {
  const manager = new NatsConnectionManager({ url: guarded.url, name: 'test', process: 'svc', seed: key.seed, logger, retryDelayMs: 100 });
  const connection = await manager.start();
  expect(connection.info?.auth_required).toBe(true);
  expect(manager.current()).not.toBeNull();
  await manager.close();
});
