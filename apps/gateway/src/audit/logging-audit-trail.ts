import type { Logger } from '@platform/logging';
import type { AuditEvent, AuditTrail } from './audit-trail';

/** Writes audit events to the JSON log; replaced by the hash-chained store. */
export class LoggingAuditTrail implements AuditTrail {
  constructor(private readonly logger: Logger) {}

  async record(event: AuditEvent): Promise<void> {
    this.logger.info({ audit: event }, event.action);
  }
}
