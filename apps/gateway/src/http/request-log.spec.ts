import Fastify from 'fastify';
import pino from 'pino';
import { Writable } from 'node:stream';
import { RequestLog } from './request-log';

async function linesOf(level: string, path: string, status: number) {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const app = Fastify({ loggerInstance: pino({ level }, stream), logController: new RequestLog({ requestIdLogLabel: 'requestId' }), genReqId: () => 'req-1' });
  app.get('/ok', async () => ({ ok: true }));
  app.get('/fails', async () => {
    throw Object.assign(new Error('boom'), { statusCode: status });
  });
  await app.inject({ method: 'GET', url: path });
  await app.close();
  return lines.filter((line) => line.requestId === 'req-1');
}

describe('request log', () => {
  it('writes one line per answered request at info, with its request id, method, path, status and time', async () => {
    const lines = await linesOf('info', '/ok', 200);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'request completed', requestId: 'req-1', method: 'GET', url: '/ok', statusCode: 200 });
    expect(typeof lines[0].responseTime).toBe('number');
  });

  it('keeps the arrival of a request at debug', async () => {
    const lines = await linesOf('debug', '/ok', 200);
    expect(lines.map((line) => line.msg)).toEqual(['incoming request', 'request completed']);
  });

  it('still logs a failed request as an error', async () => {
    const lines = await linesOf('info', '/fails', 500);
    expect(lines.some((line) => line.level === 50)).toBe(true);
  });
});
