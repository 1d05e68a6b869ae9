import { isLevelAllowedUnder } from './levels';

describe('level order (ORG-1)', () => {
  it('allows a commune directly under a province (the two-level local government since 2025-07-01)', () => {
    expect(isLevelAllowedUnder('commune', 'province')).toBe(true);
  });
  it('allows a committee organ at its committee\'s own level', () => {
    expect(isLevelAllowedUnder('province', 'province')).toBe(true);
  });
  it('refuses a province under a commune', () => {
    expect(isLevelAllowedUnder('province', 'commune')).toBe(false);
  });
});
