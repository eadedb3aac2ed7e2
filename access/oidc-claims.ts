import { jurisdictionSchema, LANGS, ROLES, type Jurisdiction, type Lang, type Role } from '../schemas/access.ts';
import type { ClaimMapping } from './oidc-config.ts';

/** Who the provider says signed in, mapped into this service's terms. */
export interface OidcIdentity {
  readonly username: string;
  readonly role: Role;
  readonly jurisdiction: Jurisdiction;
  readonly lang: Lang;
  /** The e-mail address, unless absent, malformed or marked unverified (`email_verified: false`). */
  readonly email: string | null;
}

/** Why the claims do not make a user: the claim named, and a bilingual message for the person. */
export interface ClaimRefusal {
  readonly claim: string;
  readonly reason: 'missing' | 'invalid' | 'role_not_allowed';
  /** English / Vietnamese, for the error answer. */
  readonly message: string;
}

export type ClaimResult = { readonly ok: true; readonly identity: OidcIdentity } | { readonly ok: false; readonly refusal: ClaimRefusal };

/** A person's language when the provider says none (or one the service does not speak). */
export const DEFAULT_LANG: Lang = 'vi';

const USERNAME = /^[^\s\p{C}][^\p{C}]{0,127}$/u;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,253}\.[^\s@]{1,63}$/;

/**
 * Maps the claims of a signed-in person (ID token merged with UserInfo) to a username, role,
 * jurisdiction, language and e-mail, or refuses naming the claim. Pure: claims and the
 * mapping in, a result out.
 *
 * - role: the role claim's value must be one of ROLES, or — with a role map — a key of the map
 *   (then only mapped values count: a group literally named `admin` grants nothing unless
 *   mapped). An array of values (groups) is allowed: unmapped values are ignored, and they must
 *   map to exactly one role.
 * - jurisdiction: `national`, `province:24` or `communes:07210,07213`.
 * - username: the username claim, else the subject; lang: `vi`/`en` from a BCP 47 tag, else vi.
 */
export function mapClaims(claims: Readonly<Record<string, unknown>>, m: ClaimMapping): ClaimResult {
  const role = mapRole(claims[m.roleClaim], m);
  if ('refusal' in role) return { ok: false, refusal: role.refusal };
  const jurisdiction = mapJurisdiction(claims[m.jurisdictionClaim], m.jurisdictionClaim);
  if ('refusal' in jurisdiction) return { ok: false, refusal: jurisdiction.refusal };
  const username = mapUsername(claims, m.usernameClaim);
  if ('refusal' in username) return { ok: false, refusal: username.refusal };
  return {
    ok: true,
    identity: {
      username: username.value,
      role: role.value,
      jurisdiction: jurisdiction.value,
      lang: mapLang(claims[m.langClaim]),
      email: mapEmail(claims),
    },
  };
}

type Step<T> = { value: T } | { refusal: ClaimRefusal };

const missing = (claim: string): { refusal: ClaimRefusal } => ({
  refusal: {
    claim,
    reason: 'missing',
    message: `the identity provider did not send the claim '${claim}' / nhà cung cấp định danh không gửi thông tin '${claim}'`,
  },
});

const invalid = (claim: string, why: string, whyVi: string): { refusal: ClaimRefusal } => ({
  refusal: { claim, reason: 'invalid', message: `the claim '${claim}' ${why} / thông tin '${claim}' ${whyVi}` },
});

function mapRole(raw: unknown, m: ClaimMapping): Step<Role> {
  const claim = m.roleClaim;
  if (raw === undefined || raw === null || raw === '' || (Array.isArray(raw) && raw.length === 0)) return missing(claim);
  const values = Array.isArray(raw) ? raw : [raw];
  if (!values.every((v) => typeof v === 'string'))
    return invalid(claim, 'must be a string or a list of strings', 'phải là chuỗi hoặc danh sách chuỗi');
  const known = (v: string): Role | undefined =>
    m.roleMap
      ? Object.hasOwn(m.roleMap, v)
        ? m.roleMap[v]
        : undefined
      : (ROLES as readonly string[]).includes(v)
        ? (v as Role)
        : undefined;
  const roles = [...new Set(values.map(known).filter((r): r is Role => r !== undefined))];
  if (roles.length === 1) return { value: roles[0]! };
  if (roles.length > 1)
    return invalid(
      claim,
      `maps to more than one role (${roles.join(', ')}); the provider must grant one`,
      `tương ứng với nhiều vai trò (${roles.join(', ')}); nhà cung cấp chỉ được cấp một`,
    );
  const shown = values
    .slice(0, 5)
    .map((v) => JSON.stringify(String(v).slice(0, 64)))
    .join(', ');
  return {
    refusal: {
      claim,
      reason: 'role_not_allowed',
      message: m.roleMap
        ? `the role ${shown} in claim '${claim}' is not mapped to a role of this service / vai trò ${shown} trong '${claim}' không được cấp quyền trong hệ thống này`
        : `the role ${shown} in claim '${claim}' is not one of ${ROLES.join(', ')} / vai trò ${shown} trong '${claim}' không thuộc ${ROLES.join(', ')}`,
    },
  };
}

const JURISDICTION_FORMS = 'national, province:24 or communes:07210,07213';

function mapJurisdiction(raw: unknown, claim: string): Step<Jurisdiction> {
  if (raw === undefined || raw === null || raw === '') return missing(claim);
  const bad = invalid(claim, `must be ${JURISDICTION_FORMS}`, `phải có dạng ${JURISDICTION_FORMS}`);
  if (typeof raw !== 'string') return bad;
  const text = raw.trim();
  const colon = text.indexOf(':');
  const level = colon < 0 ? text : text.slice(0, colon);
  const rest = colon < 0 ? '' : text.slice(colon + 1);
  const candidate =
    level === 'national' && colon < 0
      ? { level }
      : level === 'province'
        ? { level, province: rest }
        : level === 'communes'
          ? { level, communes: rest.split(',').map((c) => c.trim()) }
          : undefined;
  if (!candidate) return bad;
  const parsed = jurisdictionSchema.safeParse(candidate);
  if (!parsed.success) {
    const why = parsed.error.issues[0]?.message ?? 'is malformed';
    return invalid(claim, `is malformed (${why}); expected ${JURISDICTION_FORMS}`, `sai định dạng (${why}); cần ${JURISDICTION_FORMS}`);
  }
  // A commune listed twice is the same commune.
  const j = parsed.data;
  return { value: j.level === 'communes' ? { level: 'communes', communes: [...new Set(j.communes)] } : j };
}

function mapUsername(claims: Readonly<Record<string, unknown>>, claim: string): Step<string> {
  const raw = claims[claim];
  if (raw !== undefined && raw !== null && typeof raw !== 'string') return invalid(claim, 'must be a string', 'phải là chuỗi');
  // Absent or empty: the subject, which every ID token carries.
  const [name, value] = typeof raw === 'string' && raw.trim() !== '' ? [claim, raw.trim()] : ['sub', claims['sub']];
  if (typeof value !== 'string' || value === '') return missing(name);
  if (!USERNAME.test(value)) return invalid(name, 'must be 1 to 128 printable characters', 'phải gồm 1 đến 128 ký tự in được');
  return { value };
}

function mapLang(raw: unknown): Lang {
  if (typeof raw !== 'string') return DEFAULT_LANG;
  const primary = raw.trim().toLowerCase().split(/[-_]/)[0];
  return (LANGS as readonly string[]).includes(primary ?? '') ? (primary as Lang) : DEFAULT_LANG;
}

function mapEmail(claims: Readonly<Record<string, unknown>>): string | null {
  const raw = claims['email'];
  if (typeof raw !== 'string' || !EMAIL.test(raw.trim()) || claims['email_verified'] === false) return null;
  return raw.trim();
}
