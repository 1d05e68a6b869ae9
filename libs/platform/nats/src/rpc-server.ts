import { CommonErrorCode, DomainError, MessageHeader, toFieldErrors, type ServiceErrorPayload } from '@contracts/common';
import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import { type CustomStrategy, type IncomingRequest, NatsContext, ServerNats } from '@nestjs/microservices';
import { runWithRequestId, type Logger } from '@platform/logging';
import { randomUUID } from 'node:crypto';
import { isObservable, Observable, throwError } from 'rxjs';
import type { z } from 'zod';
import type { Msg, NatsConnection } from '@nats-io/transport-node';
import { assertAuthenticatedBus, natsAuthOptions } from './bus-auth';
import { SendsPerTurn } from './sends-per-turn';

/**
 * Nest's NATS server with a shorter path for each request:
 * - the route lookup does not first try `JSON.parse` on every subject (for a plain subject that parse throws, and
 *   building the SyntaxError cost about 20 µs a message); patterns written as JSON still take Nest's path;
 * - every message runs in its own request context (@platform/logging) with the caller's request id, from before
 *   the guard until the reply, so every log line of the message carries it;
 * - a handler's plain answer is replied directly, in the wire format `NatsRpcClient` reads, instead of through an
 *   RxJS stream per message, together with the other replies of the same event-loop turn (SendsPerTurn); a
 *   handler that answers an Observable (an exception filter does) keeps Nest's path.
 * Nest's processing hooks (tracing), when set, get Nest's own path for the whole message.
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
  private readonly defaultProcessingStartHook = this.onProcessingStartHook;
  /** Replies of one event-loop turn leave in one write. */
  private readonly replies = new SendsPerTurn((error) => this.logger.error(error));

  override async handleMessage(channel: string, message: Msg): Promise<unknown> {
    const requestId = message.headers?.get(MessageHeader.requestId) || randomUUID();
    return runWithRequestId(requestId, () => this.handleInContext(channel, message));
  }

  private async handleInContext(channel: string, message: Msg): Promise<unknown> {
    const handler = this.getHandlerByPattern(channel);
    if (handler) handledMessages.set(message.subject, (handledMessages.get(message.subject) ?? 0) + 1);
    const hooked = (this.onProcessingEndHook as unknown) !== undefined || this.onProcessingStartHook !== this.defaultProcessingStartHook;
    if (!handler || hooked) {
      if (message.headers) bodies.set(message.headers, message.data);
      return super.handleMessage(channel, message);
    }
    const context = new PlatformNatsContext(message);
    const packet = (await this.deserializer.deserialize(message, { channel, replyTo: message.reply })) as IncomingRequest;
    if (packet.id === undefined) return this.handleEvent(channel, packet, context);
    const result: unknown = await handler(packet.data, context);
    if (isObservable(result)) {
      this.send(result, this.getPublisher(message, packet.id, context));
    } else if (message.reply) {
      // What Nest's NatsRecordSerializer writes for one answer: {response, isDisposed, id}, no headers.
      const reply = JSON.stringify({ response: result, isDisposed: true, id: packet.id });
      this.replies.add(() => message.respond(reply));
    }
    return undefined;
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

/** Nest's NATS context, with the exact bytes of the message (the caller token binds their hash). */
class PlatformNatsContext extends NatsContext {
  constructor(message: Msg) {
    super([message.subject, message.headers]);
    this.body = message.data;
  }

  readonly body: Uint8Array;
}

/** Raw bodies of messages that took Nest's own path, keyed by their headers object (which NatsContext hands on). */
const bodies = new WeakMap<object, Uint8Array>();

/** The exact bytes of the message being handled (empty when Nest's path handled a message without headers). */
export function messageBodyOf(context: NatsContext): Uint8Array {
  if (context instanceof PlatformNatsContext) return context.body;
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

/**
 * Request messages this process handled (answered or refused), by subject: logged at shutdown, so replicas can be
 * seen to share the work.
 */
export const handledMessages = new Map<string, number>();
