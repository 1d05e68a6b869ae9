import { CommonErrorCode, isServiceErrorPayload, MessageHeader } from '@contracts/common';
import { errors, headers as natsHeaders, nuid } from '@nats-io/transport-node';
import type { NatsConnectionManager } from './connection';
import { ServiceReplyError, ServiceTimeoutError, ServiceUnavailableError } from './rpc-errors';

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

    let reply;
    try {
      reply = await connection.request(subject, body, { timeout, headers: requestHeaders });
    } catch (error) {
      throw translateRequestError(subject, timeout, error);
    }
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

function translateRequestError(subject: string, timeout: number, error: unknown): Error {
  if (error instanceof errors.TimeoutError || (error as Error)?.name === 'TimeoutError') {
    return new ServiceTimeoutError(subject, timeout);
  }
  if (error instanceof errors.RequestError && error.isNoResponders()) {
    return new ServiceUnavailableError(subject, 'no service is listening');
  }
  if (error instanceof errors.NoRespondersError) return new ServiceUnavailableError(subject, 'no service is listening');
  const cause = (error as { cause?: unknown })?.cause;
  if (cause instanceof errors.TimeoutError) return new ServiceTimeoutError(subject, timeout);
  return new ServiceUnavailableError(subject, (error as Error)?.message ?? 'request failed');
}
