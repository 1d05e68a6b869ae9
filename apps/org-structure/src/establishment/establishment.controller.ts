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
import { EstablishmentService } from './establishment-service';

@Controller()
export class EstablishmentController {
  constructor(private readonly establishment: EstablishmentService) {}

  @MessagePattern(OrgSubject.leadershipLink)
  link(@Payload() data: unknown) {
    return this.establishment.linkLeadership(parsePayload(linkLeadershipRequest, data));
  }

  @MessagePattern(OrgSubject.leadershipEnd)
  end(@Payload() data: unknown) {
    return this.establishment.endLeadership(parsePayload(endLeadershipRequest, data));
  }

  @MessagePattern(OrgSubject.leadershipList)
  leadership(@Payload() data: unknown) {
    return this.establishment.leadership(parsePayload(listLeadershipRequest, data));
  }

  @MessagePattern(OrgSubject.postCreate)
  createPost(@Payload() data: unknown) {
    return this.establishment.createPost(parsePayload(createPostRequest, data));
  }

  @MessagePattern(OrgSubject.postList)
  posts(@Payload() data: unknown) {
    return this.establishment.posts(parsePayload(listByUnitRequest, data));
  }

  @MessagePattern(OrgSubject.quotaSet)
  setQuotas(@Payload() data: unknown) {
    return this.establishment.setQuotas(parsePayload(setQuotasRequest, data));
  }

  @MessagePattern(OrgSubject.quotaList)
  quotas(@Payload() data: unknown) {
    return this.establishment.quotas(parsePayload(listQuotasRequest, data));
  }

  @MessagePattern(OrgSubject.reductionTargetCreate)
  createReductionTarget(@Payload() data: unknown) {
    return this.establishment.createReductionTarget(parsePayload(createReductionTargetRequest, data));
  }

  @MessagePattern(OrgSubject.reductionTargetList)
  reductionTargets(@Payload() data: unknown) {
    return this.establishment.reductionTargets(parsePayload(listByUnitRequest.pick({ unitId: true }), data));
  }

  @MessagePattern(OrgSubject.termCreate)
  createTerm(@Payload() data: unknown) {
    return this.establishment.createTerm(parsePayload(createTermRequest, data));
  }

  @MessagePattern(OrgSubject.termList)
  terms(@Payload() data: unknown) {
    return this.establishment.terms(parsePayload(listByUnitRequest, data));
  }
}
