import { ORG_ROUTES, type StatisticsRequest } from '@contracts/org-structure';
import { Controller } from '@nestjs/common';
import { HandlesRoute, type OrgCall } from '../routes';
import { StatisticsQueries } from './statistics-queries';

@Controller()
export class StatisticsController {
  constructor(private readonly statistics: StatisticsQueries) {}

  @HandlesRoute(ORG_ROUTES.statistics)
  get(request: StatisticsRequest, { scope }: OrgCall) {
    return this.statistics.statistics(request, scope);
  }
}
