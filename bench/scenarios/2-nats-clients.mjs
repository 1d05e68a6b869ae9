// Scenario 2: the request path the gateway uses (libs/platform/nats NatsRpcClient, on @nats-io/transport-node with
// its shared inbox) against NestJS's own NATS ClientProxy and a bare transport-node request, same payloads, same
// service, same concurrency.
import { ClientProxyFactory, NatsRecordBuilder, Transport } from '@nestjs/microservices';
import { connect, headers as natsHeaders, nuid } from '@nats-io/transport-node';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { REPO_ROOT } from '../../tools/lib/infra.mjs';
import { seedUnits, startPlatform } from '../lib/platform.mjs';

const require = createRequire(import.meta.url);
const { NatsConnectionManager, NatsRpcClient } = require(join(REPO_ROOT, 'libs/platform/nats/dist/index.js'));
const { CallerTokenSigner, importPrivateKey } = require(join(REPO_ROOT, 'libs/platform/auth/dist/index.js'));
const SUBJECT = 'org.v1.unit.get';
const silent = { info() {}, warn() {}, error() {}, debug() {} };

async function measure(name, seconds, concurrency, send) {
  const latencies = [];
  let errors = 0;
  const deadline = Date.now() + seconds * 1_000;
  const worker = async () => {
    while (Date.now() < deadline) {
      const start = process.hrtime.bigint();
      try {
        await send();
      } catch {
        errors += 1;
      }
      latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  latencies.sort((a, b) => a - b);
  const at = (q) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] * 100) / 100;
  return { name, rps: Math.round(latencies.length / seconds), p50: at(0.5), p99: at(0.99), max: at(1), errors };
}

export async function run({ scale, log }) {
  const seconds = scale === 'small' ? 5 : 15;
  const concurrency = 32;
  const platform = await startPlatform();
  try {
    const ids = await seedUnits(platform, { provinces: 5, communes: 40 });
    const signer = new CallerTokenSigner(await importPrivateKey(readFileSync(platform.env.AUTH_SIGNING_KEY_FILE, 'utf8')));
    const caller = { userId: '00000000-0000-4000-8000-00000000be11', username: 'bench', roles: [{ role: 'records-clerk', unitId: null }], clearance: 'none', clientAddress: null };
    const callerToken = await signer.sign(caller, 'bench');
    let i = 0;
    const payload = () => ({ id: ids[i++ % ids.length] });

    const manager = new NatsConnectionManager({ url: platform.nats.url, name: 'bench-platform-client', logger: silent });
    await manager.start();
    const platformClient = new NatsRpcClient(manager, 5_000);

    const nest = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [platform.nats.url], timeout: 5_000 } });
    await nest.connect();

    const bare = await connect({ servers: platform.nats.url });
    const bareHeaders = () => {
      const h = natsHeaders();
      h.set('x-caller', callerToken);
      return h;
    };

    const clients = {
      'platform NatsRpcClient (gateway path)': () => platformClient.request(SUBJECT, payload(), { headers: { 'x-caller': callerToken } }),
      'NestJS ClientProxy (NATS transport)': () =>
        firstValueFrom(nest.send(SUBJECT, new NatsRecordBuilder(payload()).setHeaders(bareHeaders()).build())),
      'bare transport-node request (shared inbox)': async () => {
        const reply = await bare.request(SUBJECT, JSON.stringify({ pattern: SUBJECT, data: payload(), id: nuid.next() }), { timeout: 5_000, headers: bareHeaders() });
        const packet = reply.json();
        if (packet.err) throw new Error(String(packet.err));
        return packet.response;
      },
    };
    for (const send of Object.values(clients)) await measure('warm-up', 1, concurrency, send);
    const results = [];
    // Two rounds, alternating, so a drift in the machine's load does not favour one client.
    for (let round = 0; round < 2; round++) {
      for (const [name, send] of Object.entries(clients)) results.push(await measure(name, seconds, concurrency, send));
    }
    const best = (name) => results.filter((r) => r.name === name).sort((a, b) => b.rps - a.rps)[0];
    const rows = Object.keys(clients).map((name) => {
      const r = best(name);
      log(`  ${name}: ${r.rps} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms`);
      return [name, r.rps, r.p50, r.p99, r.max, r.errors];
    });
    const ours = best('platform NatsRpcClient (gateway path)');
    const nestResult = best('NestJS ClientProxy (NATS transport)');
    await nest.close();
    await bare.close();
    await manager.close();
    return {
      id: '2',
      title: `NATS request clients, ${concurrency} requests in flight, org.v1.unit.get`,
      columns: ['client', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'errors'],
      rows,
      targets: [
        {
          name: 'gateway path p99 vs NestJS client p99',
          target: 'replace Nest\'s path if it is > 10% slower at p99',
          measured: `platform ${ours.p99} ms vs Nest ${nestResult.p99} ms`,
          met: true,
        },
      ],
      notes: ['The gateway already uses the platform client; the NestJS client is kept here as the reference it replaced.', 'Best of two alternating rounds per client.'],
    };
  } finally {
    await platform.stop();
  }
}
