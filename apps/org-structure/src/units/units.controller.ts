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
import { Caller, RequiresPermission } from '@platform/auth';
import { Permission, type CallerIdentity } from '@contracts/common';
import { Scopes } from '../domain/scope';
import { RestructuringService } from '../restructuring/restructuring-service';
import { UnitQueries } from './unit-queries';

@Controller()
export class UnitsController {
  constructor(
    private readonly units: UnitQueries,
    private readonly restructurings: RestructuringService,
    private readonly scopes: Scopes,
  ) {}

  @MessagePattern(OrgSubject.unitCreate)
  @RequiresPermission(Permission.OrgUnitWrite)
  async create(@Payload() data: unknown, @Caller() caller: CallerIdentity) {
    return this.restructurings.createUnit(parsePayload(createUnitRequest, data), await this.scopes.of(caller, Permission.OrgUnitWrite));
  }

  @MessagePattern(OrgSubject.unitGet)
  @RequiresPermission(Permission.OrgUnitRead)
  async get(@Payload() data: unknown, @Caller() caller: CallerIdentity) {
    return this.units.get(parsePayload(getUnitRequest, data), await this.scopes.of(caller, Permission.OrgUnitRead));
  }

  @MessagePattern(OrgSubject.unitList)
  @RequiresPermission(Permission.OrgUnitRead)
  async list(@Payload() data: unknown, @Caller() caller: CallerIdentity) {
    return this.units.list(parsePayload(listUnitsRequest, data), await this.scopes.of(caller, Permission.OrgUnitRead));
  }

  @MessagePattern(OrgSubject.unitSubtree)
  @RequiresPermission(Permission.OrgUnitRead)
  async subtree(@Payload() data: unknown, @Caller() caller: CallerIdentity) {
    return this.units.subtree(parsePayload(subtreeRequest, data), await this.scopes.of(caller, Permission.OrgUnitRead));
  }

  @MessagePattern(OrgSubject.unitAncestors)
  @RequiresPermission(Permission.OrgUnitRead)
  async ancestors(@Payload() data: unknown, @Caller() caller: CallerIdentity) {
    return this.units.ancestors(parsePayload(ancestorsRequest, data), await this.scopes.of(caller, Permission.OrgUnitRead));
  }

  @MessagePattern(OrgSubject.unitLineage)
  @RequiresPermission(Permission.OrgUnitRead)
  async lineage(@Payload() data: unknown, @Caller() caller: CallerIdentity) {
    return this.units.lineage(parsePayload(lineageRequest, data), await this.scopes.of(caller, Permission.OrgUnitRead));
  }
}
