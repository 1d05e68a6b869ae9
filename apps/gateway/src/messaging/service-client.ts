import { CALLER_HEADER, serviceAnswering, type AnyRoute, type RouteRequest, type RouteResponse } from '@contracts/common';
import { PLATFORM_SERVICE_BUSES } from '@contracts/registry';
import { Inject, Injectable } from '@nestjs/common';
import { CallerTokenSigner } from '@platform/auth';
import { NatsRpcClient } from '@platform/nats';
import type { CallContext } from '../http/call-context';

/**
 * Forwards a validated request to a service over NATS with the request id and a caller token issued for exactly
 * this message: its service, subject and body (docs/access-control.md).
 */
@Injectable()
export class ServiceClient {
  /** Subject → the service answering it; subjects are few and fixed, so each is looked up once. */
  private readonly services = new Map<string, string>();

  constructor(
    @Inject(NatsRpcClient) private readonly rpc: NatsRpcClient,
    @Inject(CallerTokenSigner) private readonly signer: CallerTokenSigner,
  ) {}

  /** Sends a route's request to its service; the answer is the route's response. */
  call<R extends AnyRoute>(route: R, request: RouteRequest<R>, call: CallContext): Promise<RouteResponse<R>> {
    return this.send<RouteResponse<R>>(route.subject, request, call);
  }

  async send<Response>(subject: string, payload: unknown, call: CallContext): Promise<Response> {
    const service = this.serviceOf(subject);
    return this.rpc.request<Response>(subject, payload, {
      requestId: call.requestId,
      headersFor: (body) => ({ [CALLER_HEADER]: this.signer.sign(call.caller, { service, subject, body }) }),
    });
  }

  /**
   * A request before anyone is authenticated (login, resolving a token): no caller token, so only handlers that
   * declare themselves open answer it.
   */
  async sendWithoutCaller<Response>(subject: string, payload: unknown, requestId?: string): Promise<Response> {
    this.serviceOf(subject);
    return this.rpc.request<Response>(subject, payload, { requestId });
  }

  private serviceOf(subject: string): string {
    let service = this.services.get(subject);
    if (!service) {
      service = serviceAnswering(PLATFORM_SERVICE_BUSES, subject) ?? undefined;
      if (!service) throw new Error(`no service answers ${subject}`);
      this.services.set(subject, service);
    }
    return service;
  }
}
