import {
  ORG_ROUTES,
  type CreatePostRequest,
  type CreateReductionTargetRequest,
  type CreateTermRequest,
  type EndLeadershipRequest,
  type LinkLeadershipRequest,
  type ListByUnitRequest,
  type ListLeadershipRequest,
  type ListQuotasRequest,
  type ListReductionTargetsRequest,
  type SetQuotasRequest,
} from '@contracts/org-structure';
import { Controller } from '@nestjs/common';
import { HandlesRoute, type OrgCall } from '../routes';
import { EstablishmentService } from './establishment-service';

@Controller()
export class EstablishmentController {
  constructor(private readonly establishment: EstablishmentService) {}

  @HandlesRoute(ORG_ROUTES.leadershipLink)
  link(request: LinkLeadershipRequest, { scope }: OrgCall) {
    return this.establishment.linkLeadership(request, scope);
  }

  @HandlesRoute(ORG_ROUTES.leadershipEnd)
  end(request: EndLeadershipRequest, { scope }: OrgCall) {
    return this.establishment.endLeadership(request, scope);
  }

  @HandlesRoute(ORG_ROUTES.leadershipList)
  leadership(request: ListLeadershipRequest, { scope }: OrgCall) {
    return this.establishment.leadership(request, scope);
  }

  @HandlesRoute(ORG_ROUTES.postCreate)
  createPost(request: CreatePostRequest, { scope }: OrgCall) {
    return this.establishment.createPost(request, scope);
  }

  @HandlesRoute(ORG_ROUTES.postList)
  posts(request: ListByUnitRequest, { scope }: OrgCall) {
    return this.establishment.posts(request, scope);
  }

  @HandlesRoute(ORG_ROUTES.quotaSet)
  setQuotas(request: SetQuotasRequest, { scope }: OrgCall) {
    return this.establishment.setQuotas(request, scope);
  }

  @HandlesRoute(ORG_ROUTES.quotaList)
  quotas(request: ListQuotasRequest, { scope }: OrgCall) {
    return this.establishment.quotas(request, scope);
  }

  @HandlesRoute(ORG_ROUTES.reductionTargetCreate)
  createReductionTarget(request: CreateReductionTargetRequest, { scope }: OrgCall) {
    return this.establishment.createReductionTarget(request, scope);
  }

  @HandlesRoute(ORG_ROUTES.reductionTargetList)
  reductionTargets(request: ListReductionTargetsRequest, { scope }: OrgCall) {
    return this.establishment.reductionTargets(request, scope);
  }

  @HandlesRoute(ORG_ROUTES.termCreate)
  createTerm(request: CreateTermRequest, { scope }: OrgCall) {
    return this.establishment.createTerm(request, scope);
  }

  @HandlesRoute(ORG_ROUTES.termList)
  terms(request: ListByUnitRequest, { scope }: OrgCall) {
    return this.establishment.terms(request, scope);
  }
}
