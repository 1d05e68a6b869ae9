import { CALLER_HEADER } from '@contracts/common';
import { Inject, Injectable } from '@nestjs/common';
import { CallerTokenSigner } from '@platform/auth';
import { NatsRpcClient } from '@platform/nats';
import type { CallContext } from '../http/call-context';

/** Forwards a validated request to a service over NATS with the request id and the caller, signed by the gateway. */
@Injectable()
export class ServiceClient {
  constructor(
    @Inject(NatsRpcClient) private readonly rpc: NatsRpcClient,
    @Inject(CallerTokenSigner) private readonly signer: CallerTokenSigner,
  ) {}

  async send<Response>(subject: string, payload: unknown, call: CallContext): Promise<Response> {
    const callerToken = await this.signer.sign(call.caller, call.requestId);
    return this.rpc.request<Response>(subject, payload, { requestId: call.requestId, headers: { [CALLER_HEADER]: callerToken } });
  }
}
