import {
  CLEARANCE_LEVELS,
  freeText,
  hasControlOrBidiCharacters,
  isoDate,
  pageQuery,
  ROLE_NAMES,
  secretText,
  TextMessage,
  wellFormedString,
} from '@contracts/common';
import { z } from 'zod';
import { PASSWORD_MAX_LENGTH } from './password-policy';

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

/* HTTP bodies, as clients send them. */
export const loginRequest = z.strictObject({ username: loginName, password, totp: totpCode.optional() });
export const refreshRequest = z.strictObject({ refreshToken: z.string().min(20).max(200).regex(/^[A-Za-z0-9_-]+$/, 'not a refresh token') });
export const totpEnrolRequest = z.strictObject({ username: loginName, password });
export const totpConfirmRequest = totpEnrolRequest.extend({ code: totpCode });

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
export const listUsersRequest = pageQuery.strict();

/*
 * Messages the gateway sends identity. Before login there is no caller token: the client's address travels in
 * the payload (throttling and the audit trail need it), and only the gateway may publish on identity's subjects.
 */
const clientAddress = z.string().min(1).max(64);
export const loginMessage = loginRequest.extend({ clientAddress });
export const refreshMessage = refreshRequest.extend({ clientAddress });
export const totpEnrolMessage = totpEnrolRequest.extend({ clientAddress });
export const totpConfirmMessage = totpConfirmRequest.extend({ clientAddress });
export const logoutMessage = z.strictObject({ sessionId: z.uuid().nullable() });
export const createUserMessage = createUserRequest;
export const updateUserMessage = updateUserRequest.extend({ id: z.uuid() });
export const assignRoleMessage = assignRoleRequest.extend({ id: z.uuid() });
export const endAssignmentMessage = endAssignmentRequest.extend({ id: z.uuid(), assignmentId: z.uuid() });

/** A token the gateway verified: its own (a user and session), or an identity provider's. */
export const resolveCallerMessage = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('local'), userId: z.uuid(), sessionId: z.uuid().nullable() }),
  z.strictObject({
    kind: z.literal('external'),
    issuer: z.string().min(1).max(500),
    subject: z.string().min(1).max(500),
    username: z.string().min(1).max(200).nullable(),
  }),
]);

/**
 * A refusal the gateway made itself (a route's permission, a system-wide check): it keeps no chain of its own, so
 * identity's holds these. Always a denial; the gateway names the route or chain refused.
 */
export const gatewayRefusalMessage = z.strictObject({
  action: z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/),
  actor: z.strictObject({
    userId: z.uuid().nullable(),
    username: z.string().max(200).nullable(),
    roles: z.array(z.enum(ROLE_NAMES)).max(20),
    clientAddress: clientAddress.nullable(),
  }),
  object: z.strictObject({ type: z.string().max(50).nullable(), id: z.string().max(200).nullable() }),
  details: z.record(z.string(), z.unknown()).optional(),
});
