/**
 * Error codes shared by every service. Each service adds its own codes in its contracts; the gateway maps the
 * union of all of them to HTTP in one exhaustive switch.
 */
export const CommonErrorCode = {
  /** The request payload failed validation; `errors` lists every field. */
  ValidationFailed: 'VALIDATION_FAILED',
  /** The caller asked for something this service does not know how to do (unknown message or operation). */
  Unsupported: 'UNSUPPORTED',
  /** A database or other dependency of the service is unavailable. */
  DependencyUnavailable: 'DEPENDENCY_UNAVAILABLE',
  /** A bug: the service hit something it did not expect. Never caused by input. */
  Internal: 'INTERNAL',
} as const;
export type CommonErrorCode = (typeof CommonErrorCode)[keyof typeof CommonErrorCode];

export interface FieldError {
  /** Dotted path of the offending field, e.g. `operations.2.targetId`; empty for the whole payload. */
  path: string;
  message: string;
}

/** The payload a service answers with instead of a result when a request fails. */
export interface ServiceErrorPayload<Code extends string = string> {
  code: Code;
  message: string;
  /** The DOMAIN.md rule this error enforces, e.g. `ORG-4`. */
  rule?: string;
  errors?: FieldError[];
  /** Anything else a client can act on (ids involved, line numbers …). */
  details?: Record<string, unknown>;
}

export function isServiceErrorPayload(value: unknown): value is ServiceErrorPayload {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/** A typed failure a service raises; the transport turns it into a ServiceErrorPayload. */
export class DomainError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly extra: Omit<ServiceErrorPayload<Code>, 'code' | 'message'> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  toPayload(): ServiceErrorPayload<Code> {
    return { code: this.code, message: this.message, ...this.extra };
  }
}

/**
 * A refusal dressed as another answer: an object outside the caller's scope answers exactly as a missing one does,
 * so its existence does not leak, but the service records it as the refusal it is (`reason`).
 */
export class RefusalError<Code extends string = string> extends DomainError<Code> {
  constructor(
    code: Code,
    message: string,
    extra: Omit<ServiceErrorPayload<Code>, 'code' | 'message'>,
    readonly reason: string,
    /** What the caller was refused (a unit id …), for the record. */
    readonly objectId: string | null = null,
  ) {
    super(code, message, extra);
    this.name = 'RefusalError';
  }
}

/** Access errors, raised by the gateway and by every service. */
export const AuthErrorCode = {
  /** No credentials, or credentials that are invalid, expired, tampered with or meant for someone else. */
  Unauthenticated: 'AUTH_UNAUTHENTICATED',
  /** Authenticated, but no role grants the permission this action needs. */
  Forbidden: 'AUTH_FORBIDDEN',
  /** Username or password wrong (never says which). */
  InvalidCredentials: 'AUTH_INVALID_CREDENTIALS',
  /** The account's roles need a second factor: send `totp`, or enrol first. */
  SecondFactorRequired: 'AUTH_SECOND_FACTOR_REQUIRED',
  SecondFactorEnrolmentRequired: 'AUTH_SECOND_FACTOR_ENROLMENT_REQUIRED',
  /** Too many attempts; retry after the Retry-After header. */
  Throttled: 'AUTH_THROTTLED',
  /** The password breaks the password rules (length, common passwords). */
  WeakPassword: 'AUTH_WEAK_PASSWORD',
  /** A username already taken, or another conflict in the identity records. */
  Conflict: 'AUTH_CONFLICT',
} as const;
export type AuthErrorCode = (typeof AuthErrorCode)[keyof typeof AuthErrorCode];
