import { z } from 'zod';
import { isoInstant } from './dates';
import { Permission } from './access';
import { AuthErrorCode } from './errors';
import { MAX_PAGE_SIZE, pageOf } from './pagination';
import { defineRoute } from './routes';

/** Every service keeps its own audit chain and answers these subjects for the gateway's audit routes. */
export function auditSubjects(service: string) {
  return { events: `audit.v1.${service}.events`, verify: `audit.v1.${service}.verify` } as const;
}

export const auditEventsRequest = z.object({
  actor: z.uuid().optional().meta({ description: 'The acting user id' }),
  action: z.string().trim().min(1).max(200).regex(/^[\w.:/-]+$/).optional(),
  objectId: z.string().trim().min(1).max(200).regex(/^[\w.:/-]+$/).optional(),
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
});
export type AuditEventsRequest = z.infer<typeof auditEventsRequest>;

export const auditVerifyRequest = z.object({
  expectedHeadSeq: z.string().regex(/^\d{1,18}$/).optional(),
  expectedHeadHash: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});
export type AuditVerifyRequest = z.infer<typeof auditVerifyRequest>;

const auditActor = z.object({
  userId: z.uuid().nullable(),
  username: z.string().nullable(),
  roles: z.array(z.string()),
  clientAddress: z.string().nullable(),
});

/** One record of a chain, as the audit routes answer it. */
export const auditRecordView = z.object({
  id: z.uuid(),
  seq: z.string().meta({ description: "Position in the chain, 1, 2, 3 … without gaps (a bigint, as a decimal string)" }),
  occurredAt: z.iso.datetime({ offset: true }),
  actor: auditActor,
  action: z.string(),
  object: z.object({ type: z.string().nullable(), id: z.string().nullable(), unitScope: z.string().nullable() }),
  outcome: z.enum(['success', 'denied', 'failure']),
  requestId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditRecordView = z.infer<typeof auditRecordView>;

export const auditRecordPage = pageOf(auditRecordView);
export type AuditRecordPage = z.infer<typeof auditRecordPage>;

/** One chain recomputed: every problem found, and its head to export and keep outside the system. */
export const auditChainVerification = z.object({
  service: z.string(),
  ok: z.boolean(),
  count: z.number().int().min(0),
  head: z.object({ seq: z.string(), hash: z.string(), occurredAt: z.iso.datetime({ offset: true }) }).nullable(),
  problems: z.array(
    z.object({
      seq: z.string(),
      problem: z.enum(['hash-mismatch', 'broken-link', 'gap', 'out-of-order', 'truncated', 'unkeyed']),
      detail: z.string(),
    }),
  ),
  problemsTruncated: z.boolean(),
});
export type AuditChainVerification = z.infer<typeof auditChainVerification>;

export const AUDIT_TAG = 'audit';

/**
 * The audit routes every service answers on its own chain. The gateway's `/api/v1/audit/…` routes reach them (and
 * serve the gateway's own chain, and verify every chain at once), so they share those routes' method and path.
 */
export function auditRoutes(service: string) {
  const subjects = auditSubjects(service);
  return {
    events: defineRoute({
      operationId: 'auditEvents',
      summary: "Audit records of one chain, newest first; a scoped auditor sees the records of units in scope; reading is audited",
      tag: AUDIT_TAG,
      method: 'GET',
      path: '/api/v1/audit/events',
      input: 'query',
      subject: subjects.events,
      request: auditEventsRequest,
      response: auditRecordPage,
      permission: Permission.AuditRead,
      errors: [],
    }),
    verify: defineRoute({
      operationId: 'verifyAudit',
      summary: 'Recompute the chain: any modified, deleted, reordered or unkeyed record is reported (needs a system-wide role)',
      tag: AUDIT_TAG,
      method: 'GET',
      path: '/api/v1/audit/verify',
      input: 'query',
      subject: subjects.verify,
      request: auditVerifyRequest,
      response: auditChainVerification,
      permission: Permission.AuditRead,
      errors: [AuthErrorCode.Forbidden],
    }),
  } as const;
}
