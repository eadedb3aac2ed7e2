import * as client from 'openid-client';
import { AppError, isAppError } from '../platform/errors.ts';

/** Why a callback did not sign anyone in (`details.reason` of the answer, and what onRefusal receives). */
export type OidcRefusalReason =
  | 'state_missing'
  | 'state_invalid'
  | 'provider_error'
  | 'code_rejected'
  | 'response_invalid'
  | 'no_id_token'
  | 'provider_unavailable'
  | 'missing'
  | 'invalid'
  | 'role_not_allowed';

export const OIDC_REFUSAL_CODES = ['OIDC_CALLBACK_INVALID', 'OIDC_SIGN_IN_REFUSED', 'OIDC_UNAVAILABLE'] as const;
export type OidcRefusalCode = (typeof OIDC_REFUSAL_CODES)[number];

const START_AGAIN = 'start again at /v1/session/oidc / vui lòng đăng nhập lại';

const refusal = (
  code: OidcRefusalCode,
  message: string,
  details: { reason: OidcRefusalReason } & Record<string, unknown>,
  cause?: unknown,
) => new AppError(code, message, { details, ...(cause === undefined ? {} : { cause }) });

export function stateRefusal(reason: 'state_missing' | 'state_invalid'): AppError {
  return refusal(
    'OIDC_CALLBACK_INVALID',
    `this sign-in has no valid state: it expired (10 minutes), was started in another browser, or the link was altered; ${START_AGAIN}` +
      ' (phiên đăng nhập không hợp lệ hoặc đã hết hạn)',
    { reason },
  );
}

export const noIdToken = () =>
  refusal('OIDC_CALLBACK_INVALID', `the identity provider sent no ID token; ${START_AGAIN}`, { reason: 'no_id_token' });

/** A claims refusal (access/oidc-claims.ts): 403 naming the claim. */
export const claimsRefusal = (r: { claim: string; reason: 'missing' | 'invalid' | 'role_not_allowed'; message: string }) =>
  refusal('OIDC_SIGN_IN_REFUSED', r.message, { reason: r.reason, claim: r.claim });

const unavailable = (cause: unknown) =>
  refusal(
    'OIDC_UNAVAILABLE',
    'the identity provider did not answer; try again in a moment / nhà cung cấp định danh không phản hồi; vui lòng thử lại sau',
    { reason: 'provider_unavailable' },
    cause,
  );

/** openid-client's failures in the error catalogue: the provider said no, the callback is bad, or the provider is unreachable. */
export function classify(err: unknown): AppError {
  if (isAppError(err)) return err;
  if (err instanceof client.AuthorizationResponseError) {
    return refusal(
      'OIDC_SIGN_IN_REFUSED',
      err.error === 'access_denied'
        ? 'sign-in was cancelled or refused at the identity provider / đăng nhập đã bị hủy hoặc bị từ chối tại nhà cung cấp định danh'
        : `the identity provider refused the sign-in (${err.error}) / nhà cung cấp định danh từ chối đăng nhập (${err.error})`,
      { reason: 'provider_error', error: err.error, error_description: err.error_description ?? null },
    );
  }
  if (err instanceof client.ResponseBodyError) {
    if (err.status >= 500) return unavailable(err);
    return refusal(
      'OIDC_CALLBACK_INVALID',
      `the identity provider did not accept the sign-in code (${err.error}: used already or expired); ${START_AGAIN}`,
      { reason: 'code_rejected', error: err.error },
      err,
    );
  }
  // fetch's network failures are TypeErrors; its timeouts TimeoutError / AbortError.
  if (err instanceof TypeError) return unavailable(err);
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return unavailable(err);
  if (err instanceof client.ClientError) {
    if (err.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM') return unavailable(err);
    return refusal(
      'OIDC_CALLBACK_INVALID',
      `the sign-in response did not pass its checks (${err.message}); ${START_AGAIN}`,
      { reason: 'response_invalid', check: err.code ?? null },
      err,
    );
  }
  return new AppError('INTERNAL', 'internal error', { cause: err });
}

/** The refusal an error stands for, or null when it is no OIDC refusal (a bug, signIn's own error). */
export function refusalOf(err: unknown): { code: OidcRefusalCode; reason: OidcRefusalReason; claim: string | null } | null {
  if (!isAppError(err) || !(OIDC_REFUSAL_CODES as readonly string[]).includes(err.code)) return null;
  const details = (err.details ?? {}) as { reason?: OidcRefusalReason; claim?: string };
  return { code: err.code as OidcRefusalCode, reason: details.reason ?? 'response_invalid', claim: details.claim ?? null };
}
