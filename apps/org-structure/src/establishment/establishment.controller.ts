import {
  createPostRequest,
  createReductionTargetRequest,
  createTermRequest,
  endLeadershipRequest,
  linkLeadershipRequest,
  listByUnitRequest,
  listLeadershipRequest,
  listQuotasRequest,
  OrgSubject,
  setQuotasRequest,
} from '@contracts/org-structure';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { parsePayload } from '@platform/nats';
import { Caller, RequiresPermission } from '@platform/auth';
import { Permission, type CallerIdentity } from '@contracts/common';
import { Scopes } from '../domain/scope';
import { EstablishmentService } from './establishment-service';

@Controller()
export class EstablishmentController {
  constructor(
    private readonly establishment: EstablishmentService,
    private readonly scopes: Scopes,
  ) {}

  @MessagePattern(OrgSubject.leadershipLink)
  @RequiresPermission(Permission.OrgUnitWrite)
  async link(@Payload() data: unknown, @Caller() caller: CallerIdentity) {
    return this.establishment.linkLeadership(parsePayload(linkLeadershipRequest, data), await this.scopes.of(caller, Permission.OrgUnitWrite));
  }

  @MessagePattern(OrgSubject.leadershipEnd)
  @RequiresPermission(Permission.OrgUnitWrite)
  async end(@Payload() data: unknown, @Caller() caller: CallerIdentity) {
    return this.establishment.endLeadership(parsePayload(endLeadershipRequest, data), await this.scopes.of(caller, Permission.OrgUnitWrite));
  }

  @MessagePattern(OrgSubject.leadershipList)
  @RequiresPermission(Permission.OrgUnitRead)
  async leadership(@Payload() data: unknown, @Caller() caller: CallerIdentity) {
    return this.establishment.leadership(parsePayload(listLeadershipRequest, data), await this.scopes.of(caller, Permission.OrgUnitRead));
  }

  @MessagePattern(OrgSubject.postCreate)
  @RequiresPermission(Permission.OrgUnitWrite)
  async createPost(@Payload() data: unknown, @Caller() caller: CallerIdentity) {
    return this.establishment.createPost(parsePayload(createPostRequest, data), await this.scopes.of(caller, Permission.OrgUnitWrite));
  }

  @MessagePattern(OrgSubject.postList)
  @RequiresPermission(Permission.OrgUnitRead)
  async posts(@Payload() data: unknown, @Caller() caller: CallerIdentity) {
    return this.establishment.posts(parsePayload(listByUnitRequest, data), await this.scopes.of(caller, Permission.OrgUnitRead));
  }

  @MessagePattern(OrgSubject.quotaSet)
  @RequiresPermission(Permission.OrgUnitWrite)
  async setQuotas(@Payload() data: unknown, @Caller() caller: CallerIdentity) {
    return this.establishment.setQuotas(parsePayload(setQuotasRequest, data), await this.scopes.of(caller, Permission.OrgUnitWrite));
  }

  @MessagePattern(OrgSubject.quotaList)
  @RequiresPermission(Permission.OrgUnitRead)
  async quotas(@Payload() data: unknown, @Caller() caller: CallerIdentity) {
    return this.establishment.quotas(parsePayload(listQuotasRequest, data), await this.scopes.of(caller, Permission.OrgUnitRead));
  }

  @MessagePattern(OrgSubject.reductionTargetCreate)
  @RequiresPermission(Permission.OrgUnitWrite)
  async createReductionTarget(@Payload() data: unknown, @Caller() caller: CallerIdentity) {
    return this.establishment.createReductionTarget(parsePayload(createReductionTargetRequest, data), await this.scopes.of(caller, Permission.OrgUnitWrite));
  }

  @MessagePattern(OrgSubject.reductionTargetList)
  @RequiresPermission(Permission.OrgUnitRead)
  async reductionTargets(@Payload() data: unknown, @Caller() caller: CallerIdentity) {
    return this.establishment.reductionTargets(parsePayload(listByUnitRequest.pick({ unitId: true }), data), await this.scopes.of(caller, Permission.OrgUnitRead));
  }

  @MessagePattern(OrgSubject.termCreate)
  @RequiresPermission(Permission.OrgUnitWrite)
  async createTerm(@Payload() data: unknown, @Caller() caller: CallerIdentity) {
    return this.establishment.createTerm(parsePayload(createTermRequest, data), await this.scopes.of(caller, Permission.OrgUnitWrite));
  }

  @MessagePattern(OrgSubject.termList)
  @RequiresPermission(Permission.OrgUnitRead)
  async terms(@Payload() data: unknown, @Caller() caller: CallerIdentity) {
    return this.establishment.terms(parsePayload(listByUnitRequest, data), await this.scopes.of(caller, Permission.OrgUnitRead));
  }
}
