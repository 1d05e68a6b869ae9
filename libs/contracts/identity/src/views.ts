import type { Clearance, Permission, RoleDefinition, RoleName, ScopedRole } from '@contracts/common';

/** A session identity started or continued: the gateway signs the access token for it. */
export interface SessionGrant {
  userId: string;
  sessionId: string;
  refreshToken: string;
  refreshExpiresIn: number;
}

/** Who a token stands for, without the client address (the gateway adds the request's). */
export interface ResolvedCaller {
  caller: { userId: string; username: string; roles: ScopedRole[]; clearance: Clearance };
  sessionId: string | null;
}

export interface MeView {
  id: string;
  username: string;
  displayName: string | null;
  roles: ScopedRole[];
  permissions: Permission[];
  clearance: Clearance;
  secondFactor: boolean;
}

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  clearance: Clearance;
  status: 'active' | 'disabled';
  secondFactor: boolean;
  externalIdentity: { issuer: string | null; subject: string } | null;
}

export interface AssignmentView {
  id: string;
  role: RoleName;
  unitId: string | null;
  validFrom: string;
  validTo: string | null;
  reason: string | null;
}

export interface UserDetailView extends UserView {
  assignments: AssignmentView[];
}

export interface RoleListView {
  items: Array<{ name: RoleName } & RoleDefinition>;
}

export interface AssignedRoleView {
  id: string;
  userId: string;
  role: RoleName;
  unitId: string | null;
  validFrom: string;
  validTo: null;
}
