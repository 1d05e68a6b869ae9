import { spawn, type ChildProcess } from 'node:child_process';
import { natsServerConfig, newNatsUserKey, platformNatsUsers, type NatsUser } from '@platform/nats';
import type { ClientBusContract, ServiceBusContract } from '@contracts/common';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

/** Seeds and public keys for every process of a platform, and the users a server configuration lists. */
export interface BusCredentials {
  seeds: Record<string, string>;
  users: NatsUser[];
}

/** New NKeys for the given processes, with the permissions the platform's contracts give them. */
export function newBusCredentials(clients: readonly ClientBusContract[], services: readonly ServiceBusContract[]): BusCredentials {
  const seeds: Record<string, string> = {};
  const publicKeys: Record<string, string> = {};
  for (const name of [...clients.map((c) => c.process), ...services.map((s) => s.service)]) {
    const key = newNatsUserKey();
    seeds[name] = key.seed;
    publicKeys[name] = key.publicKey;
  }
  return { seeds, users: platformNatsUsers(clients, services, publicKeys) };
}

/**
 * A private nats-server with JetStream on a free port: a test run never shares subjects with a platform left
 * running on the machine's default NATS. Given users, it authenticates every connection as the platform's own
 * server does; without, it lets anyone in (for tests of mechanisms that do not depend on who connects).
 */
export async function startNatsServer(options: { users?: readonly NatsUser[]; binary?: string } = {}): Promise<TestNatsServer> {
  const binary = options.binary ?? process.env.NATS_SERVER_BIN ?? 'nats-server';
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'nats-test-'));
  let args = ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir];
  if (options.users) {
    const configFile = join(storeDir, 'nats-server.conf');
    writeFileSync(configFile, natsServerConfig({ host: '127.0.0.1', port, storeDir, users: options.users }));
    args = ['-c', configFile];
  }
  let child: ChildProcess | null = null;

  const launch = async () => {
    child = spawn(binary, args, { stdio: 'ignore' });
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
