/** Error codes of the identity service beside the access errors of contracts/common (AUTH_*). */
export const IdentityErrorCode = {
  /** The user named in the path does not exist. */
  UserNotFound: 'IDENTITY_USER_NOT_FOUND',
  /** The role assignment named in the path does not exist, or is already ended. */
  AssignmentNotFound: 'IDENTITY_ASSIGNMENT_NOT_FOUND',
} as const;
export type IdentityErrorCode = (typeof IdentityErrorCode)[keyof typeof IdentityErrorCode];
