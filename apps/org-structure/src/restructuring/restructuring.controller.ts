import { applyRestructuringRequest, listRestructuringsRequest, OrgSubject } from '@contracts/org-structure';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { parsePayload } from '@platform/nats';
import { RestructuringService } from './restructuring-service';

@Controller()
export class RestructuringController {
  constructor(private readonly restructurings: RestructuringService) {}

  @MessagePattern(OrgSubject.restructuringApply)
  apply(@Payload() data: unknown) {
    return this.restructurings.apply(parsePayload(applyRestructuringRequest, data));
  }

  @MessagePattern(OrgSubject.restructuringList)
  list(@Payload() data: unknown) {
    return this.restructurings.list(parsePayload(listRestructuringsRequest, data));
  }
}
