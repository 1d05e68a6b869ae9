import { applyRestructuringRequest, listRestructuringsRequest, OrgSubject } from '@contracts/org-structure';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { parsePayload } from '@platform/nats';
import { Caller, RequiresPermission } from '@platform/auth';
import { Permission, type CallerIdentity } from '@contracts/common';
import { Scope } from '../domain/scope';
import { DataSource } from 'typeorm';
import { RestructuringService } from './restructuring-service';

@Controller()
export class RestructuringController {
  constructor(
    private readonly restructurings: RestructuringService,
    private readonly db: DataSource,
  ) {}

  private scope(caller: CallerIdentity, permission: Permission): Promise<Scope> {
    return Scope.of(this.db.manager, caller, permission);
  }

  @MessagePattern(OrgSubject.restructuringApply)
  @RequiresPermission(Permission.OrgUnitRestructure)
  async apply(@Payload() data: unknown, @Caller() caller: CallerIdentity) {
    return this.restructurings.apply(parsePayload(applyRestructuringRequest, data), await this.scope(caller, Permission.OrgUnitRestructure));
  }

  @MessagePattern(OrgSubject.restructuringList)
  @RequiresPermission(Permission.OrgUnitRead)
  async list(@Payload() data: unknown, @Caller() caller: CallerIdentity) {
    return this.restructurings.list(parsePayload(listRestructuringsRequest, data), await this.scope(caller, Permission.OrgUnitRead));
  }
}
