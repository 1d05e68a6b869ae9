/**
 * Error codes shared by every service. Each contracts lib declares its own codes with their HTTP status and title
 * in a catalogue (below for these, `ORG_ERRORS` for org-structure's); the gateway's mapper reads the catalogues.
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

/** What an error code means over HTTP: its status and the problem document's title. */
export interface ErrorSpec {
  status: number;
  title: string;
}

/** A contracts lib's codes, each with its status and title; `satisfies ErrorCatalogue<Code>` makes it complete. */
export type ErrorCatalogue<Code extends string> = { readonly [K in Code]: ErrorSpec };

export const COMMON_ERRORS = {
  [CommonErrorCode.ValidationFailed]: { status: 400, title: 'The request is invalid' },
  [CommonErrorCode.Unsupported]: { status: 501, title: 'The service does not support this request' },
  [CommonErrorCode.DependencyUnavailable]: { status: 503, title: 'A dependency of the service is unavailable' },
  [CommonErrorCode.Internal]: { status: 500, title: 'Internal error' },
} as const satisfies ErrorCatalogue<CommonErrorCode>;

/**
 * The catalogues of every contracts lib, by name. A lib adds its own by declaration merging
 * (`declare module '@contracts/common' { interface DeclaredErrorCatalogues { … } }`), so a code is declared exactly
 * when some catalogue gives it a status: `DomainError` takes only those, and the gateway's mapper must hold them all.
 */
export interface DeclaredErrorCatalogues {
  common: typeof COMMON_ERRORS;
  auth: typeof AUTH_ERRORS;
}

/** Every code some contracts lib in this build declares. */
export type DeclaredErrorCode = {
  [Lib in keyof DeclaredErrorCatalogues]: keyof DeclaredErrorCatalogues[Lib];
}[keyof DeclaredErrorCatalogues] &
  string;

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

/** A typed failure a service raises, with a declared code; the transport turns it into a ServiceErrorPayload. */
export class DomainError<Code extends DeclaredErrorCode = DeclaredErrorCode> extends Error {
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
export class RefusalError<Code extends DeclaredErrorCode = DeclaredErrorCode> extends DomainError<Code> {
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

export const AUTH_ERRORS = {
  [AuthErrorCode.Unauthenticated]: { status: 401, title: 'Authentication required' },
  [AuthErrorCode.InvalidCredentials]: { status: 401, title: 'Wrong username or password' },
  [AuthErrorCode.SecondFactorRequired]: { status: 401, title: 'A second factor is required' },
  [AuthErrorCode.SecondFactorEnrolmentRequired]: { status: 403, title: 'Enrol a second factor first' },
  [AuthErrorCode.Forbidden]: { status: 403, title: 'Not allowed' },
  [AuthErrorCode.Throttled]: { status: 429, title: 'Too many attempts' },
  [AuthErrorCode.WeakPassword]: { status: 400, title: 'The password breaks the password rules' },
  [AuthErrorCode.Conflict]: { status: 409, title: 'Conflict' },
} as const satisfies ErrorCatalogue<AuthErrorCode>;
