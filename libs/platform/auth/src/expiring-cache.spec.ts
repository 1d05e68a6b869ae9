import { ExpiringCache } from './expiring-cache';

describe('ExpiringCache', () => {
  it('forgets entries when they expire', () => {
    let now = 1_000;
    const cache = new ExpiringCache<string>(10, () => now);
    cache.set('a', 'x', 500);
    expect(cache.get('a')).toBe('x');
    now = 1_500;
    expect(cache.get('a')).toBeUndefined();
  });

  it('drops the oldest entry when full', () => {
    const cache = new ExpiringCache<number>(2);
    cache.set('a', 1, 10_000);
    cache.set('b', 2, 10_000);
    cache.set('c', 3, 10_000);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, 2, 3]);
  });
});
