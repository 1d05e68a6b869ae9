import type { AnyRoute, ClientBusContract, EventConsumerContract, ServiceBusContract } from '@contracts/common';
import { ORG_BUS, ORG_EVENTS_STREAM, ORG_ROUTES } from '@contracts/org-structure';

/**
 * The platform's processes and what each does on the bus: read by whatever runs them (`npm start`, the test
 * harnesses, the deployment files' generator) to give every process its own NATS credentials and permissions.
 */
export const PLATFORM_SERVICES: readonly ServiceBusContract[] = [ORG_BUS];

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
