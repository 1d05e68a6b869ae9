import type { ServiceErrorPayload } from '@contracts/common';

/** The service could not be reached: NATS is down or nobody listens on the subject. */
export class ServiceUnavailableError extends Error {
  constructor(readonly subject: string, reason: string) {
    super(`${subject}: ${reason}`);
    this.name = 'ServiceUnavailableError';
  }
}

/** The service was reached but did not answer in time. */
export class ServiceTimeoutError extends Error {
  constructor(readonly subject: string, readonly timeoutMs: number) {
    super(`${subject}: no answer within ${timeoutMs} ms`);
    this.name = 'ServiceTimeoutError';
  }
}

/** The service answered with a typed error. */
export class ServiceReplyError extends Error {
  constructor(readonly subject: string, readonly payload: ServiceErrorPayload) {
    super(`${subject}: ${payload.code}: ${payload.message}`);
    this.name = 'ServiceReplyError';
  }
}
