import { PlatformNatsServer } from './rpc-server';

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
