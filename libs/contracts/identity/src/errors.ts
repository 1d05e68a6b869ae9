/** Error codes of identity (users, role assignments), served by the gateway until it has a service of its own. */
export const IdentityErrorCode = {
  /** The user named in the path does not exist. */
  UserNotFound: 'IDENTITY_USER_NOT_FOUND',
  /** The role assignment named in the path does not exist, is another user's, or has already ended. */
  AssignmentNotFound: 'IDENTITY_ASSIGNMENT_NOT_FOUND',
  /** The unit a role is given over does not exist, or is not alive on the day the role takes effect. */
  ReferencedUnitNotFound: 'IDENTITY_REFERENCED_UNIT_NOT_FOUND',
} as const;
export type IdentityErrorCode = (typeof IdentityErrorCode)[keyof typeof IdentityErrorCode];
