import { requestIdFrom } from './request-id';

describe('request ids', () => {
  it('keeps a sane id sent by the client so its logs and ours correlate', () => {
    expect(requestIdFrom('client-42.abc:1')).toBe('client-42.abc:1');
  });

  it('replaces an unsafe or oversized id with a fresh UUID', () => {
    expect(requestIdFrom('bad id\nInjected: yes')).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom('x'.repeat(200))).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom(undefined)).toMatch(/^[0-9a-f-]{36}$/);
  });
});
