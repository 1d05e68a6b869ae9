import { auditEventsRequest, auditSubjects, auditVerifyRequest, Permission } from '@contracts/common';
import { ORG_SERVICE } from '@contracts/org-structure';
import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AuditLog } from '@platform/audit';
import { RequiresPermission } from '@platform/auth';
import { parsePayload } from '@platform/nats';

const SUBJECTS = auditSubjects(ORG_SERVICE);

/** The service's own audit chain, read and verified for the gateway's audit routes. */
@Controller()
export class AuditController {
  constructor(@Inject(AuditLog) private readonly audit: AuditLog) {}

  @MessagePattern(SUBJECTS.events)
  @RequiresPermission(Permission.AuditRead)
  events(@Payload() data: unknown) {
    return this.audit.query(parsePayload(auditEventsRequest, data));
  }

  @MessagePattern(SUBJECTS.verify)
  @RequiresPermission(Permission.AuditRead)
  async verify(@Payload() data: unknown) {
    const request = parsePayload(auditVerifyRequest, data);
    const expectedHead =
      request.expectedHeadSeq && request.expectedHeadHash ? { seq: request.expectedHeadSeq, hash: request.expectedHeadHash } : undefined;
    return { service: ORG_SERVICE, ...(await this.audit.verify({ expectedHead })), head: await this.audit.head() };
  }
}
