import { MessageHeader } from '@contracts/common';
import { headers as natsHeaders, type Msg } from '@nats-io/transport-node';
import { currentRequestId } from '@platform/logging';
import { throwError } from 'rxjs';
import { handledMessages, messageBodyOf, PlatformNatsServer } from './rpc-server';

describe('PlatformNatsServer', () => {
  const server = new PlatformNatsServer({ servers: ['nats://127.0.0.1:1'] });
  const byPlainSubject = jest.fn();
  const byObjectPattern = jest.fn();
  server.addHandler('org.unit.get', byPlainSubject);
  server.addHandler({ cmd: 'org.unit.get', version: 2 }, byObjectPattern);

  it('finds the handler of a plain subject without parsing it as JSON', () => {
    const parse = jest.spyOn(JSON, 'parse');
    expect(server.getHandlerByPattern('org.unit.get')).toBe(byPlainSubject);
    expect(parse).not.toHaveBeenCalled();
    parse.mockRestore();
  });

  it('still finds a handler registered with an object pattern, sent as JSON', () => {
    expect(server.getHandlerByPattern('{"cmd":"org.unit.get","version":2}')).toBe(byObjectPattern);
  });

  it('answers no handler for an unknown subject', () => {
    expect(server.getHandlerByPattern('org.unit.unknown')).toBeNull();
  });
});

describe('PlatformNatsServer handling a request', () => {
  function message(subject: string, body: unknown, requestId?: string) {
    const data = new TextEncoder().encode(JSON.stringify(body));
    const headers = natsHeaders();
    if (requestId) headers.set(MessageHeader.requestId, requestId);
    const respond = jest.fn(() => true);
    const msg = { subject, data, headers, reply: '_INBOX_gateway.x.1', respond, json: () => JSON.parse(new TextDecoder().decode(data)) };
    return { msg: msg as unknown as Msg, respond, data };
  }
  const replyOf = (respond: jest.Mock) => JSON.parse(respond.mock.calls[0][0] as string);
  // Replies leave at the end of the event loop's turn.
  const endOfTurn = () => new Promise((resolve) => setImmediate(resolve));

  it('answers a plain result in the wire format NatsRpcClient reads, inside the request id of the message', async () => {
    const server = new PlatformNatsServer({ servers: ['nats://127.0.0.1:1'] });
    const seen: Array<{ requestId?: string; body: Uint8Array; data: unknown }> = [];
    server.addHandler('org.unit.get', async (data: unknown, context) => {
      seen.push({ requestId: currentRequestId(), body: messageBodyOf(context), data });
      await Promise.resolve();
      return { id: 'u-1', requestId: currentRequestId() };
    });
    const before = handledMessages.get('org.unit.get') ?? 0;
    const { msg, respond, data } = message('org.unit.get', { pattern: 'org.unit.get', data: { id: 'u-1' }, id: 'm-1' }, 'req-7');
    await server.handleMessage('org.unit.get', msg);
    await endOfTurn();
    expect(seen).toEqual([{ requestId: 'req-7', body: data, data: { id: 'u-1' } }]);
    expect(respond).toHaveBeenCalledTimes(1);
    expect(replyOf(respond)).toEqual({ response: { id: 'u-1', requestId: 'req-7' }, isDisposed: true, id: 'm-1' });
    expect(handledMessages.get('org.unit.get')).toBe(before + 1);
  });

  it('makes a request id for a message without one', async () => {
    const server = new PlatformNatsServer({ servers: ['nats://127.0.0.1:1'] });
    server.addHandler('org.unit.get', async () => currentRequestId());
    const { msg, respond } = message('org.unit.get', { pattern: 'org.unit.get', data: {}, id: 'm-2' });
    await server.handleMessage('org.unit.get', msg);
    await endOfTurn();
    expect(replyOf(respond).response).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers a failure (an Observable from the exception filter) as err, the way Nest does', async () => {
    const server = new PlatformNatsServer({ servers: ['nats://127.0.0.1:1'] });
    server.addHandler('org.unit.get', async () => throwError(() => ({ code: 'NOT_FOUND', message: 'no such unit' })));
    const { msg, respond } = message('org.unit.get', { pattern: 'org.unit.get', data: {}, id: 'm-3' });
    await server.handleMessage('org.unit.get', msg);
    await endOfTurn();
    expect(replyOf(respond)).toEqual({ err: { code: 'NOT_FOUND', message: 'no such unit' }, isDisposed: true, id: 'm-3' });
  });

  it('sends the replies of one event-loop turn together, each to its own requester', async () => {
    const server = new PlatformNatsServer({ servers: ['nats://127.0.0.1:1'] });
    server.addHandler('org.unit.get', async (data: { n: number }) => data.n);
    const messages = [1, 2, 3].map((n) => message('org.unit.get', { pattern: 'org.unit.get', data: { n }, id: `m-${n}` }));
    await Promise.all(messages.map(({ msg }) => server.handleMessage('org.unit.get', msg)));
    expect(messages.every(({ respond }) => respond.mock.calls.length === 0)).toBe(true);
    await endOfTurn();
    expect(messages.map(({ respond }) => replyOf(respond))).toEqual([1, 2, 3].map((n) => ({ response: n, isDisposed: true, id: `m-${n}` })));
  });

  it('answers a subject without a handler as Nest does', async () => {
    const server = new PlatformNatsServer({ servers: ['nats://127.0.0.1:1'] });
    const { msg, respond } = message('org.unit.gone', { pattern: 'org.unit.gone', data: {}, id: 'm-4' });
    await server.handleMessage('org.unit.gone', msg);
    expect(replyOf(respond)).toMatchObject({ id: 'm-4', status: 'error', err: expect.stringContaining('no matching message handler') });
  });
});
