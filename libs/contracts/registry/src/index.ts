import type { AnyRoute, ClientBusContract, ServiceBusContract } from '@contracts/common';
import { IDENTITY_BUS, IdentityEventSubject } from '@contracts/identity';
import { ORG_BUS, ORG_ROUTES } from '@contracts/org-structure';

/** A service of the platform as whatever runs it needs to know it. */
export interface PlatformService {
  /** Its place on the bus: name (NATS user, queue group, process name), subjects, stream. */
  bus: ServiceBusContract;
  /** Where it lives: `apps/<app>`, built to `apps/<app>/dist/main.js` and `cli.js`, with `apps/<app>/Dockerfile`. */
  app: string;
  /** Its own database role and schema (the role's name is also its DATABASE_URL's user). */
  database: { role: string; schema: string };
}

/**
 * The platform's services, one entry each: read by `npm start`, the end-to-end harness, the gateway (readiness,
 * audit routes, which service answers a subject), the deployment files' generator and the check that
 * docker-compose.yml and the Dockerfiles match it. A service exists for the platform when it is listed here.
 */
export const PLATFORM_SERVICES: readonly PlatformService[] = [
  { bus: IDENTITY_BUS, app: 'identity', database: { role: 'identity', schema: 'identity' } },
  { bus: ORG_BUS, app: 'org-structure', database: { role: 'org_structure', schema: 'org_structure' } },
];

/** What each service does on the bus, for NATS permissions. */
export const PLATFORM_SERVICE_BUSES: readonly ServiceBusContract[] = PLATFORM_SERVICES.map((service) => service.bus);

/** The names of the services (their processes, queue groups, audit chains). */
export const PLATFORM_SERVICE_NAMES: readonly string[] = PLATFORM_SERVICES.map((service) => service.bus.service);

/**
 * The routes of every service that the gateway serves by forwarding them. Each service also answers the audit
 * routes of `auditRoutes(service)`, which the gateway's own audit routes reach.
 */
export const SERVICE_ROUTES: readonly AnyRoute[] = Object.values(ORG_ROUTES);

/**
 * The gateway sends requests to every service and reads no stream: it hears identity's events only to forget the
 * callers it cached (a missed one costs at most IDENTITY_CACHE_SECONDS).
 */
export const GATEWAY_BUS: ClientBusContract = {
  process: 'gateway',
  consumers: [],
  listens: [IdentityEventSubject.callersChanged],
};
