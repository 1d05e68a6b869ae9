import { AUTH_ERRORS, COMMON_ERRORS, type AnyRoute } from '@contracts/common';

/** Codes any route may answer: validation, access, and the failures of transport and dependencies. */
const EVERY_ROUTES_CODES = new Set<string>([...Object.keys(COMMON_ERRORS), ...Object.keys(AUTH_ERRORS)]);

/**
 * What is wrong with an answer to a route, checked against the route's statement: a success its response schema
 * does not describe (a field it does not declare included), or a service's error code the route does not declare.
 * Codes of the HTTP layer and of every route (validation, access, unavailability) are not the route's to declare.
 */
export function routeAnswerProblems(route: AnyRoute, answer: { ok: true; body: unknown } | { ok: false; code: string }, serviceCodes: ReadonlySet<string>): string[] {
  const name = `${route.operationId} (${route.subject})`;
  if (!answer.ok) {
    const declared = EVERY_ROUTES_CODES.has(answer.code) || !serviceCodes.has(answer.code) || (route.errors as readonly string[]).includes(answer.code);
    return declared ? [] : [`${name} answered ${answer.code}, which the route does not declare`];
  }
  const parsed = route.response.safeParse(answer.body);
  if (!parsed.success) {
    return parsed.error.issues.map((issue) => `${name} answered what its response schema does not allow at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  // The schema strips what it does not know: what it stripped is a field the route does not declare.
  const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
  return undeclared(json(answer.body), json(parsed.data)).map((path) => `${name} answered ${path}, which its response schema does not declare`);
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Paths present in `answered` and missing from `kept`. */
function undeclared(answered: unknown, kept: unknown, path: string[] = []): string[] {
  if (Array.isArray(answered) && Array.isArray(kept)) return answered.flatMap((item, index) => undeclared(item, kept[index], [...path, String(index)]));
  if (!isRecord(answered) || !isRecord(kept)) return [];
  return Object.keys(answered).flatMap((key) => (key in kept ? undeclared(answered[key], kept[key], [...path, key]) : [[...path, key].join('.')]));
}
