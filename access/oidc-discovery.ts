import * as client from 'openid-client';
import type { Logger } from 'pino';
import { AppError } from '../platform/errors.ts';
import type { OidcSettings } from './oidc-config.ts';

/** The provider's metadata and this client's registration, found lazily. */
export interface OidcDiscovery {
  /**
   * The openid-client Configuration: discovered at the first sign-in and kept; a failed
   * discovery is not kept, so the next sign-in tries again. Rejects with OIDC_UNAVAILABLE.
   */
  configuration(): Promise<client.Configuration>;
}

/** Seconds each request to the provider may take (discovery, token, UserInfo). */
export const PROVIDER_TIMEOUT_SECONDS = 10;

/**
 * Discovery happens at the first sign-in rather than at start: the service (ingest, reads,
 * password and token sign-in) must come up while the identity provider is down, and a
 * provider that was down at start must not need a restart once it is back.
 */
export function createOidcDiscovery(settings: OidcSettings, log: Logger): OidcDiscovery {
  let pending: Promise<client.Configuration> | undefined;
  const discover = async () => {
    const loopbackHttp = settings.issuer.protocol === 'http:';
    try {
      const config = await client.discovery(settings.issuer, settings.clientId, settings.clientSecret, undefined, {
        timeout: PROVIDER_TIMEOUT_SECONDS,
        // http only for a loopback issuer (the config schema refuses any other http issuer).
        ...(loopbackHttp ? { execute: [client.allowInsecureRequests] } : {}),
      });
      config.timeout = PROVIDER_TIMEOUT_SECONDS;
      log.info({ issuer: config.serverMetadata().issuer }, 'OpenID Connect provider discovered');
      return config;
    } catch (err) {
      log.warn({ err, issuer: settings.issuer.href }, 'OpenID Connect discovery failed');
      throw new AppError(
        'OIDC_UNAVAILABLE',
        `the identity provider cannot be reached (${settings.issuer.href}); try again in a moment / không kết nối được nhà cung cấp định danh; vui lòng thử lại sau`,
        { cause: err, details: { reason: 'provider_unavailable', issuer: settings.issuer.href } },
      );
    }
  };
  return {
    configuration() {
      pending ??= discover().catch((err: unknown) => {
        pending = undefined;
        throw err;
      });
      return pending;
    },
  };
}
