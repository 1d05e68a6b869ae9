import { auditEventsRequest, auditSubjects, auditVerifyRequest, AuthErrorCode, DomainError, Permission, scopeFor, type CallerIdentity } from '@contracts/common';
import { Controller, Inject, Optional, type Type } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AuditLog } from '@platform/audit';
import { Caller, RequiresPermission } from '@platform/auth';
import { currentRequestId } from '@platform/logging';
import { parsePayload } from '@platform/nats';
import { markAudited } from './unit-of-work';

/**
 * How a service reads its audit records for an auditor scoped to units: a SQL condition on the unit id a record
 * is filed under (`object->>'unitScope'`), true for records of units that ever lay in the caller's scope.
 */
export interface AuditScope {
  isEverywhere: boolean;
  sqlEver(unitIdSql: string, params: unknown[]): string;
}

/** Provided by a service whose records are filed under units; without it only system-wide auditors read them. */
export const AUDIT_SCOPE = Symbol('AUDIT_SCOPE');
export interface AuditScopeProvider {
  of(caller: CallerIdentity): Promise<AuditScope>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const actorOf = (caller: CallerIdentity) => ({
  userId: caller.userId,
  username: caller.username,
  roles: caller.roles.map((r) => r.role),
  clientAddress: caller.clientAddress,
});

/**
 * The service's own audit chain, read and verified for the gateway's audit routes. An auditor over a unit reads the
 * records filed under units that lay in their scope (when the service can tell); verifying the whole chain needs a
 * system-wide role. Reading and verifying are themselves on record.
 */
export function auditController(service: string): Type {
  const subjects = auditSubjects(service);

  @Controller()
  class AuditController {
    constructor(
      @Inject(AuditLog) private readonly audit: AuditLog,
      @Optional() @Inject(AUDIT_SCOPE) private readonly scopes: AuditScopeProvider | null,
    ) {}

    private async scopeOf(caller: CallerIdentity): Promise<AuditScope | null> {
      if (scopeFor(caller, Permission.AuditRead) === null) return { isEverywhere: true, sqlEver: () => 'true' };
      return this.scopes ? this.scopes.of(caller) : null;
    }

    private async record(caller: CallerIdentity, action: string, outcome: 'success' | 'denied', details: Record<string, unknown>) {
      await this.audit.append({
        actor: actorOf(caller),
        action,
        outcome,
        object: { type: 'audit-chain', id: service, unitScope: null },
        requestId: currentRequestId() ?? null,
        details,
      });
    }

    @MessagePattern(subjects.events)
    @RequiresPermission(Permission.AuditRead)
    async events(@Payload() data: unknown, @Caller() caller: CallerIdentity) {
      const request = parsePayload(auditEventsRequest, data);
      const scope = await this.scopeOf(caller);
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

    @MessagePattern(subjects.verify)
    @RequiresPermission(Permission.AuditRead)
    async verify(@Payload() data: unknown, @Caller() caller: CallerIdentity) {
      const request = parsePayload(auditVerifyRequest, data);
      const denied = scopeFor(caller, Permission.AuditRead) !== null;
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
