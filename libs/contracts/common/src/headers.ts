/** Headers carried on every NATS message between the gateway and the services. */
export const MessageHeader = {
  requestId: 'x-request-id',
} as const;

/** HTTP header a client may send to correlate its request; echoed on every response. */
export const HTTP_REQUEST_ID_HEADER = 'x-request-id';
