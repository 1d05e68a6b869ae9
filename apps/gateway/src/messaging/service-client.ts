import { Inject, Injectable } from '@nestjs/common';
import { NatsRpcClient } from '@platform/nats';

/** Forwards a validated request to a service over NATS, carrying the HTTP request id. */
@Injectable()
export class ServiceClient {
  constructor(@Inject(NatsRpcClient) private readonly rpc: NatsRpcClient) {}

  send<Response>(subject: string, payload: unknown, requestId: string): Promise<Response> {
    return this.rpc.request<Response>(subject, payload, { requestId });
  }
}
