import { DomainError } from '@contracts/common';
import type { DataSource } from 'typeorm';
import { LoginThrottle, retryAfterSeconds, slowdownDelayMs, type ThrottleLimits } from './login-throttle';

const limits: ThrottleLimits = {
  perAccountAndAddress: 5,
  perAddress: 20,
  windowSeconds: 900,
  slowdownAfter: 5,
  slowdownDelayMs: 250,
  slowdownMaxDelayMs: 4_000,
};

describe('slowdownDelayMs', () => {
  it('waits nothing below the threshold, then doubles per failure up to the cap', () => {
    expect([0, 4, 5, 6, 7, 8, 9, 10, 1_000_000].map((failures) => slowdownDelayMs(failures, limits))).toEqual([
      0, 0, 250, 500, 1_000, 2_000, 4_000, 4_000, 4_000,
    ]);
  });
});

describe('retryAfterSeconds', () => {
  it('counts until the oldest failure leaves the window, at least one second', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    expect(retryAfterSeconds(new Date(now - 600_000), 900, now)).toBe(300);
    expect(retryAfterSeconds(new Date(now - 900_000), 900, now)).toBe(1);
  });
});

describe('LoginThrottle.admit', () => {
  const counted = (row: Record<string, unknown>) => {
    const waits: number[] = [];
    const db = { query: async () => [{ account_failures: 0, pair_failures: 0, address_failures: 0, pair_oldest: null, address_oldest: null, ...row }] };
    const throttle = new LoginThrottle(db as unknown as DataSource, limits, async (ms) => waits.push(ms));
    return { throttle, waits };
  };

  it('refuses a pair over its limit with a retry time', async () => {
    const { throttle } = counted({ account_failures: 5, pair_failures: 5, pair_oldest: new Date(Date.now() - 60_000) });
    const error = await throttle.admit('admin', '203.0.113.1').catch((e: DomainError) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('AUTH_THROTTLED');
    expect((error as DomainError).extra.details).toEqual({ retryAfterSeconds: 840 });
  });

  it('refuses an address over its limit whatever the account', async () => {
    const { throttle } = counted({ address_failures: 20, address_oldest: new Date() });
    await expect(throttle.admit('someone', '203.0.113.1')).rejects.toMatchObject({ code: 'AUTH_THROTTLED' });
  });

  it('only slows down an account failing from many addresses, never refuses it', async () => {
    const { throttle, waits } = counted({ account_failures: 40, pair_failures: 0 });
    await expect(throttle.admit('admin', '198.51.100.7')).resolves.toBeUndefined();
    expect(waits).toEqual([4_000]);
  });

  it('lets a quiet account through at once', async () => {
    const { throttle, waits } = counted({ account_failures: 2, pair_failures: 2 });
    await throttle.admit('admin', '198.51.100.7');
    expect(waits).toEqual([]);
  });
});
