import { healthSubject, type HealthReply } from '@contracts/common';
import { PLATFORM_SERVICE_NAMES } from '@contracts/registry';
import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Unauthenticated } from '@platform/auth';
import { NatsConnectionManager, NatsRpcClient } from '@platform/nats';
import type { FastifyReply } from 'fastify';
import { GATEWAY_CONFIG } from '../tokens';
import type { GatewayConfig } from '../config';

const readiness = {
  type: 'object',
  required: ['status', 'checks'],
  properties: {
    status: { type: 'string', enum: ['ok', 'unavailable'] },
    checks: { type: 'object', additionalProperties: { type: 'string', enum: ['ok', 'degraded', 'down', 'unknown'] }, description: 'NATS and each service' },
  },
};

/** Services whose health the gateway's readiness depends on. */
export const BACKEND_SERVICES = PLATFORM_SERVICE_NAMES;

@ApiTags('health')
@Unauthenticated()
@Controller('health')
export class HealthController {
  constructor(
    @Inject(NatsConnectionManager) private readonly nats: NatsConnectionManager,
    @Inject(NatsRpcClient) private readonly rpc: NatsRpcClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Get('live')
  @ApiOperation({ operationId: 'live', summary: 'The gateway process is up (no dependency is checked)' })
  @ApiResponse({ status: 200, description: 'Up', schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } } } })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ operationId: 'ready', summary: 'NATS is reachable and every service answers its health subject' })
  @ApiResponse({ status: 200, description: 'Ready', schema: readiness })
  @ApiResponse({ status: 503, description: 'NATS or a service is not answering; `checks` says which', schema: readiness })
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const checks: Record<string, string> = { nats: this.nats.current() ? 'ok' : 'down' };
    await Promise.all(
      BACKEND_SERVICES.map(async (service) => {
        if (checks.nats !== 'ok') {
          checks[service] = 'unknown';
          return;
        }
        try {
          const answer = await this.rpc.request<HealthReply>(healthSubject(service), {}, { timeoutMs: this.config.READINESS_TIMEOUT_MS });
          checks[service] = answer.status === 'ok' ? 'ok' : 'degraded';
        } catch {
          checks[service] = 'down';
        }
      }),
    );
    const ready = Object.values(checks).every((value) => value === 'ok');
    void reply.status(ready ? 200 : 503);
    return { status: ready ? 'ok' : 'unavailable', checks };
  }
}
