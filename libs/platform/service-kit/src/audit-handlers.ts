import { auditRoutes, AuthErrorCode, DomainError, scopeFor, type AuditEventsRequest, type AuditVerifyRequest, type CallerIdentity, type Permission } from '@contracts/common';
import { Controller, Inject, type Type } from '@nestjs/common';
import { AuditLog, auditActorOf } from '@platform/audit';
import { createRouteDecorator, type RouteCall } from '@platform/auth';
import { currentRequestId } from '@platform/logging';
import { markAudited } from './unit-of-work';

/**
 * How a service reads its audit records for an auditor scoped to units: a SQL condition on the unit id a record
 * is filed under (`object->>'unitScope'`), true for records of units that ever lay in the caller's scope.
 */
export interface AuditScope {
  isEverywhere: boolean;
  sqlEver(unitIdSql: string, params: unknown[]): string;
}

/**
 * Provided by a service whose records are filed under units (its scope port: where a caller holds a permission);
 * without it only system-wide auditors read them.
 */
export const AUDIT_SCOPE = Symbol('AUDIT_SCOPE');
export interface AuditScopeProvider {
  of(caller: CallerIdentity, permission: Permission): Promise<AuditScope>;
}

/** Binds the audit handlers to the audit routes, with the caller's scope from the service's AUDIT_SCOPE, if any. */
const HandlesAuditRoute = createRouteDecorator<AuditScope>(AUDIT_SCOPE, { optional: true });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The service's own audit chain, read and verified for the gateway's audit routes. An auditor over a unit reads the
 * records filed under units that lay in their scope (when the service can tell); verifying the whole chain needs a
 * system-wide role. Reading and verifying are themselves on record.
 */
export function auditController(service: string): Type {
  const routes = auditRoutes(service);

  @Controller()
  class AuditController {
    constructor(@Inject(AuditLog) private readonly audit: AuditLog) {}

    /** The caller's scope for reading; null when the service cannot tell which records lie in it. */
    private scopeOf({ caller, scope }: RouteCall<AuditScope | null>): AuditScope | null {
      if (scopeFor(caller, routes.events.permission) === null) return { isEverywhere: true, sqlEver: () => 'true' };
      return scope;
    }

    private async record(caller: CallerIdentity, action: string, outcome: 'success' | 'denied', details: Record<string, unknown>) {
      await this.audit.append({
        actor: auditActorOf(caller),
        action,
        outcome,
        object: { type: 'audit-chain', id: service, unitScope: null },
        requestId: currentRequestId() ?? null,
        details,
      });
    }

    @HandlesAuditRoute(routes.events)
    async events(request: AuditEventsRequest, call: RouteCall<AuditScope | null>) {
      const { caller } = call;
      const scope = this.scopeOf(call);
      if (!scope) {
        await this.record(caller, 'audit.read', 'denied', { reason: 'needs a system-wide role', filter: request });
        throw markAudited(new DomainError(AuthErrorCode.Forbidden, `Reading the ${service} audit chain needs a system-wide role`));
      }
      await this.record(caller, 'audit.read', 'success', { filter: request, scoped: !scope.isEverywhere });
      if (scope.isEverywhere) return this.audit.query(request);
      // Only records filed under a unit; the unit id is checked before the cast, whatever a record holds.
      return this.audit.query(request, (params) =>
        `(object->>'unitScope') ~ '${UUID.source}' AND ${scope.sqlEver(`(object->>'unitScope')::uuid`, params)}`,
      );
    }

    @HandlesAuditRoute(routes.verify)
    async verify(request: AuditVerifyRequest, { caller }: RouteCall<AuditScope | null>) {
      const denied = scopeFor(caller, routes.verify.permission) !== null;
      await this.record(
        caller,
        'audit.verify',
        denied ? 'denied' : 'success',
        denied ? { reason: 'needs a system-wide role' } : { expectedHeadSeq: request.expectedHeadSeq ?? null },
      );
      if (denied) throw markAudited(new DomainError(AuthErrorCode.Forbidden, 'Verifying the whole audit chain needs a system-wide role'));
      const expectedHead =
        request.expectedHeadSeq && request.expectedHeadHash ? { seq: request.expectedHeadSeq, hash: request.expectedHeadHash } : undefined;
      return { service, ...(await this.audit.verify({ expectedHead })), head: await this.audit.head() };
    }
  }
  return AuditController;
}
