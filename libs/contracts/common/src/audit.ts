import { z } from 'zod';
import { isoInstant } from './dates';
import { MAX_PAGE_SIZE } from './pagination';

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
