import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '@platform/logging';
import { assertAuthenticatedBus, inboxPrefixOf, natsAuthOptions } from './bus-auth';

/**
 * One NATS connection per process, kept alive across server restarts. It never blocks the caller: until the
 * first connection succeeds (and while reconnecting) `current()` returns null so callers fail fast with 503
 * instead of waiting.
 */
export class NatsConnectionManager {
  private connection: NatsConnection | null = null;
  private connected = false;
  private closed = false;
  private readonly ready: Promise<NatsConnection>;
  private resolveReady!: (connection: NatsConnection) => void;

  constructor(
    private readonly options: {
      url: string;
      /** The connection's name, seen in the server's monitoring. */
      name: string;
      /** The process whose NATS credentials these are: its user and its reply inbox. */
      process: string;
      /** The process's NKey seed. */
      seed: string;
      logger: Logger;
      retryDelayMs?: number;
    },
  ) {
    this.ready = new Promise((resolve) => (this.resolveReady = resolve));
  }

  /** Starts connecting in the background; resolves when the first connection is up. */
  start(): Promise<NatsConnection> {
    void this.connectLoop();
    return this.ready;
  }

  /** The live connection, or null while NATS is unreachable. */
  current(): NatsConnection | null {
    return this.connected && this.connection && !this.connection.isClosed() ? this.connection : null;
  }

  /** The subjects replies to this process's requests come back on start with it (its bus permissions allow them). */
  get inboxPrefix(): string {
    return inboxPrefixOf(this.options.process);
  }

  whenReady(): Promise<NatsConnection> {
    return this.ready;
  }

  async close(): Promise<void> {
    this.closed = true;
    const connection = this.connection;
    this.connection = null;
    this.connected = false;
    if (connection && !connection.isClosed()) await connection.drain().catch(() => connection.close());
  }

  private async connectLoop(): Promise<void> {
    const { url, name, logger, retryDelayMs = 1_000 } = this.options;
    const auth = natsAuthOptions(this.options.process, this.options.seed);
    while (!this.closed) {
      try {
        const connection = await connect({
          servers: url.split(','),
          name,
          ...auth,
          maxReconnectAttempts: -1,
          reconnectTimeWait: retryDelayMs,
          timeout: 2_000,
          // Async stack traces capture a stack for every request; measured at ~3% of the gateway's CPU under load.
          noAsyncTraces: true,
        });
        if (this.closed) {
          await connection.close();
          return;
        }
        try {
          assertAuthenticatedBus(connection);
        } catch (error) {
          await connection.close();
          throw error;
        }
        this.connection = connection;
        this.connected = true;
        logger.info({ server: connection.getServer() }, 'connected to NATS');
        this.resolveReady(connection);
        void this.watch(connection);
        return;
      } catch (error) {
        logger.warn({ err: (error as Error).message, url }, 'NATS unreachable, retrying');
        await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
      }
    }
  }

  private async watch(connection: NatsConnection): Promise<void> {
    for await (const status of connection.status()) {
      if (status.type === 'disconnect') {
        this.connected = false;
        this.options.logger.warn('NATS connection lost, reconnecting');
      } else if (status.type === 'reconnect') {
        this.connected = true;
        this.options.logger.info('NATS connection restored');
      }
    }
    this.connected = false;
  }
}
