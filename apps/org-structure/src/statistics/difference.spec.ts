import { difference } from './statistics-queries';

describe('statistics change between two dates (ORG-8)', () => {
  it('subtracts per bucket, counting buckets present on one side only', () => {
    const before = { total: 3, byLevel: { district: 1, commune: 2 }, byKind: { party_committee: 3 }, byBlock: { party: 3 } };
    const after = { total: 2, byLevel: { commune: 2 }, byKind: { party_committee: 2 }, byBlock: { party: 2 } };
    expect(difference(before, after)).toEqual({
      total: -1,
      byLevel: { commune: 0, district: -1 },
      byKind: { party_committee: -1 },
      byBlock: { party: -1 },
    });
  });
});
