import { AsyncLocalStorage } from 'node:async_hooks';
import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * What is known about the request being handled. One store for the request id and whatever else a request carries
 * (e.g. its verified caller, kept by @platform/auth against this object): every AsyncLocalStorage costs work on
 * every promise the process creates.
 */
export interface RequestContext {
  readonly requestId: string;
}

const requestContext = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` with `requestId` attached to every log line written inside it, across awaits. */
export function runWithRequestId<T>(requestId: string, fn: () => T): T {
  return requestContext.run({ requestId }, fn);
}

/** The context of the request being handled, the same object throughout it: a key for what it learns on the way. */
export function currentRequestContext(): RequestContext | undefined {
  return requestContext.getStore();
}

export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}

export interface LoggerOptions {
  service: string;
  level?: string;
}

/**
 * One JSON line per event, with the service name and the current request id, written to stdout as it is logged:
 * pino's default writes from a worker thread, and a process that stops right after logging (Nest re-raises the
 * signal once its shutdown hooks are done) lost its last lines, among them the shutdown summary.
 */
export function createLogger({ service, level = 'info' }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin() {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
    },
    pino.destination({ dest: 1, sync: true }),
  );
}

/** Lets NestJS's own messages go through the same JSON logger. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, message instanceof Error ? message.message : String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
