import type { IsoDate } from './dates';

/**
 * What every event a service publishes carries (ARCHITECTURE decision 3); `eventId` is also the JetStream
 * `Nats-Msg-Id`, so a republished event is dropped as a duplicate, and consumers key their inbox by it.
 */
export interface EventEnvelope<Type extends string, Data> {
  eventId: string;
  /** The subject it is published on. */
  type: Type;
  /** When the change was recorded, ISO 8601 with offset. */
  occurredAt: string;
  /** The date the change takes effect (history is data: it may lie in the past or the future). */
  effectiveDate: IsoDate;
  /** The decision that ordered the change, where one did. */
  decisionRef: string | null;
  data: Data;
}
