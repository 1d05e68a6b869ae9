import { ORG_SERVICE } from '@contracts/org-structure';
import { waitFor } from '@platform/testing';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startPlatform, type Json, type Platform } from './support/platform';

/*
 * A replica says at shutdown how many messages it handled (the benchmark of replicas in one queue group adds
 * these up): that last log line must reach its output even when the process stops with the write still queued.
 */
const ROOT = join(__dirname, '..', '..');
const ORG_MAIN = join(ROOT, 'apps/org-structure/dist/main.js');
const BUSY_THREAD_POOL = join(__dirname, 'support', 'busy-thread-pool-on-sigterm.cjs');
let p: Platform;

beforeAll(async () => {
  p = await startPlatform();
});

afterAll(async () => {
  await p?.stop();
});

it('a replica stopped with SIGTERM writes its count of handled messages before it exits', async () => {
  const unit = await p.http('POST', '/api/v1/org/units', {
    code: 'TU-THU',
    name: 'Tỉnh ủy Thử',
    kind: 'party_committee',
    level: 'province',
    block: 'party',
    validFrom: '2020-01-01',
  });
  expect(unit.status).toBe(201);

  const replica = spawn(process.execPath, ['--require', BUSY_THREAD_POOL, ORG_MAIN], {
    env: { ...p.envOf('org-structure'), LOG_LEVEL: 'info', UV_THREADPOOL_SIZE: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  replica.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const closed = new Promise<number | null>((resolve) => replica.once('close', (code) => resolve(code)));
  await waitFor(async () => output.includes('listening on NATS'), 30_000, 'the replica to listen');
  // The platform's own replica stopped, every read goes to this one.
  await p.killService(ORG_SERVICE);
  const reads = 20;
  for (let i = 0; i < reads; i++) expect((await p.http('GET', `/api/v1/org/units/${unit.body.id}`)).status).toBe(200);

  replica.kill('SIGTERM');
  await closed;
  const lines: Json[] = output.trim().split('\n').map((line) => JSON.parse(line));
  expect(lines.find((line) => line.msg === 'stopped')).toEqual(expect.objectContaining({ handled: { 'org.v1.unit.get': reads } }));
});
