/**
 * What a service offers on the message bus. Every process's NATS permissions are derived from these statements
 * (ARCHITECTURE decision 5): a service answers only its own request subjects and publishes events only on its own
 * stream; the gateway may send requests to every service and read the streams it consumes.
 */
export interface ServiceBusContract {
  /** The service's name: its NATS user, its queue group, its health and audit subjects. */
  service: string;
  /** Request-reply subjects it answers, as NATS wildcards (e.g. `org.v1.>`). */
  requests: readonly string[];
  /** Its JetStream stream, or null when it publishes no events. */
  stream: { name: string; subjects: readonly string[] } | null;
  /** Durable consumers it reads other services' events with (e.g. to keep a read model of their data). */
  consumers?: readonly EventConsumerContract[];
}

/** A durable JetStream consumer one process reads another's events with. */
export interface EventConsumerContract {
  stream: string;
  durable: string;
  /** The subjects it reads from the stream. */
  filterSubject: string;
}

/** A process of the platform that only sends requests and reads events (the gateway). */
export interface ClientBusContract {
  process: string;
  consumers: readonly EventConsumerContract[];
  /**
   * Event subjects it hears as they are published, without a durable consumer: for what it may miss while it is
   * disconnected (a cache it would refresh anyway), never for what it must act on.
   */
  listens?: readonly string[];
}

/** NATS subject matching: `*` is one token, a final `>` one or more. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const want = pattern.split('.');
  const got = subject.split('.');
  for (let i = 0; i < want.length; i++) {
    if (want[i] === '>') return i === want.length - 1 && got.length > i;
    if (i >= got.length || (want[i] !== '*' && want[i] !== got[i])) return false;
  }
  return want.length === got.length;
}

/** The service that answers a request subject (its own requests, or its health and audit subjects). */
export function serviceAnswering(services: readonly ServiceBusContract[], subject: string): string | null {
  for (const contract of services) {
    const own = [...contract.requests, `health.v1.${contract.service}`, `audit.v1.${contract.service}.>`];
    if (own.some((pattern) => subjectMatches(pattern, subject))) return contract.service;
  }
  return null;
}
