import type { ErrorCatalogue } from '@contracts/common';

/** Error codes of the identity service beside the access errors of contracts/common (AUTH_*). */
export const IdentityErrorCode = {
  /** The user named in the path does not exist. */
  UserNotFound: 'IDENTITY_USER_NOT_FOUND',
  /** The role assignment named in the path does not exist, or is already ended. */
  AssignmentNotFound: 'IDENTITY_ASSIGNMENT_NOT_FOUND',
} as const;
export type IdentityErrorCode = (typeof IdentityErrorCode)[keyof typeof IdentityErrorCode];

export const IDENTITY_ERRORS = {
  [IdentityErrorCode.UserNotFound]: { status: 404, title: 'User not found' },
  [IdentityErrorCode.AssignmentNotFound]: { status: 404, title: 'Role assignment not found' },
} as const satisfies ErrorCatalogue<IdentityErrorCode>;

declare module '@contracts/common' {
  interface DeclaredErrorCatalogues {
    identity: typeof IDENTITY_ERRORS;
  }
}
