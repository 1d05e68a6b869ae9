import { clearanceAtLeast, hasPermission, Permission, roleRequiresSecondFactor, scopeFor, type CallerIdentity } from './access';

const caller = (roles: CallerIdentity['roles']): CallerIdentity => ({ userId: 'u', username: 'u', roles, clearance: 'none', clientAddress: null });

describe('permissions × scope', () => {
  it('collects the units over which a permission is held', () => {
    const c = caller([
      { role: 'organisation-board', unitId: 'a' },
      { role: 'records-clerk', unitId: 'b' },
    ]);
    expect(scopeFor(c, Permission.OrgUnitRead)).toEqual(['a', 'b']);
    expect(scopeFor(c, Permission.OrgUnitRestructure)).toEqual(['a']);
    expect(scopeFor(c, Permission.AdminUserManage)).toEqual([]);
    expect(hasPermission(c, Permission.AdminUserManage)).toBe(false);
  });

  it('treats a role without a unit as the whole system', () => {
    expect(scopeFor(caller([{ role: 'records-clerk', unitId: null }]), Permission.OrgUnitRead)).toBeNull();
  });

  it('asks a second factor of roles that administer users or restructure units', () => {
    expect(roleRequiresSecondFactor('administrator')).toBe(true);
    expect(roleRequiresSecondFactor('organisation-board')).toBe(true);
    expect(roleRequiresSecondFactor('records-clerk')).toBe(false);
  });

  it('orders clearances none < Mật < Tối mật < Tuyệt mật (DOC-8)', () => {
    expect(clearanceAtLeast('toi_mat', 'mat')).toBe(true);
    expect(clearanceAtLeast('mat', 'tuyet_mat')).toBe(false);
    expect(clearanceAtLeast('none', 'none')).toBe(true);
  });
});
