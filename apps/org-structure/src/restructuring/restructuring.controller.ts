import { applyRestructuringRequest, listRestructuringsRequest, OrgSubject } from '@contracts/org-structure';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { parsePayload } from '@platform/nats';
import { Caller, RequiresPermission } from '@platform/auth';
import { Permission, type CallerIdentity } from '@contracts/common';
import { Scopes } from '../domain/scope';
import { RestructuringService } from './restructuring-service';

@Controller()
export class RestructuringController {
  constructor(
    private readonly restructurings: RestructuringService,
    private readonly scopes: Scopes,
  ) {}

  @MessagePattern(OrgSubject.restructuringApply)
  @RequiresPermission(Permission.OrgUnitRestructure)
  async apply(@Payload() data: unknown, @Caller() caller: CallerIdentity) {
    return this.restructurings.apply(parsePayload(applyRestructuringRequest, data), await this.scopes.of(caller, Permission.OrgUnitRestructure));
  }

  @MessagePattern(OrgSubject.restructuringList)
  @RequiresPermission(Permission.OrgUnitRead)
  async list(@Payload() data: unknown, @Caller() caller: CallerIdentity) {
    return this.restructurings.list(parsePayload(listRestructuringsRequest, data), await this.scopes.of(caller, Permission.OrgUnitRead));
  }
}
