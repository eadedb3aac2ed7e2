/**
 * One error class for every expected failure, with a stable `code` from the catalogue
 * below. `retryable` tells shells whether to back off and retry (dependency failures) or
 * to dead-letter / reject (bad input). Programmer errors stay plain `Error`s and are
 * never retried.
 */
export const ERROR_CATALOGUE = {
  VALIDATION_FAILED: { status: 400, retryable: false },
  BODY_UNPARSEABLE: { status: 400, retryable: false },
  BODY_EMPTY: { status: 400, retryable: false },
  BODY_NOT_UTF8: { status: 400, retryable: false },
  BAD_REQUEST: { status: 400, retryable: false },
  BAD_QUERY: { status: 400, retryable: false },
  UNAUTHENTICATED: { status: 401, retryable: false },
  FORBIDDEN: { status: 403, retryable: false },
  CSRF_FAILED: { status: 403, retryable: false },
  HOSPITAL_MISMATCH: { status: 403, retryable: false },
  NOT_FOUND: { status: 404, retryable: false },
  CONFLICT: { status: 409, retryable: false },
  /** An alert lifecycle action its status does not allow (alerts/lifecycle.ts); details name the allowed actions. */
  TRANSITION_FORBIDDEN: { status: 409, retryable: false },
  REQUEST_TIMEOUT: { status: 408, retryable: true },
  BODY_TOO_LARGE: { status: 413, retryable: false },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, retryable: false },
  RATE_LIMITED: { status: 429, retryable: true },
  HEADERS_TOO_LARGE: { status: 431, retryable: false },
  /** OpenID Connect sign-in (access/oidc-routes.ts): a callback without a valid state, code or ID token. */
  OIDC_CALLBACK_INVALID: { status: 400, retryable: false },
  /** The provider refused (error=access_denied…), or its claims do not make a user of this service. */
  OIDC_SIGN_IN_REFUSED: { status: 403, retryable: false },
  /** The identity provider cannot be reached (discovery, token or UserInfo endpoint). */
  OIDC_UNAVAILABLE: { status: 503, retryable: true },
  CONFIG_INVALID: { status: 500, retryable: false },
  STORE_UNAVAILABLE: { status: 503, retryable: true },
  LOG_UNAVAILABLE: { status: 503, retryable: true },
  DELIVERY_FAILED: { status: 502, retryable: true },
  /** The headless browser that renders PDF documents (the weekly bulletin) cannot be started. */
  PDF_RENDERER_UNAVAILABLE: { status: 503, retryable: true },
  INTERNAL: { status: 500, retryable: false },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, options: { details?: unknown; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.retryable = ERROR_CATALOGUE[code].retryable;
    this.details = options.details;
  }

  /** HTTP status for this error's code (one table for every endpoint). */
  get status(): number {
    return ERROR_CATALOGUE[this.code].status;
  }

  /** The wire shape of every error answer; `details` is null when there are none. */
  toBody(): { error: { code: ErrorCode; message: string; details: unknown } } {
    return { error: { code: this.code, message: this.message, details: this.details ?? null } };
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
