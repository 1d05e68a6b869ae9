// Scenario 2: the request path the gateway uses (libs/platform/nats NatsRpcClient, on @nats-io/transport-node with
// its shared inbox) against NestJS's own NATS ClientProxy and a bare transport-node request, same payloads, same
// service, same concurrency. Every client connects as the gateway (its NKey, its inbox prefix) and sends each
// request with a caller token of its own, signed as the gateway signs it (bound to the exact body, used once).
import { ClientProxyFactory, Transport } from '@nestjs/microservices';
import { connect, headers as natsHeaders, nuid } from '@nats-io/transport-node';
import { createRequire } from 'node:module';
import { firstValueFrom } from 'rxjs';
import { seedUnits, startPlatform } from '../lib/platform.mjs';

const require = createRequire(import.meta.url);
const { NatsConnectionManager, NatsRpcClient, natsAuthOptions } = require('@platform/nats');
const { CallerTokenSigner } = require('@platform/auth');
const { CALLER_HEADER } = require('@contracts/common');
const { ORG_SERVICE } = require('@contracts/org-structure');
const SUBJECT = 'org.v1.unit.get';
const GATEWAY = 'gateway';
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
    // The gateway's own signer and lifetime (the request's timeout and a little more).
    const signer = new CallerTokenSigner(platform.callerSecret, 10);
    const caller = { userId: '00000000-0000-4000-8000-00000000be11', username: 'bench', roles: [{ role: 'records-clerk', unitId: null }], clearance: 'none', clientAddress: null };
    const tokenFor = (body) => signer.sign(caller, { service: ORG_SERVICE, subject: SUBJECT, body });
    let i = 0;
    const payload = () => ({ id: ids[i++ % ids.length] });
    const seed = platform.seeds[GATEWAY];

    const manager = new NatsConnectionManager({ url: platform.nats.url, name: 'bench-platform-client', process: GATEWAY, seed, logger: silent });
    await manager.start();
    const platformClient = new NatsRpcClient(manager, 5_000);

    const nest = ClientProxyFactory.create({
      transport: Transport.NATS,
      options: {
        servers: [platform.nats.url],
        timeout: 5_000,
        ...natsAuthOptions(GATEWAY, seed),
        // Nest's own packet ({pattern, data, id}), serialised here so the token can bind the bytes it sends.
        serializer: {
          serialize(packet) {
            const data = JSON.stringify(packet);
            const headers = natsHeaders();
            headers.set(CALLER_HEADER, tokenFor(data));
            return { data, headers };
          },
        },
      },
    });
    await nest.connect();

    const bare = await connect({ servers: platform.nats.url, ...natsAuthOptions(GATEWAY, seed) });

    const clients = {
      'platform NatsRpcClient (gateway path)': () =>
        platformClient.request(SUBJECT, payload(), { headersFor: (body) => ({ [CALLER_HEADER]: tokenFor(body) }) }),
      'NestJS ClientProxy (NATS transport)': () => firstValueFrom(nest.send(SUBJECT, payload())),
      'bare transport-node request (shared inbox)': async () => {
        const body = JSON.stringify({ pattern: SUBJECT, data: payload(), id: nuid.next() });
        const headers = natsHeaders();
        headers.set(CALLER_HEADER, tokenFor(body));
        const reply = await bare.request(SUBJECT, body, { timeout: 5_000, headers });
        const packet = reply.json();
        if (packet.err) throw new Error(JSON.stringify(packet.err));
        return packet.response;
      },
    };
    // A refused request counts as an error, not a failure of the run: make sure each client is answered first.
    for (const [name, send] of Object.entries(clients)) {
      const unit = await send().catch((error) => {
        throw new Error(`${name}: ${error.message}`);
      });
      if (!unit?.id) throw new Error(`${name}: answered ${JSON.stringify(unit)}`);
    }
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
