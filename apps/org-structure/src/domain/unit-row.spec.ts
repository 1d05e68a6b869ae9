import { formerNames, type UnitVersionRow } from './unit-row';

const state = (name: string, validFrom: string, validTo: string | null, path = 'a'): UnitVersionRow => ({
  id: validFrom,
  unit_id: 'u',
  code: 'C',
  name,
  short_name: null,
  kind: 'party_committee',
  level: 'province',
  block: 'party',
  parent_id: null,
  path,
  valid_from: validFrom,
  valid_to: validTo,
});

describe('former names (ORG-2)', () => {
  it('lists earlier names with the dates they were used, merging states that only moved', () => {
    const history = [
      state('Ban Tuyên giáo', '2010-01-01', '2015-01-01'),
      state('Ban Tuyên giáo', '2015-01-01', '2025-03-01', 'b.a'),
      state('Ban Tuyên giáo và Dân vận', '2025-03-01', null),
    ];
    expect(formerNames(history, '2025-03-01')).toEqual([
      { name: 'Ban Tuyên giáo', shortName: null, validFrom: '2010-01-01', validTo: '2025-03-01' },
    ]);
  });

  it('does not call the current name former when the last change was a move', () => {
    const history = [state('Tỉnh ủy A', '2010-01-01', '2025-07-01'), state('Tỉnh ủy A', '2025-07-01', null, 'b.a')];
    expect(formerNames(history, '2025-07-01')).toEqual([]);
  });
});
