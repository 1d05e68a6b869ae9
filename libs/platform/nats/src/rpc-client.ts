import { CommonErrorCode, isServiceErrorPayload, MessageHeader } from '@contracts/common';
import { createInbox, errors, headers as natsHeaders, nuid, type Msg, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import type { NatsConnectionManager } from './connection';
import { ServiceReplyError, ServiceTimeoutError, ServiceUnavailableError } from './rpc-errors';
import { SendsPerTurn } from './sends-per-turn';

export interface RpcOptions {
  requestId?: string;
  timeoutMs?: number;
  /** More headers, e.g. the request id of a health probe. */
  headers?: Record<string, string>;
  /** Headers that depend on the exact body sent (the caller token binds its hash). */
  headersFor?: (body: string) => Record<string, string>;
}

/**
 * Request-reply over NATS, speaking the NestJS microservice wire format (`{pattern, data, id}` →
 * `{id, response | err, isDisposed}`) so services stay plain `@MessagePattern` handlers. Written on the NATS
 * client directly rather than Nest's ClientProxy so that every failure has one precise meaning: not connected
 * or no responders → ServiceUnavailableError at once, no answer in time → ServiceTimeoutError.
 */
export class NatsRpcClient {
  private readonly inboxes = new WeakMap<NatsConnection, ReplyInbox>();

  constructor(
    private readonly connections: NatsConnectionManager,
    private readonly defaultTimeoutMs: number,
  ) {}

  async request<Response>(subject: string, data: unknown, options: RpcOptions = {}): Promise<Response> {
    const connection = this.connections.current();
    if (!connection) throw new ServiceUnavailableError(subject, 'message bus unreachable');
    const timeout = options.timeoutMs ?? this.defaultTimeoutMs;
    const requestHeaders = natsHeaders();
    if (options.requestId) requestHeaders.set(MessageHeader.requestId, options.requestId);
    const body = JSON.stringify({ pattern: subject, data, id: nuid.next() });
    for (const [name, value] of Object.entries({ ...options.headers, ...options.headersFor?.(body) })) requestHeaders.set(name, value);

    let inbox = this.inboxes.get(connection);
    if (!inbox) {
      // A subscription the server ends (e.g. refused) is replaced at the next request.
      inbox = new ReplyInbox(connection, this.connections.inboxPrefix, () => this.inboxes.delete(connection));
      this.inboxes.set(connection, inbox);
    }
    const reply = await inbox.request(subject, body, requestHeaders, timeout);
    const packet = reply.json<{ response?: Response; err?: unknown }>();
    if (packet.err !== undefined && packet.err !== null) {
      if (isServiceErrorPayload(packet.err)) throw new ServiceReplyError(subject, packet.err);
      throw new ServiceReplyError(subject, {
        code: CommonErrorCode.Unsupported,
        message: typeof packet.err === 'string' ? packet.err : 'the service rejected the request',
      });
    }
    return packet.response as Response;
  }
}

interface PendingRequest {
  subject: string;
  resolve: (reply: Msg) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * The replies to every request of one connection on one subscription (`<inbox>.*`, one token per request), as
 * nats.js's own `request` does, without its per-request bookkeeping (a deferred, a timer object, and a
 * RequestError with a stack trace built to cancel every request that succeeded: ~4% of the gateway's CPU), and
 * the requests of one event-loop turn published together (SendsPerTurn).
 */
class ReplyInbox {
  private readonly prefix: string;
  private readonly pending = new Map<string, PendingRequest>();
  private readonly sends = new SendsPerTurn((error) => this.failAll(error));

  constructor(
    private readonly connection: NatsConnection,
    inboxPrefix: string,
    private readonly onEnded: () => void,
  ) {
    this.prefix = `${createInbox(inboxPrefix)}.`;
    connection.subscribe(`${this.prefix}*`, { callback: (error, message) => this.deliver(error, message) });
    void this.watchRefusals();
    void connection.closed().then(() => this.failAll(new Error('connection closed')));
  }

  request(subject: string, body: string, headers: MsgHdrs, timeoutMs: number): Promise<Msg> {
    return new Promise<Msg>((resolve, reject) => {
      // Unguessable, as nats.js's own request tokens are.
      const token = nuid.next();
      const timer = setTimeout(() => {
        if (this.pending.delete(token)) reject(new ServiceTimeoutError(subject, timeoutMs));
      }, timeoutMs);
      this.pending.set(token, { subject, resolve, reject, timer });
      const reply = this.prefix + token;
      this.sends.add(() => {
        try {
          this.connection.publish(subject, body, { reply, headers });
        } catch (error) {
          this.settle(token, error as Error);
        }
      });
    });
  }

  private deliver(error: Error | null, message: Msg): void {
    if (error) {
      this.onEnded();
      return this.failAll(error);
    }
    const token = message.subject.slice(this.prefix.length);
    // The server answers "no responders" on the reply subject: an empty message with status 503.
    const noResponders = message.data.length === 0 && message.headers?.code === 503;
    this.settle(token, noResponders ? new errors.NoRespondersError(this.pending.get(token)?.subject ?? '') : null, message);
  }

  private settle(token: string, error: Error | null, reply?: Msg): void {
    const request = this.pending.get(token);
    if (!request) return; // answered after its timeout
    this.pending.delete(token);
    clearTimeout(request.timer);
    if (error) request.reject(unavailable(request.subject, error));
    else request.resolve(reply as Msg);
  }

  private failAll(error: unknown): void {
    for (const token of [...this.pending.keys()]) this.settle(token, error instanceof Error ? error : new Error(String(error)));
  }

  /** A publish the server refuses (permissions) fails its requests at once instead of at their timeout. */
  private async watchRefusals(): Promise<void> {
    for await (const status of this.connection.status()) {
      if (status.type !== 'error' || !(status.error instanceof errors.PermissionViolationError)) continue;
      const refused = status.error;
      if (refused.operation !== 'publish') continue;
      for (const [token, request] of [...this.pending]) if (request.subject === refused.subject) this.settle(token, refused);
    }
  }
}

function unavailable(subject: string, error: Error): Error {
  if (error instanceof errors.NoRespondersError) return new ServiceUnavailableError(subject, 'no service is listening');
  return new ServiceUnavailableError(subject, error.message || 'request failed');
}
