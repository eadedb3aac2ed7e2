import { z } from 'zod';
import { configError, envHttpUrl } from '../platform/config.ts';
import { ROLES, type Role } from '../schemas/access.ts';

/** The path of the callback route (access/oidc-routes.ts); EWS_OIDC_REDIRECT_URL must end with it. */
export const OIDC_CALLBACK_PATH = '/v1/session/oidc/callback';

const claimName = z
  .string()
  .regex(/^[A-Za-z0-9_:./-]{1,128}$/, 'must be a claim name (letters, digits, _ : . / -)')
  .optional();

/**
 * EWS_OIDC_ROLE_MAP: a JSON object from the provider's value of the role claim (a group
 * name, say) to one of ROLES, e.g. `{"ews-officers":"officer","ews-admins":"admin"}`.
 */
const roleMap = z
  .string()
  .transform((s, ctx): Readonly<Record<string, Role>> => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(s);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object such as {"ews-officers":"officer"}' });
      return z.NEVER;
    }
    const result = z.record(z.string().min(1), z.enum(ROLES, { message: `must map to one of ${ROLES.join(', ')}` })).safeParse(parsed);
    if (!result.success) {
      const i = result.error.issues[0]!;
      const where = i.path.length ? ` (at ${JSON.stringify(String(i.path[0]))})` : '';
      ctx.addIssue({
        code: 'custom',
        message: `${typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? i.message : 'must be a JSON object'}${where}`,
      });
      return z.NEVER;
    }
    return Object.freeze({ ...result.data });
  })
  .optional();

/**
 * Sign-in through the province's identity provider (OpenID Connect), composed into the root
 * schema in cli/config.ts. EWS_OIDC_ISSUER unset → OIDC is off and its routes are not mounted;
 * set → EWS_OIDC_CLIENT_ID, EWS_OIDC_CLIENT_SECRET and EWS_OIDC_REDIRECT_URL are required
 * (checked by `checkOidcConfig`, which the root schema's superRefine calls).
 */
export const oidcConfigSchema = z.object({
  /**
   * The provider's issuer identifier (its discovery document is at
   * `<issuer>/.well-known/openid-configuration`). https, or http on a loopback host only (tests,
   * a provider on the same machine). Unset → OIDC sign-in is off.
   */
  EWS_OIDC_ISSUER: envHttpUrl('https://id.bacninh.gov.vn/realms/health')
    .refine(isSecureOrLoopback, { message: 'must be https (http only for 127.0.0.1, ::1 or localhost)' })
    .optional(),
  /** The client id this service is registered under at the provider. Required with EWS_OIDC_ISSUER. */
  EWS_OIDC_CLIENT_ID: z.string().min(1).max(256).optional(),
  /**
   * The client's secret (a confidential client, client_secret_basic). Required with
   * EWS_OIDC_ISSUER. It also keys the encryption of the short-lived sign-in cookie, so every
   * process of a deployment must share it (they do: it is the same client).
   */
  EWS_OIDC_CLIENT_SECRET: z.string().min(16, 'must be at least 16 characters').max(1024).optional(),
  /**
   * The callback URL registered with the provider, as the browser sees it, e.g.
   * https://ews.example/v1/session/oidc/callback. Required with EWS_OIDC_ISSUER.
   */
  EWS_OIDC_REDIRECT_URL: envHttpUrl('https://ews.example/v1/session/oidc/callback')
    .refine((u) => new URL(u).pathname.endsWith(OIDC_CALLBACK_PATH), {
      message: `must end with ${OIDC_CALLBACK_PATH}, the callback route, e.g. https://ews.example${OIDC_CALLBACK_PATH}`,
    })
    .optional(),
  /** Scopes asked for, space-separated; must include openid. Default `openid profile email`. */
  EWS_OIDC_SCOPES: z
    .string()
    .regex(/^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/, 'must be scope names separated by single spaces')
    .refine((s) => s.split(' ').includes('openid'), { message: 'must include openid' })
    .default('openid profile email'),
  /** Claim holding the role: one of ROLES, or a value (or array of values) mapped by EWS_OIDC_ROLE_MAP. Default `ews_role`. */
  EWS_OIDC_ROLE_CLAIM: claimName.default('ews_role'),
  /** JSON object from the role claim's values to roles; set → only mapped values count. Unset → the value must be a role name. */
  EWS_OIDC_ROLE_MAP: roleMap,
  /** Claim holding the jurisdiction: `national`, `province:24` or `communes:07210,07213`. Default `ews_jurisdiction`. */
  EWS_OIDC_JURISDICTION_CLAIM: claimName.default('ews_jurisdiction'),
  /** Claim holding the username; when absent the subject (`sub`) is used. Default `preferred_username`. */
  EWS_OIDC_USERNAME_CLAIM: claimName.default('preferred_username'),
  /** Claim holding the language (`vi`, `vi-VN`, `en-GB`…); absent or another language → vi. Default `locale`. */
  EWS_OIDC_LANG_CLAIM: claimName.default('locale'),
});

export type OidcEnv = z.output<typeof oidcConfigSchema>;

function isSecureOrLoopback(u: string): boolean {
  const url = new URL(u);
  return url.protocol === 'https:' || ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);
}

const REQUIRED_WITH_ISSUER = ['EWS_OIDC_CLIENT_ID', 'EWS_OIDC_CLIENT_SECRET', 'EWS_OIDC_REDIRECT_URL'] as const;

/**
 * The cross-field rule, for the root schema's superRefine (cli/config.ts): with
 * EWS_OIDC_ISSUER set, the client id, secret and redirect URL must be too; each missing one
 * is an issue naming it.
 */
export function checkOidcConfig(c: Partial<OidcEnv>, ctx: z.RefinementCtx): void {
  for (const problem of missingWithIssuer(c)) ctx.addIssue({ code: 'custom', path: [problem.variable], message: problem.message });
}

function missingWithIssuer(c: Partial<OidcEnv>): { variable: string; message: string }[] {
  if (!c.EWS_OIDC_ISSUER) return [];
  return REQUIRED_WITH_ISSUER.filter((v) => !c[v]).map((variable) => ({
    variable,
    message: 'is required when EWS_OIDC_ISSUER is set (OpenID Connect sign-in)',
  }));
}

/** The oidc schema on its own with its cross-field rule (tests; a root schema spreads `.shape` and calls checkOidcConfig). */
export const oidcEnvSchema = oidcConfigSchema.superRefine(checkOidcConfig);

/** How claims become a user (the pure mapping of access/oidc-claims.ts). */
export interface ClaimMapping {
  readonly roleClaim: string;
  /** null: the role claim's value must be a role name. */
  readonly roleMap: Readonly<Record<string, Role>> | null;
  readonly jurisdictionClaim: string;
  readonly usernameClaim: string;
  readonly langClaim: string;
}

/** OIDC sign-in, compiled: everything the routes need. */
export interface OidcSettings {
  readonly issuer: URL;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUrl: URL;
  readonly scopes: string;
  readonly mapping: ClaimMapping;
}

/**
 * The compiled OIDC settings from the parsed configuration, or null when EWS_OIDC_ISSUER is
 * unset (OIDC off). Throws CONFIG_INVALID naming each missing variable, so a root schema that
 * forgot checkOidcConfig still stops at start-up.
 */
export function oidcSettings(c: OidcEnv): OidcSettings | null {
  if (!c.EWS_OIDC_ISSUER) return null;
  const missing = missingWithIssuer(c);
  if (missing.length > 0) throw configError(missing);
  return Object.freeze({
    issuer: new URL(c.EWS_OIDC_ISSUER),
    clientId: c.EWS_OIDC_CLIENT_ID!,
    clientSecret: c.EWS_OIDC_CLIENT_SECRET!,
    redirectUrl: new URL(c.EWS_OIDC_REDIRECT_URL!),
    scopes: c.EWS_OIDC_SCOPES,
    mapping: Object.freeze({
      roleClaim: c.EWS_OIDC_ROLE_CLAIM,
      roleMap: c.EWS_OIDC_ROLE_MAP ?? null,
      jurisdictionClaim: c.EWS_OIDC_JURISDICTION_CLAIM,
      usernameClaim: c.EWS_OIDC_USERNAME_CLAIM,
      langClaim: c.EWS_OIDC_LANG_CLAIM,
    }),
  });
}
