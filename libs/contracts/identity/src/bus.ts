import type { EventConsumerContract, ServiceBusContract } from '@contracts/common';
import { orgUnitEventsConsumer } from '@contracts/org-structure';
import { IDENTITY_EVENTS_STREAM, IDENTITY_EVENTS_SUBJECTS } from './events';
import { IDENTITY_SERVICE } from './subjects';

/** Role assignments follow the successors of merged and split units: identity reads org-structure's unit events. */
export const IDENTITY_ROLE_SCOPES_CONSUMER: EventConsumerContract = orgUnitEventsConsumer('identity-role-scopes');

/** What identity answers, publishes and reads; its NATS permissions are derived from this. */
export const IDENTITY_BUS: ServiceBusContract = {
  service: IDENTITY_SERVICE,
  requests: ['identity.v1.>'],
  stream: { name: IDENTITY_EVENTS_STREAM, subjects: [IDENTITY_EVENTS_SUBJECTS] },
  consumers: [IDENTITY_ROLE_SCOPES_CONSUMER],
};
