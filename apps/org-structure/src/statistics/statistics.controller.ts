import { OrgSubject, statisticsRequest } from '@contracts/org-structure';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { parsePayload } from '@platform/nats';
import { Caller, RequiresPermission } from '@platform/auth';
import { Permission, type CallerIdentity } from '@contracts/common';
import { Scope } from '../domain/scope';
import { DataSource } from 'typeorm';
import { StatisticsQueries } from './statistics-queries';

@Controller()
export class StatisticsController {
  constructor(
    private readonly statistics: StatisticsQueries,
    private readonly db: DataSource,
  ) {}

  private scope(caller: CallerIdentity, permission: Permission): Promise<Scope> {
    return Scope.of(this.db.manager, caller, permission);
  }

  @MessagePattern(OrgSubject.statistics)
  @RequiresPermission(Permission.OrgUnitRead)
  async get(@Payload() data: unknown, @Caller() caller: CallerIdentity) {
    return this.statistics.statistics(parsePayload(statisticsRequest, data), await this.scope(caller, Permission.OrgUnitRead));
  }
}
