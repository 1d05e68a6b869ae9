import { OrgSubject, statisticsRequest } from '@contracts/org-structure';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { parsePayload } from '@platform/nats';
import { StatisticsQueries } from './statistics-queries';

@Controller()
export class StatisticsController {
  constructor(private readonly statistics: StatisticsQueries) {}

  @MessagePattern(OrgSubject.statistics)
  get(@Payload() data: unknown) {
    return this.statistics.statistics(parsePayload(statisticsRequest, data));
  }
}
