import { auditChainVerification, auditEventsRequest, auditRoutes, auditVerifyRequest, AuthErrorCode, scopeFor } from '@contracts/common';
import { PLATFORM_SERVICE_NAMES } from '@contracts/registry';
import { Controller, Get, Inject, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { RequiresPermission } from '@platform/auth';
import { IDENTITY_SERVICE } from '@contracts/identity';
import { z } from 'zod';
import { Call, type CallContext } from '../http/call-context';
import { ApiOperationDoc, jsonSchemaOf, operationDocOf, responseSchemaOf } from '../http/openapi';
import { HttpProblem } from '../http/problem';
import { validate } from '../http/validation';
import { ServiceClient } from '../messaging/service-client';
import { ServiceReplyError } from '@platform/nats';
import { AUDIT_TRAIL } from '../tokens';
import type { AuditTrail } from './audit-trail';
import { markRefusalRecorded } from './refused-requests';

/**
 * Every chain the platform keeps, one per service. `gateway` names identity's, which holds what the gateway's own
 * chain held before identity had a service of its own (logins, administration, the gateway's refusals).
 */
export const AUDITED_SERVICES = ['gateway', ...PLATFORM_SERVICE_NAMES] as [string, ...string[]];
const chainOf = (service: string) => (service === 'gateway' ? IDENTITY_SERVICE : service);

const actorOf = (caller: CallContext['caller']) => ({
  userId: caller.userId,
  username: caller.username,
  roles: caller.roles.map((r) => r.role),
  clientAddress: caller.clientAddress,
});

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
    @Inject(AUDIT_TRAIL) private readonly trail: AuditTrail,
    @Inject(ServiceClient) private readonly services: ServiceClient,
  ) {}

  @Get('events')
  @RequiresPermission(ROUTES.events.permission)
  @ApiOperationDoc({ ...operationDocOf(ROUTES.events), query: jsonSchemaOf(eventsQuery) })
  async events(@Query() query: Record<string, unknown>, @Call() call: CallContext, @Req() http: FastifyRequest) {
    const { service, ...filter } = validate(eventsQuery, query);
    try {
      // Each service decides what a scoped auditor reads of its chain, and puts the read (or its refusal) on record.
      return await this.services.call(auditRoutes(chainOf(service)).events, filter, call);
    } catch (error) {
      // Already on record where it was refused.
      if (error instanceof ServiceReplyError && error.payload.code === AuthErrorCode.Forbidden) markRefusalRecorded(http);
      throw error;
    }
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
    if (!systemWide) {
      // Refused here, before any chain is asked: on record in identity's chain, the gateway's.
      await this.trail.record({
        action: 'audit.verify',
        outcome: 'denied',
        actor: actorOf(call.caller),
        object: { type: 'audit-chain', id: request.service ?? null, unitScope: null },
        requestId: call.requestId,
        details: { reason: 'needs a system-wide role' },
      });
      markRefusalRecorded(http);
      throw new HttpProblem(403, AuthErrorCode.Forbidden, 'Forbidden', 'Verifying the audit chains needs an auditor over the whole system');
    }
    const expectedHead = request.headSeq && request.headHash ? { seq: request.headSeq, hash: request.headHash } : undefined;
    const chains = await Promise.all(
      PLATFORM_SERVICE_NAMES.filter((service) => !request.service || chainOf(request.service) === service).map((service) =>
        this.services.call(
          auditRoutes(service).verify,
          validate(auditVerifyRequest, expectedHead ? { expectedHeadSeq: expectedHead.seq, expectedHeadHash: expectedHead.hash } : {}),
          call,
        ),
      ),
    );
    return { ok: chains.every((chain) => chain.ok === true), chains };
  }
}
