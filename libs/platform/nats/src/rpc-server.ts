import { CommonErrorCode, DomainError, MessageHeader, toFieldErrors, type ServiceErrorPayload } from '@contracts/common';
import {
  type ArgumentsHost,
  Catch,
  type CallHandler,
  type ExceptionFilter,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { type CustomStrategy, type NatsContext, ServerNats } from '@nestjs/microservices';
import { currentRequestId, runWithRequestId, type Logger } from '@platform/logging';
import { randomUUID } from 'node:crypto';
import { Observable, throwError } from 'rxjs';
import type { z } from 'zod';
import type { Msg, NatsConnection } from '@nats-io/transport-node';
import { assertAuthenticatedBus, natsAuthOptions } from './bus-auth';

/**
 * Nest's NATS server, with a route lookup that does not first try `JSON.parse` on every subject: for a plain subject
 * that parse throws, and building the SyntaxError cost about 20 µs of each message (docs/performance.md). Patterns
 * written as JSON still take Nest's path.
 */
export class PlatformNatsServer extends ServerNats {
  private connection: NatsConnection | null = null;

  /**
   * Listening once the NATS server has the subscriptions: Nest calls back as soon as it has sent them, so a request
   * sent on another connection right after `listen()` could still find no responder.
   */
  override start(callback: (err?: unknown, ...optionalParams: unknown[]) => void): void {
    super.start((error, ...rest) => {
      if (error || !this.connection) return callback(error, ...rest);
      this.connection.flush().then(
        () => callback(),
        (flushError: unknown) => callback(flushError),
      );
    });
  }

  override async handleMessage(channel: string, message: Msg): Promise<unknown> {
    // The raw body, for checks over the exact bytes sent (the caller token binds their hash); keyed by the headers
    // object, which Nest's NatsContext hands on as it is.
    if (message.headers) bodies.set(message.headers, message.data);
    return super.handleMessage(channel, message);
  }

  override async createNatsClient(): Promise<NatsConnection> {
    const connection: NatsConnection = await super.createNatsClient();
    try {
      assertAuthenticatedBus(connection);
    } catch (error) {
      await connection.close();
      throw error;
    }
    this.connection = connection;
    return connection;
  }

  protected override getRouteFromPattern(pattern: string): string {
    const first = pattern.charCodeAt(0);
    const maybeJson = first === 0x7b /* { */ || first === 0x5b /* [ */ || first === 0x22; /* " */
    return maybeJson ? super.getRouteFromPattern(pattern) : this.normalizePattern(pattern);
  }
}

const bodies = new WeakMap<object, Uint8Array>();

/** The exact bytes of the message being handled (empty when it carried no headers). */
export function messageBodyOf(context: NatsContext): Uint8Array {
  const headers = context?.getHeaders?.();
  return (headers && bodies.get(headers)) || new Uint8Array(0);
}

/** Server options for a NestJS microservice: a queue group named after the service, so replicas share the work. */
export function natsServerOptions(options: { url: string; service: string; seed: string }): CustomStrategy {
  return {
    strategy: new PlatformNatsServer({
      servers: options.url.split(','),
      ...natsAuthOptions(options.service, options.seed),
      queue: options.service,
      name: options.service,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1_000,
      noAsyncTraces: true,
    }),
  };
}

/** Validates a message payload with the contract's schema; a failure answers VALIDATION_FAILED with every field. */
export function parsePayload<Schema extends z.ZodType>(schema: Schema, data: unknown): z.infer<Schema> {
  const result = schema.safeParse(data);
  if (!result.success) {
    throw new DomainError(CommonErrorCode.ValidationFailed, 'The request is invalid', {
      errors: toFieldErrors(result.error),
    });
  }
  return result.data;
}

/** Postgres SQLSTATE classes that mean "the database is not there", not "the request was wrong". */
const UNAVAILABLE_CODES = new Set(['57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006']);
const NETWORK_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);

export function toServiceErrorPayload(error: unknown): ServiceErrorPayload {
  if (error instanceof DomainError) return error.toPayload();
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || NETWORK_ERRORS.has(code))) {
    return { code: CommonErrorCode.DependencyUnavailable, message: 'The database is unavailable' };
  }
  if (code === '57014') {
    return { code: CommonErrorCode.DependencyUnavailable, message: 'The database did not answer in time' };
  }
  return { code: CommonErrorCode.Internal, message: 'Unexpected error' };
}

/** Told of every failure before it is answered, e.g. to record refusals in the service's audit trail. */
export type RpcFailureHook = (exception: unknown, payload: ServiceErrorPayload, host: ArgumentsHost) => Promise<void> | void;

/** Turns every failure of a message handler into a typed error payload; unexpected ones are logged. */
@Catch()
export class RpcErrorFilter implements ExceptionFilter {
  constructor(
    private readonly logger: Logger,
    private readonly onFailure?: RpcFailureHook,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): Observable<never> {
    const payload = toServiceErrorPayload(exception);
    if (payload.code === CommonErrorCode.Internal || payload.code === CommonErrorCode.DependencyUnavailable) {
      this.logger.error({ err: exception }, 'message handler failed');
    }
    if (!this.onFailure) return throwError(() => payload);
    const hook = this.onFailure;
    return new Observable<never>((subscriber) => {
      Promise.resolve()
        .then(() => hook(exception, payload, host))
        .catch((error: unknown) => this.logger.error({ err: error }, 'could not record a failed message'))
        .finally(() => subscriber.error(payload));
    });
  }
}

/** Messages this process handled, by subject: logged at shutdown, so replicas can be seen to share the work. */
export const handledMessages = new Map<string, number>();

/** Carries the caller's request id from the NATS headers into every log line of the handler. */
@Injectable()
export class RequestContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const nats = context.switchToRpc().getContext<NatsContext>();
    const subject = nats?.getSubject?.();
    if (subject) handledMessages.set(subject, (handledMessages.get(subject) ?? 0) + 1);
    const requestId = nats?.getHeaders?.()?.get(MessageHeader.requestId) || currentRequestId() || randomUUID();
    return new Observable((subscriber) =>
      runWithRequestId(requestId, () => next.handle().subscribe(subscriber)),
    );
  }
}
