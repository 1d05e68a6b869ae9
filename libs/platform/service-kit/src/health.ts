import { healthSubject, type HealthReply } from '@contracts/common';
import { Controller, Inject, type Type } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { Unauthenticated } from '@platform/auth';
import { DataSource } from 'typeorm';

/**
 * The handler of `health.v1.<service>`, which the gateway's readiness probe and the `health` command ask: the
 * service is up; says whether its database answers.
 */
export function healthController(service: string): Type {
  @Controller()
  class HealthController {
    constructor(@Inject(DataSource) private readonly db: DataSource) {}

    @MessagePattern(healthSubject(service))
    @Unauthenticated()
    async health(): Promise<HealthReply> {
      const database = await this.db
        .query('SELECT 1')
        .then(() => 'ok' as const)
        .catch(() => 'down' as const);
      return { service, status: database === 'ok' ? 'ok' : 'degraded', checks: { database } };
    }
  }
  return HealthController;
}
