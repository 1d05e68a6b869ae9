// Scenario 3: org-structure replicas in one queue group: every request handled exactly once, and throughput
// with two replicas against one.
import { sleep } from '../../tools/lib/infra.mjs';
import { load } from '../lib/load.mjs';
import { seedUnits, startPlatform } from '../lib/platform.mjs';

/** How long the gateway waits for a replica: after that long, no request sent is still on its way to one. */
const REQUEST_TIMEOUT_MS = 5_000;

/** Each replica logs how many messages it handled when it stops; null for one whose output has no such line. */
function handledCounts(outputs) {
  return outputs.map((output) => {
    const line = output.split('\n').reverse().find((l) => l.includes('"handled"'));
    return line ? (JSON.parse(line).handled['org.v1.unit.get'] ?? 0) : null;
  });
}

/** A missing count is shown as such: a 0 would read as a replica that handled nothing. */
const shown = (count) => (count === null ? 'unavailable' : String(count));

export async function run({ scale, log }) {
  const seconds = scale === 'small' ? 6 : 15;
  const rows = [];
  const results = {};
  for (const replicas of [1, 2]) {
    const platform = await startPlatform({ orgReplicas: replicas, env: { LOG_LEVEL: 'info', NATS_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) } });
    let outputs;
    let measured;
    try {
      const ids = await seedUnits(platform, { provinces: 5, communes: 40 });
      const target = { url: platform.baseUrl, paths: ids.map((id) => `/api/v1/org/units/${id}`), headers: { authorization: `Bearer ${platform.readerToken}` } };
      const warmUp = await load({ ...target, connections: 32, seconds: 2 });
      measured = await load({ ...target, connections: 64, seconds });
      measured.sent = warmUp.sent + measured.sent;
      measured.answered = warmUp.ok + measured.ok;
      // Requests in flight when the run ends still reach a replica: stopping at once would leave some unhandled.
      await sleep(REQUEST_TIMEOUT_MS);
    } finally {
      outputs = await platform.stop();
    }
    const handled = handledCounts(outputs);
    results[replicas] = measured;
    log(`  ${replicas} replica(s): ${measured.rps} req/s, p99 ${measured.p99} ms, handled ${handled.map(shown).join(' + ')}`);
    const silent = handled.flatMap((count, i) => (count === null ? [`replica ${i + 1}`] : []));
    const total = silent.length > 0 ? null : handled.reduce((a, b) => a + b, 0);
    // null: unknown, as a replica's count is missing.
    results[`${replicas}-exact`] = total === null ? null : total === measured.sent;
    const handledTotal = total === null ? `count unavailable (${silent.join(', ')} logged none)` : `${total} handled`;
    rows.push([replicas, measured.rps, measured.p99, handled.map(shown).join(' + '), `${handledTotal} / ${measured.sent} sent / ${measured.answered} answered`]);
  }
  const exact = [results['1-exact'], results['2-exact']];
  const scaling = results[2].rps / results[1].rps;
  return {
    id: '3',
    title: 'org-structure replicas in one queue group (64 connections through the gateway)',
    columns: ['replicas', 'req/s', 'p99 ms', 'unit reads handled per replica', 'handled / sent / answered'],
    rows,
    targets: [
      {
        name: 'every request handled exactly once',
        target: 'handled = sent',
        measured: exact.includes(null) ? 'unknown: a replica\'s count is unavailable' : exact.every(Boolean) ? 'yes' : 'no',
        met: exact.every((value) => value === true),
      },
      { name: 'throughput, 2 replicas vs 1', target: 'informative (2 cores shared by every process)', measured: `${Math.round(scaling * 100)}%`, met: true },
    ],
    notes: [
      'Each replica counts the org.v1.unit.get messages it handled; their sum is compared with the requests the load generator sent (warm-up and measured run; requests still in flight when a run ends are sent and handled but not answered to it).',
      'Everything (load generator, gateway, replicas, PostgreSQL, NATS) shares the same 2 cores, so a second replica cannot double throughput here.',
    ],
  };
}
