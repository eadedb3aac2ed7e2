import { z } from 'zod';

/**
 * Who may read and do what (issue 9): the contract between the access room (which
 * authenticates a request into a Principal) and the rooms that answer it (dashboards,
 * alerts), which only ask the pure questions below. DHIS2 and EWARS scope every user to an
 * organisation unit; here a jurisdiction is the whole country, one province, or a list of
 * communes, and a role says which kinds of data and actions are allowed.
 */

export const ROLES = ['officer', 'epidemiologist', 'data_manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const LANGS = ['vi', 'en'] as const;
export type Lang = (typeof LANGS)[number];

export type Jurisdiction =
  | { readonly level: 'national' }
  | { readonly level: 'province'; readonly province: string }
  | { readonly level: 'communes'; readonly communes: readonly string[] };

export const jurisdictionSchema = z.discriminatedUnion('level', [
  z.strictObject({ level: z.literal('national') }),
  z.strictObject({ level: z.literal('province'), province: z.string().regex(/^\d{2}$/, 'must be a 2-digit province code, e.g. 24') }),
  z.strictObject({
    level: z.literal('communes'),
    communes: z
      .array(z.string().regex(/^\d{5}$/, 'must be a 5-digit commune code, e.g. 07210'))
      .min(1, 'must list at least one commune')
      .max(5000),
  }),
]);

/** How the caller proved who they are. */
export type AuthMethod = 'session' | 'user_token' | 'admin_token' | 'oidc';

/** An authenticated caller. */
export interface Principal {
  /** The user's id in the operational store; null for the EWS_ADMIN_TOKEN bootstrap admin. */
  readonly userId: string | null;
  /** The username, or `admin-token` for EWS_ADMIN_TOKEN; what the audit log records as the actor. */
  readonly username: string;
  readonly role: Role;
  readonly jurisdiction: Jurisdiction;
  readonly lang: Lang;
  readonly via: AuthMethod;
}

/**
 * What a role may do. Aggregates are counts, series, signals, alerts and units; event-level
 * rows (line lists, dead letters' payloads) are narrower, as the issue asks.
 */
export const PERMISSIONS = {
  /** Counts, series, signals, alerts, units (inside the jurisdiction). */
  'read:aggregates': ['officer', 'epidemiologist', 'data_manager', 'admin'],
  /** Event-level rows behind a series (pseudonymised): audited. */
  'read:line_list': ['officer', 'epidemiologist', 'admin'],
  /** Refused events and why (scrubbed, pseudonymised): data quality work. */
  'read:dead_letters': ['data_manager', 'admin'],
  /** Alert lifecycle steps (issue 10). */
  'work:alerts': ['officer', 'admin'],
  'admin:hospitals': ['data_manager', 'admin'],
  'admin:users': ['admin'],
  'read:audit': ['admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export function permits(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/** Does the jurisdiction include this commune? `provinceOf` maps a commune code to its province code. */
export function coversCommune(j: Jurisdiction, commune: string, provinceOf: (commune: string) => string | undefined): boolean {
  switch (j.level) {
    case 'national':
      return true;
    case 'province':
      return provinceOf(commune) === j.province;
    case 'communes':
      return j.communes.includes(commune);
  }
}

/**
 * Does the jurisdiction include the whole province (its aggregate series and alerts)? A
 * commune-level officer sees their communes, not the province's total.
 */
export function coversProvince(j: Jurisdiction, province: string): boolean {
  return j.level === 'national' || (j.level === 'province' && j.province === province);
}

/** Only a national jurisdiction sees national aggregates. */
export const coversNation = (j: Jurisdiction): boolean => j.level === 'national';

/** The bootstrap admin that EWS_ADMIN_TOKEN stands for. */
export const ADMIN_TOKEN_PRINCIPAL: Principal = {
  userId: null,
  username: 'admin-token',
  role: 'admin',
  jurisdiction: { level: 'national' },
  lang: 'en',
  via: 'admin_token',
};
