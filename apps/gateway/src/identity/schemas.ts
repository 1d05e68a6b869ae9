import { CLEARANCE_LEVELS, freeText, hasControlOrBidiCharacters, isoDate, pageQuery, ROLE_NAMES, secretText, TextMessage, wellFormedString } from '@contracts/common';
import { z } from 'zod';
import { PASSWORD_MAX_LENGTH } from './password-policy';

/* HTTP payloads of authentication and administration; they never cross NATS, so they live with the gateway. */

const username = wellFormedString()
  .normalize('NFC')
  .trim()
  .min(3)
  .max(64)
  .regex(/^[\p{L}\p{N}._@-]+$/u, 'letters, digits and . _ @ - only');
/**
 * A username as typed at login: any account's name, so only bounded and refused when it could not be stored or
 * audited (a failed login is on record with the name tried). Composed like the names accounts are created with.
 */
const loginName = wellFormedString()
  .normalize('NFC')
  .min(1)
  .max(200)
  .refine((value) => !hasControlOrBidiCharacters(value), { message: TextMessage.controlOrBidi });
// Length rules are checked by the password policy, which names them; this only bounds the input.
const password = secretText(PASSWORD_MAX_LENGTH * 4);
const totpCode = z.string().regex(/^\d{6}$/, 'six digits');

export const loginRequest = z.strictObject({ username: loginName, password, totp: totpCode.optional() });
export const refreshRequest = z.strictObject({ refreshToken: z.string().min(20).max(200).regex(/^[A-Za-z0-9_-]+$/, 'not a refresh token') });
export const totpEnrolRequest = z.strictObject({ username: loginName, password });
export const totpConfirmRequest = totpEnrolRequest.extend({ code: totpCode });

export const listUsersRequest = pageQuery;
export const createUserRequest = z.strictObject({
  username,
  displayName: freeText(200),
  password: password.optional().meta({ description: 'Omit for users who log in only through the identity provider' }),
  clearance: z.enum(CLEARANCE_LEVELS).default('none'),
});
export const updateUserRequest = z.strictObject({
  displayName: freeText(200).optional(),
  password: password.optional(),
  clearance: z.enum(CLEARANCE_LEVELS).optional(),
  status: z.enum(['active', 'disabled']).optional(),
});
export const assignRoleRequest = z.strictObject({
  role: z.enum(ROLE_NAMES),
  unitId: z.uuid().nullable().meta({ description: 'The unit whose subtree the role covers; null for the whole system' }),
  validFrom: isoDate.optional(),
  reason: freeText(500).optional(),
});
export const endAssignmentRequest = z.strictObject({ validTo: isoDate.optional() });
export const userIdParam = z.strictObject({ id: z.uuid() });
export const assignmentParams = z.strictObject({ id: z.uuid(), assignmentId: z.uuid() });
