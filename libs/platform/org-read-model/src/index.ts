import { DurableEventConsumer, type DurableEventConsumerOptions } from '@platform/event-consumer';
import { orgReadModelHandler } from './apply-org-event';

export { orgReadModelHandler, pathToLtree, ltreeToPath } from './apply-org-event';
export * from './org-read-model';
export * from './read-model-sql';

/**
 * The durable consumer that keeps the read model in `schema`: give it the service's `orgUnitEventsConsumer(…)`
 * contract. An empty model fills itself from the start of the stream (see README).
 */
export function createOrgReadModelConsumer(options: Omit<DurableEventConsumerOptions, 'handler'>): DurableEventConsumer {
  return new DurableEventConsumer({ ...options, handler: orgReadModelHandler(options.schema) });
}
