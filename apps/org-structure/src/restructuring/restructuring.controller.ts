import { ORG_ROUTES, type ApplyRestructuringRequest, type ListRestructuringsRequest } from '@contracts/org-structure';
import { Controller } from '@nestjs/common';
import { HandlesRoute, type OrgCall } from '../routes';
import { RestructuringService } from './restructuring-service';

@Controller()
export class RestructuringController {
  constructor(private readonly restructurings: RestructuringService) {}

  @HandlesRoute(ORG_ROUTES.restructuringApply)
  apply(request: ApplyRestructuringRequest, { scope }: OrgCall) {
    return this.restructurings.apply(request, scope);
  }

  @HandlesRoute(ORG_ROUTES.restructuringList)
  list(request: ListRestructuringsRequest, { scope }: OrgCall) {
    return this.restructurings.list(request, scope);
  }
}
