import type { EntityManager } from 'typeorm';

export interface AuditActor {
  userId: string | null;
  username: string | null;
  roles: string[];
  clientAddress: string | null;
}

/** One thing worth a record: who, what, on which object, with what outcome. */
export interface AuditEvent {
  action: string;
  outcome: 'success' | 'denied' | 'failure';
  actor: AuditActor;
  object: { type: string | null; id: string | null; unitScope: string | null };
  requestId: string | null;
  details?: Record<string, unknown>;
}

/** Where the gateway's audit records go; `manager` makes the record part of the caller's transaction. */
export interface AuditTrail {
  record(event: AuditEvent, manager?: EntityManager): Promise<void>;
}
