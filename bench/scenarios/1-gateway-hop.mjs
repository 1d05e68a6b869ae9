// Scenario 1: one unit by id through gateway → NATS → org-structure → PostgreSQL, against a plain Fastify + pg
// process answering the same SQL from the same database.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT, waitFor } from '../../tools/lib/infra.mjs';
import { cpuPerRequest, postgresBackends } from '../lib/cpu.mjs';
import { withoutCredentials } from '../lib/credentials.mjs';
import { load } from '../lib/load.mjs';
import { freePort, node, seedUnits, startPlatform } from '../lib/platform.mjs';

export async function run({ scale, log }) {
  const seconds = scale === 'small' ? 6 : 15;
  const platform = await startPlatform();
  const baselinePort = await freePort();
  const baseline = spawn(node, [join(REPO_ROOT, 'bench/lib/baseline-server.mjs')], {
    // As the service's own role: both read with the same privileges.
    env: { ...withoutCredentials(process.env), DATABASE_URL: platform.database.serviceUrl('org-structure'), PORT: String(baselinePort) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const ids = await seedUnits(platform, { provinces: 10, communes: scale === 'small' ? 50 : 200 });
    await waitFor(async () => (await fetch(`http://127.0.0.1:${baselinePort}/units/${ids[0]}`).catch(() => null))?.status === 200, 10_000, 'baseline');
    const gateway = {
      url: platform.baseUrl,
      paths: ids.map((id) => `/api/v1/org/units/${id}`),
      headers: { authorization: `Bearer ${platform.readerToken}` },
    };
    const direct = { url: `http://127.0.0.1:${baselinePort}`, paths: ids.map((id) => `/units/${id}`) };
    // Warm both paths (JIT, pools, prepared plans) before measuring.
    await load({ ...gateway, connections: 16, seconds: 2 });
    await load({ ...direct, connections: 16, seconds: 2 });

    const rows = [];
    const measured = {};
    const backends = () => postgresBackends(platform.database.url);
    const { pids } = platform;
    const cpu = {};
    for (const connections of [16, 64, 256]) {
      // At 64 connections, also the CPU each process spends per request (bench/lib/cpu.mjs).
      const measure = (groups, target) =>
        connections === 64 ? cpuPerRequest(groups, () => load({ ...target, connections, seconds })) : load({ ...target, connections, seconds }).then((result) => ({ result }));
      const { result: viaGateway, perRequest: gatewayCpu } = await measure(
        { gateway: () => [pids.gateway], 'org-structure': () => pids.orgs, 'nats-server': () => [pids.nats], postgres: backends, 'load generator': () => [process.pid] },
        gateway,
      );
      const { result: viaBaseline, perRequest: baselineCpu } = await measure(
        { baseline: () => [baseline.pid], postgres: backends, 'load generator': () => [process.pid] },
        direct,
      );
      if (gatewayCpu) Object.assign(cpu, { gateway: gatewayCpu, baseline: baselineCpu });
      measured[connections] = { viaGateway, viaBaseline };
      log(`  ${connections} connections: gateway ${viaGateway.rps} req/s p99 ${viaGateway.p99} ms, baseline ${viaBaseline.rps} req/s p99 ${viaBaseline.p99} ms`);
      rows.push(row(`${connections} connections`, viaGateway, viaBaseline));
    }
    // Latency at a fixed arrival rate both can sustain: a slow server cannot hide its tail by slowing the client.
    const rate = Math.max(50, Math.round(Math.min(measured[64].viaGateway.rps, measured[64].viaBaseline.rps) * 0.6));
    const fixedGateway = await load({ ...gateway, connections: 64, seconds, rate });
    const fixedBaseline = await load({ ...direct, connections: 64, seconds, rate });
    rows.push(row(`fixed ${rate} req/s, 64 conn.`, fixedGateway, fixedBaseline));

    const at64 = measured[64];
    const ratio = at64.viaGateway.rps / at64.viaBaseline.rps;
    const p99Difference = at64.viaGateway.p99 - at64.viaBaseline.p99;
    return {
      id: '1',
      title: 'One unit by id: gateway → NATS → org-structure → PostgreSQL vs plain Fastify + pg',
      columns: ['load', 'gateway req/s', 'baseline req/s', 'ratio', 'gateway p50/p90/p99/max ms', 'baseline p50/p90/p99/max ms', 'p99 diff ms', 'errors (gw/base)'],
      rows,
      targets: [
        { name: 'req/s ratio at 64 connections', target: '≥ 60%', measured: percent(ratio), met: ratio >= 0.6 },
        { name: 'p99 difference at 64 connections', target: '≤ +5 ms', measured: `${signed(p99Difference)} ms`, met: p99Difference <= 5 },
      ],
      cpuPerRequestMicroseconds: cpu,
      notes: [
        `${ids.length} units; each request reads a different unit in turn; ${seconds} s per run after a warm-up.`,
        process.env.BASELINE_AS_SERVICE === '1'
          ? 'The baseline sends its three statements as the service does: together in one round trip, each prepared (BASELINE_AS_SERVICE=1).'
          : 'The baseline sends its three statements one after another, unprepared, as a plain pg server does; the service sends them together in one round trip, each prepared (BASELINE_AS_SERVICE=1 makes the baseline do the same).',
        ...(cpu.gateway ? [`CPU per request at 64 connections (µs, from /proc): through the gateway ${describeCpu(cpu.gateway)}; baseline ${describeCpu(cpu.baseline)}. On shared cores the req/s ratio follows the ratio of these sums.`] : []),
      ],
    };
  } finally {
    baseline.kill('SIGTERM');
    await platform.stop();
  }
}

function row(label, gateway, baseline) {
  const latency = (r) => `${r.p50}/${r.p90}/${r.p99}/${r.max}`;
  return [label, gateway.rps, baseline.rps, percent(gateway.rps / baseline.rps), latency(gateway), latency(baseline), signed(gateway.p99 - baseline.p99), `${gateway.errors}/${baseline.errors}`];
}

function describeCpu(perProcess) {
  const total = Object.values(perProcess).reduce((sum, value) => sum + value, 0);
  return `${Object.entries(perProcess).map(([name, value]) => `${name} ${value}`).join(', ')} (total ${total})`;
}

const percent = (value) => `${Math.round(value * 100)}%`;
const signed = (value) => (value >= 0 ? `+${value}` : `${value}`);
