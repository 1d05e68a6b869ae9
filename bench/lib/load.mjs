// HTTP load with autocannon: fixed connection counts for throughput, a fixed arrival rate for latency (so a slow
// server cannot hide its tail by slowing the client down).
import autocannon from 'autocannon';

/**
 * @param {{ url: string, paths: string[], headers?: Record<string,string>, connections: number, seconds: number,
 *           rate?: number }} options  `rate`: requests per second across all connections (fixed arrival rate).
 */
export async function load({ url, paths, headers = {}, connections, seconds, rate }) {
  let next = 0;
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    overallRate: rate,
    headers,
    requests: [{ setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length] }) }],
  });
  const non2xx = result.non2xx ?? 0;
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors + result.timeouts + non2xx,
    total: result.requests.total,
    ok: result['2xx'],
    sent: result.requests.sent,
  };
}
