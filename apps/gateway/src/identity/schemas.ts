import { CLEARANCE_LEVELS, isoDate, NO_NUL, ROLE_NAMES } from '@contracts/common';
import { z } from 'zod';
import { PASSWORD_MAX_LENGTH } from './password-policy';

/* HTTP payloads of authentication and administration; they never cross NATS, so they live with the gateway. */

const username = z
  .string()
  .trim()
  .min(3)
  .max(64)
  .regex(/^[\p{L}\p{N}._@-]+$/u, 'letters, digits and . _ @ - only');
// Length rules are checked by the password policy, which names them; this only bounds the input.
const password = z.string().min(1).max(PASSWORD_MAX_LENGTH * 4).regex(NO_NUL, 'must not contain NUL characters');
const totpCode = z.string().regex(/^\d{6}$/, 'six digits');

export const loginRequest = z.strictObject({ username: z.string().min(1).max(200), password, totp: totpCode.optional() });
export const refreshRequest = z.strictObject({ refreshToken: z.string().min(20).max(200) });
export const totpEnrolRequest = z.strictObject({ username: z.string().min(1).max(200), password });
export const totpConfirmRequest = totpEnrolRequest.extend({ code: totpCode });

export const createUserRequest = z.strictObject({
  username,
  displayName: z.string().trim().min(1).max(200).regex(NO_NUL),
  password: password.optional().meta({ description: 'Omit for users who log in only through the identity provider' }),
  clearance: z.enum(CLEARANCE_LEVELS).default('none'),
});
export const updateUserRequest = z.strictObject({
  displayName: z.string().trim().min(1).max(200).regex(NO_NUL).optional(),
  password: password.optional(),
  clearance: z.enum(CLEARANCE_LEVELS).optional(),
  status: z.enum(['active', 'disabled']).optional(),
});
export const assignRoleRequest = z.strictObject({
  role: z.enum(ROLE_NAMES),
  unitId: z.uuid().nullable().meta({ description: 'The unit whose subtree the role covers; null for the whole system' }),
  validFrom: isoDate.optional(),
  reason: z.string().trim().min(1).max(500).regex(NO_NUL).optional(),
});
export const endAssignmentRequest = z.strictObject({ validTo: isoDate.optional() });
export const userIdParam = z.strictObject({ id: z.uuid() });
export const assignmentParams = z.strictObject({ id: z.uuid(), assignmentId: z.uuid() });
