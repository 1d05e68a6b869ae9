import { auditEventsRequest, auditSubjects, auditVerifyRequest, Permission } from '@contracts/common';
import { ORG_SERVICE } from '@contracts/org-structure';
import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AuditLog } from '@platform/audit';
import { RequiresPermission } from '@platform/auth';
import { z } from 'zod';
import { actorOf } from '../identity/auth-service';
import { Call, type CallContext } from '../http/call-context';
import { ApiProblems, ApiZodQuery } from '../http/openapi';
import { validate } from '../http/validation';
import { ServiceClient } from '../messaging/service-client';
import { AUDIT_TRAIL } from '../tokens';
import type { AuditTrail } from './audit-trail';

/** Every chain the platform keeps: the gateway's own, and one per service. */
export const AUDITED_SERVICES = ['gateway', ORG_SERVICE] as const;

const eventsQuery = auditEventsRequest.extend({ service: z.enum(AUDITED_SERVICES).default('gateway') });

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit')
export class AuditController {
  constructor(
    @Inject(AuditLog) private readonly log: AuditLog,
    @Inject(AUDIT_TRAIL) private readonly trail: AuditTrail,
    @Inject(ServiceClient) private readonly services: ServiceClient,
  ) {}

  @Get('events')
  @RequiresPermission(Permission.AuditRead)
  @ApiOperation({ summary: 'Audit records of one chain, newest first; reading them is itself audited' })
  @ApiZodQuery(eventsQuery)
  @ApiProblems(401, 403)
  async events(@Query() query: Record<string, unknown>, @Call() call: CallContext) {
    const { service, ...filter } = validate(eventsQuery, query);
    await this.trail.record({
      action: 'audit.read',
      outcome: 'success',
      actor: actorOf(call.caller),
      object: { type: 'audit-chain', id: service, unitScope: null },
      requestId: call.requestId,
      details: { filter },
    });
    return service === 'gateway' ? this.log.query(filter) : this.services.send(auditSubjects(service).events, filter, call);
  }

  @Get('verify')
  @RequiresPermission(Permission.AuditRead)
  @ApiOperation({ summary: 'Recompute every chain: any modified, deleted or reordered record is reported; heads are for anchoring' })
  @ApiQuery({ name: 'service', required: false, enum: AUDITED_SERVICES })
  @ApiProblems(401, 403)
  async verify(@Query() query: Record<string, unknown>, @Call() call: CallContext) {
    validate(z.object({ service: z.enum(AUDITED_SERVICES).optional() }).strict(), query);
    const chains = await Promise.all(
      AUDITED_SERVICES.filter((service) => !query.service || query.service === service).map(async (service) =>
        service === 'gateway'
          ? { service, ...(await this.log.verify()), head: await this.log.head() }
          : this.services.send<Record<string, unknown>>(auditSubjects(service).verify, validate(auditVerifyRequest, {}), call),
      ),
    );
    return { ok: chains.every((chain) => chain.ok === true), chains };
  }
}
