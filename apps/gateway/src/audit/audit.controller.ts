import { auditChainVerification, auditEventsRequest, auditRoutes, auditVerifyRequest, AuthErrorCode, scopeFor } from '@contracts/common';
import { PLATFORM_SERVICE_NAMES } from '@contracts/registry';
import { Controller, Get, Inject, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AuditLog } from '@platform/audit';
import { RequiresPermission } from '@platform/auth';
import { z } from 'zod';
import { actorOf } from '../identity/auth-service';
import { Call, type CallContext } from '../http/call-context';
import { ApiOperationDoc, jsonSchemaOf, operationDocOf, responseSchemaOf } from '../http/openapi';
import { HttpProblem } from '../http/problem';
import { validate } from '../http/validation';
import { ServiceClient } from '../messaging/service-client';
import { AUDIT_TRAIL } from '../tokens';
import type { AuditTrail } from './audit-trail';
import { markRefusalRecorded } from './refused-requests';

/** Every chain the platform keeps: the gateway's own, and one per service. */
export const AUDITED_SERVICES = ['gateway', ...PLATFORM_SERVICE_NAMES] as [string, ...string[]];

const eventsQuery = auditEventsRequest.extend({ service: z.enum(AUDITED_SERVICES).default('gateway') });
const verifyQuery = z
  .strictObject({
    service: z.enum(AUDITED_SERVICES).optional(),
    headSeq: z.string().regex(/^[1-9]\d{0,17}$/).optional().meta({ description: "seq of a head exported earlier (audit:head), kept outside the system" }),
    headHash: z.string().regex(/^[0-9a-f]{64}$/).optional().meta({ description: 'hash of that head' }),
  })
  .refine((q) => (q.headSeq === undefined) === (q.headHash === undefined), { message: 'give headSeq and headHash together', path: ['headHash'] })
  .refine((q) => q.headSeq === undefined || q.service !== undefined, { message: 'a head belongs to one chain: name its service', path: ['service'] });

/** The audit routes as every service states them; here they reach the chain the `service` parameter names. */
const ROUTES = auditRoutes('{service}');

/** Every chain verified at once. */
const verification = z.object({ ok: z.boolean().meta({ description: 'Every chain verified' }), chains: z.array(auditChainVerification) });

/**
 * The audit trails. A system-wide auditor reads and verifies every chain; an auditor over a unit reads only the
 * records a service files under units in their scope (the gateway's own chain and verification need a system-wide
 * role). Every read and every verification is itself on record, refusals included.
 */
@Controller('api/v1/audit')
export class AuditController {
  constructor(
    @Inject(AuditLog) private readonly log: AuditLog,
    @Inject(AUDIT_TRAIL) private readonly trail: AuditTrail,
    @Inject(ServiceClient) private readonly services: ServiceClient,
  ) {}

  @Get('events')
  @RequiresPermission(ROUTES.events.permission)
  @ApiOperationDoc({ ...operationDocOf(ROUTES.events), query: jsonSchemaOf(eventsQuery) })
  async events(@Query() query: Record<string, unknown>, @Call() call: CallContext, @Req() http: FastifyRequest) {
    const { service, ...filter } = validate(eventsQuery, query);
    const systemWide = scopeFor(call.caller, ROUTES.events.permission) === null;
    const refused = service === 'gateway' && !systemWide;
    await this.trail.record({
      action: 'audit.read',
      outcome: refused ? 'denied' : 'success',
      actor: actorOf(call.caller),
      object: { type: 'audit-chain', id: service, unitScope: null },
      requestId: call.requestId,
      details: refused ? { filter, reason: 'the gateway chain needs a system-wide role' } : { filter },
    });
    if (refused) markRefusalRecorded(http);
    if (refused) throw new HttpProblem(403, AuthErrorCode.Forbidden, 'Forbidden', "The gateway's audit chain needs an auditor over the whole system");
    return service === 'gateway' ? this.log.query(filter) : this.services.call(auditRoutes(service).events, filter, call);
  }

  @Get('verify')
  @RequiresPermission(ROUTES.verify.permission)
  @ApiOperationDoc({
    ...operationDocOf(ROUTES.verify),
    summary:
      'Recompute every chain (or one): any modified, deleted, reordered or unkeyed record is reported; with headSeq and ' +
      'headHash, a chain that ends before that exported head is reported as truncated',
    query: jsonSchemaOf(verifyQuery),
    success: { status: 200, description: 'OK', schema: responseSchemaOf(verification) },
  })
  async verify(@Query() query: Record<string, unknown>, @Call() call: CallContext, @Req() http: FastifyRequest) {
    const request = validate(verifyQuery, query);
    const systemWide = scopeFor(call.caller, ROUTES.verify.permission) === null;
    await this.trail.record({
      action: 'audit.verify',
      outcome: systemWide ? 'success' : 'denied',
      actor: actorOf(call.caller),
      object: { type: 'audit-chain', id: request.service ?? null, unitScope: null },
      requestId: call.requestId,
      details: systemWide ? { headSeq: request.headSeq ?? null } : { reason: 'needs a system-wide role' },
    });
    if (!systemWide) markRefusalRecorded(http);
    if (!systemWide) throw new HttpProblem(403, AuthErrorCode.Forbidden, 'Forbidden', 'Verifying the audit chains needs an auditor over the whole system');
    const expectedHead = request.headSeq && request.headHash ? { seq: request.headSeq, hash: request.headHash } : undefined;
    const chains = await Promise.all(
      AUDITED_SERVICES.filter((service) => !request.service || request.service === service).map(async (service) =>
        service === 'gateway'
          ? { service, ...(await this.log.verify({ expectedHead })), head: await this.log.head() }
          : this.services.call(
              auditRoutes(service).verify,
              validate(auditVerifyRequest, expectedHead ? { expectedHeadSeq: expectedHead.seq, expectedHeadHash: expectedHead.hash } : {}),
              call,
            ),
      ),
    );
    return { ok: chains.every((chain) => chain.ok === true), chains };
  }
}
