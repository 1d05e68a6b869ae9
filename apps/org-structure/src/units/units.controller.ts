import {
  ancestorsRequest,
  createUnitRequest,
  getUnitRequest,
  lineageRequest,
  listUnitsRequest,
  OrgSubject,
  subtreeRequest,
} from '@contracts/org-structure';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { parsePayload } from '@platform/nats';
import { RestructuringService } from '../restructuring/restructuring-service';
import { UnitQueries } from './unit-queries';

@Controller()
export class UnitsController {
  constructor(
    private readonly units: UnitQueries,
    private readonly restructurings: RestructuringService,
  ) {}

  @MessagePattern(OrgSubject.unitCreate)
  create(@Payload() data: unknown) {
    return this.restructurings.createUnit(parsePayload(createUnitRequest, data));
  }

  @MessagePattern(OrgSubject.unitGet)
  get(@Payload() data: unknown) {
    return this.units.get(parsePayload(getUnitRequest, data));
  }

  @MessagePattern(OrgSubject.unitList)
  list(@Payload() data: unknown) {
    return this.units.list(parsePayload(listUnitsRequest, data));
  }

  @MessagePattern(OrgSubject.unitSubtree)
  subtree(@Payload() data: unknown) {
    return this.units.subtree(parsePayload(subtreeRequest, data));
  }

  @MessagePattern(OrgSubject.unitAncestors)
  ancestors(@Payload() data: unknown) {
    return this.units.ancestors(parsePayload(ancestorsRequest, data));
  }

  @MessagePattern(OrgSubject.unitLineage)
  lineage(@Payload() data: unknown) {
    return this.units.lineage(parsePayload(lineageRequest, data));
  }
}
