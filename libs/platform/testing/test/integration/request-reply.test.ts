import { createLogger } from '@platform/logging';
import {
  NatsConnectionManager,
  NatsRpcClient,
  natsAuthOptions,
  ServiceTimeoutError,
  ServiceUnavailableError,
} from '@platform/nats';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { newBusCredentials, startNatsServer, type TestNatsServer } from '../../src';

/* NatsRpcClient on an authenticated bus: each request gets its own answer, and every failure its own meaning. */
const logger = createLogger({ service: 'rpc-test', level: 'silent' });
const service = { service: 'svc', requests: ['svc.v1.>'], stream: null };
const bus = newBusCredentials([{ process: 'client', consumers: [] }], [service]);
let nats: TestNatsServer;
let responder: NatsConnection;
let manager: NatsConnectionManager;
let rpc: NatsRpcClient;

beforeAll(async () => {
  nats = await startNatsServer({ users: bus.users });
  responder = await connect({ servers: nats.url, ...natsAuthOptions('svc', bus.seeds.svc) });
  // Answers in Nest's wire format, echoing the request; never answers svc.v1.silent.
  responder.subscribe('svc.v1.echo', {
    callback: (_error, message) => {
      const { data, id } = message.json<{ data: unknown; id: string }>();
      const delay = (data as { delayMs?: number }).delayMs ?? 0;
      setTimeout(() => message.respond(JSON.stringify({ response: data, isDisposed: true, id })), delay);
    },
  });
  responder.subscribe('svc.v1.silent', { callback: () => undefined });
  await responder.flush();
  manager = new NatsConnectionManager({ url: nats.url, name: 'client', process: 'client', seed: bus.seeds.client, logger, retryDelayMs: 100 });
  await manager.start();
  rpc = new NatsRpcClient(manager, 2_000);
});

afterAll(async () => {
  await manager?.close();
  await responder?.close();
  await nats?.stop();
});

it('answers each of many concurrent requests with its own reply, whatever order the replies come in', async () => {
  const answers = await Promise.all(
    Array.from({ length: 50 }, (_, n) => rpc.request<{ n: number }>('svc.v1.echo', { n, delayMs: (50 - n) % 7 })),
  );
  expect(answers.map((answer) => answer.n)).toEqual(Array.from({ length: 50 }, (_, n) => n));
});

it('fails at once when nobody listens on the subject', async () => {
  const started = Date.now();
  await expect(rpc.request('svc.v1.nobody', {})).rejects.toBeInstanceOf(ServiceUnavailableError);
  expect(Date.now() - started).toBeLessThan(1_000);
});

it('fails with a timeout when the service does not answer in time, and keeps working after it', async () => {
  await expect(rpc.request('svc.v1.silent', {}, { timeoutMs: 200 })).rejects.toBeInstanceOf(ServiceTimeoutError);
  await expect(rpc.request('svc.v1.echo', { after: 'timeout' })).resolves.toEqual({ after: 'timeout' });
});

it('fails at once when the bus refuses the publish (no permission for the subject)', async () => {
  const started = Date.now();
  await expect(rpc.request('other.v1.thing', {})).rejects.toThrow(/other.v1.thing: .*permissions violation/i);
  expect(Date.now() - started).toBeLessThan(1_000);
});
