import {
  ORG_ROUTES,
  type AncestorsRequest,
  type CreateUnitRequest,
  type GetUnitRequest,
  type LineageRequest,
  type ListUnitsRequest,
  type SubtreeRequest,
} from '@contracts/org-structure';
import { Controller } from '@nestjs/common';
import { RestructuringService } from '../restructuring/restructuring-service';
import { HandlesRoute, type OrgCall } from '../routes';
import { UnitQueries } from './unit-queries';

@Controller()
export class UnitsController {
  constructor(
    private readonly units: UnitQueries,
    private readonly restructurings: RestructuringService,
  ) {}

  @HandlesRoute(ORG_ROUTES.unitCreate)
  create(request: CreateUnitRequest, { scope }: OrgCall) {
    return this.restructurings.createUnit(request, scope);
  }

  @HandlesRoute(ORG_ROUTES.unitGet)
  get(request: GetUnitRequest, { scope }: OrgCall) {
    return this.units.get(request, scope);
  }

  @HandlesRoute(ORG_ROUTES.unitList)
  list(request: ListUnitsRequest, { scope }: OrgCall) {
    return this.units.list(request, scope);
  }

  @HandlesRoute(ORG_ROUTES.unitSubtree)
  subtree(request: SubtreeRequest, { scope }: OrgCall) {
    return this.units.subtree(request, scope);
  }

  @HandlesRoute(ORG_ROUTES.unitAncestors)
  ancestors(request: AncestorsRequest, { scope }: OrgCall) {
    return this.units.ancestors(request, scope);
  }

  @HandlesRoute(ORG_ROUTES.unitLineage)
  lineage(request: LineageRequest, { scope }: OrgCall) {
    return this.units.lineage(request, scope);
  }
}
