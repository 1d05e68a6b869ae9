import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { canConnect, waitFor } from './wait-for';

export interface TestNatsServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Starts it again on the same port and store, e.g. after `stop()` in an outage test. */
  restart(): Promise<void>;
}

/**
 * A private nats-server with JetStream on a free port: a test run never shares subjects with a platform left
 * running on the machine's default NATS.
 */
export async function startNatsServer(binary = process.env.NATS_SERVER_BIN ?? 'nats-server'): Promise<TestNatsServer> {
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'nats-test-'));
  let child: ChildProcess | null = null;

  const launch = async () => {
    child = spawn(binary, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], { stdio: 'ignore' });
    const started = child;
    let failed: Error | null = null;
    started.once('error', (error) => (failed = error));
    await waitFor(async () => {
      if (failed) throw new Error(`cannot start ${binary}: ${failed.message} (install it: apt-get install nats-server)`);
      return canConnect('127.0.0.1', port);
    }, 10_000, `nats-server on port ${port}`);
  };

  const stopChild = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
    });
  };

  await launch();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    stop: stopChild,
    restart: launch,
  };
}

export async function stopAndClean(server: TestNatsServer | undefined): Promise<void> {
  await server?.stop();
}

export function removeDir(path: string): void {
  rmSync(path, { recursive: true, force: true });
}
