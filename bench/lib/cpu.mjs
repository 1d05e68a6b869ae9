// CPU time each process spends per request, read from /proc (Linux): on a machine where every process shares the
// same cores, throughput is the cores' time divided by the CPU a request costs in all of them together, so this
// says where the time goes without a profiler's own distortions. Elsewhere (no /proc) it reports nothing.
import { existsSync, readFileSync } from 'node:fs';
import { withClient } from './databases.mjs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function cpuTicks(pid) {
  try {
    // Fields after the command name: utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0; // the process has gone
  }
}

/** PostgreSQL backends serving `databaseUrl`'s database (connections come and go, so asked at each reading). */
export async function postgresBackends(databaseUrl) {
  const { rows } = await withClient(databaseUrl, (client) =>
    client.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()'),
  );
  return rows.map((row) => row.pid);
}

/**
 * Measures `run()` and answers µs of CPU per request for each group of processes. `groups` maps a name to a
 * function answering the group's pids (sync or async); `run` resolves to the number of requests it made.
 */
export async function cpuPerRequest(groups, run) {
  if (!existsSync('/proc/self/stat')) return { result: await run(), perRequest: null };
  const read = async () => {
    const ticks = {};
    for (const [name, pids] of Object.entries(groups)) ticks[name] = new Map((await pids()).map((pid) => [pid, cpuTicks(pid)]));
    return ticks;
  };
  const before = await read();
  const result = await run();
  const after = await read();
  const perRequest = {};
  for (const name of Object.keys(groups)) {
    let ticks = 0;
    for (const [pid, end] of after[name]) ticks += end - (before[name].get(pid) ?? 0);
    perRequest[name] = Math.round((ticks / TICKS_PER_SECOND / Math.max(1, result.total)) * 1e6);
  }
  return { result, perRequest };
}
