/**
 * Permissions, roles and clearances as data (ARCHITECTURE decision 5): one place, read by the gateway to decide
 * and by every service to enforce. A permission names one action; a role bundles permissions; an assignment gives
 * a role to a user over a unit's subtree (or the whole system).
 */
export const Permission = {
  OrgUnitRead: 'org.unit.read',
  /** Create units, posts, quotas, reduction targets, terms and leadership links. */
  OrgUnitWrite: 'org.unit.write',
  /** Restructure units and bulk-import trees. */
  OrgUnitRestructure: 'org.unit.restructure',
  AdminUserManage: 'admin.user.manage',
  AuditRead: 'audit.read',
} as const;
export type Permission = (typeof Permission)[keyof typeof Permission];
export const ALL_PERMISSIONS = Object.values(Permission);

export const ROLE_NAMES = ['administrator', 'organisation-board', 'records-clerk', 'inspector', 'auditor'] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

export interface RoleDefinition {
  description: string;
  permissions: readonly Permission[];
}

export const ROLES: Record<RoleName, RoleDefinition> = {
  administrator: {
    description: 'Manages users, roles and clearances; reads and changes everything in scope',
    permissions: ALL_PERMISSIONS,
  },
  'organisation-board': {
    description: 'Ban Tổ chức: reads, maintains and restructures the organisation structure in scope',
    permissions: [Permission.OrgUnitRead, Permission.OrgUnitWrite, Permission.OrgUnitRestructure],
  },
  'records-clerk': {
    description: 'Văn thư: reads the organisation structure in scope',
    permissions: [Permission.OrgUnitRead],
  },
  inspector: {
    description: 'Ủy ban Kiểm tra: reads the organisation structure in scope (cases arrive with the inspection service)',
    permissions: [Permission.OrgUnitRead],
  },
  auditor: {
    description: 'Reads and verifies the audit trail',
    permissions: [Permission.AuditRead, Permission.OrgUnitRead],
  },
};

/** Permissions so powerful that a role holding any of them must log in with a second factor. */
export const SECOND_FACTOR_PERMISSIONS: readonly Permission[] = [Permission.AdminUserManage, Permission.OrgUnitRestructure];

export function roleRequiresSecondFactor(role: RoleName): boolean {
  return ROLES[role].permissions.some((permission) => SECOND_FACTOR_PERMISSIONS.includes(permission));
}

/** CAD-1, DOC-8: none < Mật < Tối mật < Tuyệt mật. */
export const CLEARANCE_LEVELS = ['none', 'mat', 'toi_mat', 'tuyet_mat'] as const;
export type Clearance = (typeof CLEARANCE_LEVELS)[number];

export function clearanceAtLeast(held: Clearance, required: Clearance): boolean {
  return CLEARANCE_LEVELS.indexOf(held) >= CLEARANCE_LEVELS.indexOf(required);
}

/** A role held over a unit's subtree; `unitId` null means the whole system. */
export interface ScopedRole {
  role: RoleName;
  unitId: string | null;
}

/**
 * Who is calling, as the gateway forwards it to services in the `x-caller` header: a short-lived JWT signed by
 * the gateway whose claims are this object. Services verify the signature and refuse messages without it.
 */
export interface CallerIdentity {
  userId: string;
  username: string;
  roles: ScopedRole[];
  clearance: Clearance;
  clientAddress: string | null;
}

export const CALLER_HEADER = 'x-caller';
export const CALLER_TOKEN_AUDIENCE = 'platform-services';

/** The units over whose subtrees the caller holds `permission`; null means everywhere. */
export function scopeFor(caller: CallerIdentity, permission: Permission): string[] | null {
  const units: string[] = [];
  for (const { role, unitId } of caller.roles) {
    if (!ROLES[role]?.permissions.includes(permission)) continue;
    if (unitId === null) return null;
    units.push(unitId);
  }
  return units;
}

export function hasPermission(caller: CallerIdentity, permission: Permission): boolean {
  const scope = scopeFor(caller, permission);
  return scope === null || scope.length > 0;
}
