export interface AuditActor {
  userId: string | null;
  username: string | null;
  roles: string[];
  clientAddress: string | null;
}

/** One refusal worth a record: who, what, on which object. */
export interface AuditEvent {
  action: string;
  outcome: 'denied';
  actor: AuditActor;
  object: { type: string | null; id: string | null; unitScope: string | null };
  requestId: string | null;
  details?: Record<string, unknown>;
}

/** Where the gateway's own refusals go: identity's chain (the gateway keeps no database). */
export interface AuditTrail {
  record(event: AuditEvent): Promise<void>;
}
