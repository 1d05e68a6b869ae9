import type { AnyRoute, ClientBusContract, EventConsumerContract, ServiceBusContract } from '@contracts/common';
import { ORG_BUS, ORG_EVENTS_STREAM, ORG_ROUTES } from '@contracts/org-structure';

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

/** The gateway moves role assignments to the successors of merged and split units (org-structure's events). */
export const GATEWAY_ROLE_SCOPES_CONSUMER: EventConsumerContract = {
  stream: ORG_EVENTS_STREAM,
  durable: 'gateway-role-scopes',
  filterSubject: 'org.events.unit.>',
};

export const GATEWAY_BUS: ClientBusContract = {
  process: 'gateway',
  consumers: [GATEWAY_ROLE_SCOPES_CONSUMER],
};
