import { healthSubject, type HealthReply } from '@contracts/common';
import { ORG_SERVICE } from '@contracts/org-structure';
import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { Unauthenticated } from '@platform/auth';
import { DataSource } from 'typeorm';

@Controller()
export class HealthController {
  constructor(private readonly db: DataSource) {}

  /** Answers the gateway's readiness probe: the service is up; says whether its database answers. */
  @MessagePattern(healthSubject(ORG_SERVICE))
  @Unauthenticated()
  async health(): Promise<HealthReply> {
    const database = await this.db
      .query('SELECT 1')
      .then(() => 'ok' as const)
      .catch(() => 'down' as const);
    return { service: ORG_SERVICE, status: database === 'ok' ? 'ok' : 'degraded', checks: { database } };
  }
}
