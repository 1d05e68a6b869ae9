import { OrgSubject, statisticsRequest } from '@contracts/org-structure';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { parsePayload } from '@platform/nats';
import { Caller, RequiresPermission } from '@platform/auth';
import { Permission, type CallerIdentity } from '@contracts/common';
import { Scopes } from '../domain/scope';
import { StatisticsQueries } from './statistics-queries';

@Controller()
export class StatisticsController {
  constructor(
    private readonly statistics: StatisticsQueries,
    private readonly scopes: Scopes,
  ) {}

  @MessagePattern(OrgSubject.statistics)
  @RequiresPermission(Permission.OrgUnitRead)
  async get(@Payload() data: unknown, @Caller() caller: CallerIdentity) {
    return this.statistics.statistics(parsePayload(statisticsRequest, data), await this.scopes.of(caller, Permission.OrgUnitRead));
  }
}
