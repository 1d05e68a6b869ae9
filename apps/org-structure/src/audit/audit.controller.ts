import { auditRoutes, AuthErrorCode, DomainError, type AuditEventsRequest, type AuditVerifyRequest, type CallerIdentity } from '@contracts/common';
import { ORG_SERVICE } from '@contracts/org-structure';
import { Controller, Inject } from '@nestjs/common';
import { AuditLog } from '@platform/audit';
import { currentRequestId } from '@platform/logging';
import { auditedFailures } from '../infrastructure/transactions';
import { HandlesRoute, type OrgCall } from '../routes';

const ROUTES = auditRoutes(ORG_SERVICE);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const actorOf = (caller: CallerIdentity) => ({
  userId: caller.userId,
  username: caller.username,
  roles: caller.roles.map((r) => r.role),
  clientAddress: caller.clientAddress,
});

/**
 * The service's own audit chain, read and verified for the gateway's audit routes. An auditor over a unit reads the
 * records filed under units that lay in their scope; verifying the whole chain needs a system-wide role. Reading
 * and verifying are themselves on record.
 */
@Controller()
export class AuditController {
  constructor(@Inject(AuditLog) private readonly audit: AuditLog) {}

  @HandlesRoute(ROUTES.events)
  async events(request: AuditEventsRequest, { caller, scope }: OrgCall) {
    await this.audit.append({
      actor: actorOf(caller),
      action: 'audit.read',
      outcome: 'success',
      object: { type: 'audit-chain', id: ORG_SERVICE, unitScope: null },
      requestId: currentRequestId() ?? null,
      details: { filter: request, scoped: !scope.isEverywhere },
    });
    if (scope.isEverywhere) return this.audit.query(request);
    // Only records filed under a unit; the unit id is checked before the cast, whatever a record holds.
    return this.audit.query(request, (params) =>
      `(object->>'unitScope') ~ '${UUID.source}' AND ${scope.sqlEver(`(object->>'unitScope')::uuid`, params)}`,
    );
  }

  @HandlesRoute(ROUTES.verify)
  async verify(request: AuditVerifyRequest, { caller, scope }: OrgCall) {
    const denied = !scope.isEverywhere;
    await this.audit.append({
      actor: actorOf(caller),
      action: 'audit.verify',
      outcome: denied ? 'denied' : 'success',
      object: { type: 'audit-chain', id: ORG_SERVICE, unitScope: null },
      requestId: currentRequestId() ?? null,
      details: denied ? { reason: 'needs a system-wide role' } : { expectedHeadSeq: request.expectedHeadSeq ?? null },
    });
    if (denied) {
      const refusal = new DomainError(AuthErrorCode.Forbidden, 'Verifying the whole audit chain needs a system-wide role');
      auditedFailures.add(refusal);
      throw refusal;
    }
    const expectedHead =
      request.expectedHeadSeq && request.expectedHeadHash ? { seq: request.expectedHeadSeq, hash: request.expectedHeadHash } : undefined;
    return { service: ORG_SERVICE, ...(await this.audit.verify({ expectedHead })), head: await this.audit.head() };
  }
}
