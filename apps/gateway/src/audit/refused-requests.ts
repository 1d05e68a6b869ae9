import type { FastifyRequest } from 'fastify';
import type { HttpProblem } from '../http/problem';
import type { AuthenticatedRequest } from '../identity/access.guard';
import type { AuditTrail } from './audit-trail';

/** Requests whose refusal is already on record (by the access guard, or the route that refused it). */
const recorded = new WeakSet<object>();

export function markRefusalRecorded(request: FastifyRequest): void {
  recorded.add(request);
}

/**
 * A request refused at the gateway, on record once (identity's chain holds it): who asked, for which route, why.
 * The access guard records the refusals it makes itself; the problem filter's hook records every other 403.
 */
export async function recordRefusal(trail: AuditTrail, request: FastifyRequest, details: Record<string, unknown>): Promise<void> {
  if (recorded.has(request)) return;
  recorded.add(request);
  const caller = (request as AuthenticatedRequest).caller;
  await trail.record({
    action: `http.${request.method.toLowerCase()}`,
    outcome: 'denied',
    actor: {
      userId: caller?.userId ?? null,
      username: caller?.username ?? null,
      roles: caller?.roles.map((r) => r.role) ?? [],
      clientAddress: request.ip,
    },
    object: { type: 'route', id: request.routeOptions?.url ?? request.url.slice(0, 200), unitScope: null },
    requestId: String(request.id),
    details,
  });
}

/**
 * Every request refused with 403 is on record (security hardening, item 8), wherever the refusal came from: a
 * route's own check (administering users needs a system-wide role) or a service's answer.
 */
export function recordRefusedRequests(trail: AuditTrail) {
  return async (request: FastifyRequest, problem: HttpProblem): Promise<void> => {
    if (problem.status !== 403) return;
    await recordRefusal(trail, request, { reason: problem.code, detail: problem.detail?.slice(0, 300) ?? null });
  };
}
