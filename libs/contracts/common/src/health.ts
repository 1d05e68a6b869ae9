import { z } from 'zod';

/** Every service answers `health.v1.<service>` so the gateway's readiness can ask it. */
export function healthSubject(service: string): string {
  return `health.v1.${service}`;
}

export const healthReply = z.object({
  service: z.string(),
  status: z.enum(['ok', 'degraded']),
  checks: z.record(z.string(), z.enum(['ok', 'down'])),
});
export type HealthReply = z.infer<typeof healthReply>;
