import type { AuditLog } from '@platform/audit';
import type { EntityManager } from 'typeorm';
import type { AuditEvent, AuditTrail } from './audit-trail';

/** The gateway's hash-chained audit trail (schema `identity`, table `audit_log`). */
export class DatabaseAuditTrail implements AuditTrail {
  constructor(private readonly log: AuditLog) {}

  async record(event: AuditEvent, manager?: EntityManager): Promise<void> {
    await this.log.append(event, manager);
  }
}
