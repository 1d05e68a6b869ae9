/** The service's name: its NATS user and queue group, its health subject, its audit chain. */
export const IDENTITY_SERVICE = 'identity';

/** Request-reply subjects (ARCHITECTURE decision 2). Versioned: a payload change gets a new version. */
export const IdentitySubject = {
  /** Who a verified access token stands for, with the roles in force today (asked by the gateway, cached there). */
  callerResolve: 'identity.v1.caller.resolve',
  login: 'identity.v1.auth.login',
  refresh: 'identity.v1.auth.refresh',
  logout: 'identity.v1.auth.logout',
  me: 'identity.v1.auth.me',
  totpEnrol: 'identity.v1.auth.totp.enrol',
  totpConfirm: 'identity.v1.auth.totp.confirm',
  /** A refusal at the gateway (a 403 it answered itself), put on record in identity's chain. */
  gatewayRefusal: 'identity.v1.audit.gateway-record',
  userList: 'identity.v1.user.list',
  userCreate: 'identity.v1.user.create',
  userGet: 'identity.v1.user.get',
  userUpdate: 'identity.v1.user.update',
  roleList: 'identity.v1.role.list',
  roleAssign: 'identity.v1.role.assign',
  roleEnd: 'identity.v1.role.end',
} as const;
export type IdentitySubject = (typeof IdentitySubject)[keyof typeof IdentitySubject];
