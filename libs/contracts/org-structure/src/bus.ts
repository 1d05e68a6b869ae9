import type { ServiceBusContract } from '@contracts/common';
import { ORG_EVENTS_STREAM, ORG_EVENTS_SUBJECTS } from './events';
import { ORG_SERVICE } from './subjects';

/** What org-structure answers and publishes; its NATS permissions are derived from this. */
export const ORG_BUS: ServiceBusContract = {
  service: ORG_SERVICE,
  requests: ['org.v1.>'],
  stream: { name: ORG_EVENTS_STREAM, subjects: [ORG_EVENTS_SUBJECTS] },
};
