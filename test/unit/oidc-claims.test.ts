import { describe, expect, it } from 'vitest';
import { mapClaims, type ClaimResult } from '../../access/oidc-claims.ts';
import type { ClaimMapping } from '../../access/oidc-config.ts';

// The pure mapping from a provider's claims to a user of this service (access/oidc-claims.ts).
const defaults: ClaimMapping = {
  roleClaim: 'ews_role',
  roleMap: null,
  jurisdictionClaim: 'ews_jurisdiction',
  usernameClaim: 'preferred_username',
  langClaim: 'locale',
};
const withMap: ClaimMapping = {
  ...defaults,
  roleClaim: 'groups',
  roleMap: { 'ews-officers': 'officer', 'ews-epi': 'epidemiologist', 'ews-admins': 'admin' },
};
const base = { sub: 'u-1', preferred_username: 'lan.nguyen', ews_role: 'officer', ews_jurisdiction: 'province:24', locale: 'vi-VN' };

type Row = [string, Record<string, unknown>, ClaimMapping, Partial<Extract<ClaimResult, { ok: true }>['identity']>];

describe('mapClaims: accepted claims', () => {
  it.each<Row>([
    [
      'the defaults',
      base,
      defaults,
      { username: 'lan.nguyen', role: 'officer', jurisdiction: { level: 'province', province: '24' }, lang: 'vi' },
    ],
    [
      'a national epidemiologist',
      { ...base, ews_role: 'epidemiologist', ews_jurisdiction: 'national' },
      defaults,
      { role: 'epidemiologist', jurisdiction: { level: 'national' } },
    ],
    [
      'communes, spaces and a duplicate',
      { ...base, ews_jurisdiction: ' communes:07210, 07213,07210 ' },
      defaults,
      { jurisdiction: { level: 'communes', communes: ['07210', '07213'] } },
    ],
    ['no username claim: the subject', { ...base, preferred_username: undefined }, defaults, { username: 'u-1' }],
    ['an empty username claim: the subject', { ...base, preferred_username: '  ' }, defaults, { username: 'u-1' }],
    [
      'another username claim',
      { ...base, upn: 'lan@soyte.bacninh.gov.vn' },
      { ...defaults, usernameClaim: 'upn' },
      { username: 'lan@soyte.bacninh.gov.vn' },
    ],
    ['English with a region', { ...base, locale: 'en-GB' }, defaults, { lang: 'en' }],
    ['English with an underscore', { ...base, locale: 'EN_us' }, defaults, { lang: 'en' }],
    ['an unsupported language: vi', { ...base, locale: 'fr-FR' }, defaults, { lang: 'vi' }],
    ['no language: vi', { ...base, locale: undefined }, defaults, { lang: 'vi' }],
    ['a verified e-mail', { ...base, email: 'lan@example.vn', email_verified: true }, defaults, { email: 'lan@example.vn' }],
    ['an e-mail without email_verified', { ...base, email: 'lan@example.vn' }, defaults, { email: 'lan@example.vn' }],
    ['an unverified e-mail is dropped', { ...base, email: 'lan@example.vn', email_verified: false }, defaults, { email: null }],
    ['a malformed e-mail is dropped', { ...base, email: 'not an address' }, defaults, { email: null }],
    ['a group mapped to a role', { ...base, groups: 'ews-admins' }, withMap, { role: 'admin' }],
    ['groups: unmapped ones ignored', { ...base, groups: ['staff', 'ews-epi', 'vpn-users'] }, withMap, { role: 'epidemiologist' }],
    ['groups: two mapping to the same role', { ...base, groups: ['ews-epi', 'ews-epi'] }, withMap, { role: 'epidemiologist' }],
  ])('%s', (_name, claims, mapping, expected) => {
    const r = mapClaims(claims, mapping);
    expect(r).toMatchObject({ ok: true, identity: expected });
  });
});

type Refusal = [string, Record<string, unknown>, ClaimMapping, string, 'missing' | 'invalid' | 'role_not_allowed', RegExp];

describe('mapClaims: refusals name the claim', () => {
  it.each<Refusal>([
    ['no role claim', { ...base, ews_role: undefined }, defaults, 'ews_role', 'missing', /did not send the claim 'ews_role'.*không gửi/],
    ['an empty role', { ...base, ews_role: '' }, defaults, 'ews_role', 'missing', /ews_role/],
    ['an empty list of groups', { ...base, groups: [] }, withMap, 'groups', 'missing', /groups/],
    [
      'an unknown role',
      { ...base, ews_role: 'superuser' },
      defaults,
      'ews_role',
      'role_not_allowed',
      /"superuser".*not one of officer, epidemiologist, data_manager, admin/,
    ],
    ['a role name in the wrong case', { ...base, ews_role: 'Admin' }, defaults, 'ews_role', 'role_not_allowed', /"Admin"/],
    ['a number as the role', { ...base, ews_role: 3 }, defaults, 'ews_role', 'invalid', /string or a list of strings/],
    [
      'a role name is not enough with a map',
      { ...base, groups: 'admin' },
      withMap,
      'groups',
      'role_not_allowed',
      /"admin".*not mapped.*không được cấp quyền/,
    ],
    ['no mapped group', { ...base, groups: ['staff', 'vpn-users'] }, withMap, 'groups', 'role_not_allowed', /"staff", "vpn-users"/],
    [
      'groups mapping to two roles',
      { ...base, groups: ['ews-officers', 'ews-admins'] },
      withMap,
      'groups',
      'invalid',
      /more than one role \(officer, admin\)/,
    ],
    ['a map key from the prototype', { ...base, groups: 'constructor' }, withMap, 'groups', 'role_not_allowed', /constructor/],
    ['no jurisdiction', { ...base, ews_jurisdiction: undefined }, defaults, 'ews_jurisdiction', 'missing', /ews_jurisdiction/],
    [
      'an unknown level',
      { ...base, ews_jurisdiction: 'district:123' },
      defaults,
      'ews_jurisdiction',
      'invalid',
      /must be national, province:24 or communes:07210,07213/,
    ],
    ['a 3-digit province', { ...base, ews_jurisdiction: 'province:245' }, defaults, 'ews_jurisdiction', 'invalid', /2-digit province code/],
    [
      'a province without a code',
      { ...base, ews_jurisdiction: 'province' },
      defaults,
      'ews_jurisdiction',
      'invalid',
      /2-digit province code/,
    ],
    ['national with a code', { ...base, ews_jurisdiction: 'national:1' }, defaults, 'ews_jurisdiction', 'invalid', /must be national/],
    [
      'a malformed commune',
      { ...base, ews_jurisdiction: 'communes:07210,7213' },
      defaults,
      'ews_jurisdiction',
      'invalid',
      /5-digit commune code/,
    ],
    ['no communes listed', { ...base, ews_jurisdiction: 'communes:' }, defaults, 'ews_jurisdiction', 'invalid', /5-digit commune code/],
    [
      'a jurisdiction that is not a string',
      { ...base, ews_jurisdiction: { level: 'national' } },
      defaults,
      'ews_jurisdiction',
      'invalid',
      /sai định dạng|phải có dạng/,
    ],
    ['no username and no subject', { ...base, preferred_username: undefined, sub: undefined }, defaults, 'sub', 'missing', /'sub'/],
    [
      'a username that is not a string',
      { ...base, preferred_username: ['a'] },
      defaults,
      'preferred_username',
      'invalid',
      /must be a string/,
    ],
    [
      'a username with a control character',
      { ...base, preferred_username: 'lan\u0000' },
      defaults,
      'preferred_username',
      'invalid',
      /printable/,
    ],
    ['a username too long', { ...base, preferred_username: 'x'.repeat(129) }, defaults, 'preferred_username', 'invalid', /1 to 128/],
  ])('%s', (_name, claims, mapping, claim, reason, message) => {
    const r = mapClaims(claims, mapping);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.refusal).toMatchObject({ claim, reason });
    expect(r.refusal.message).toMatch(message);
  });

  it('the role is judged before the jurisdiction (one refusal, the first claim wrong)', () => {
    const r = mapClaims({ ...base, ews_role: undefined, ews_jurisdiction: 'bad' }, defaults);
    expect(r).toMatchObject({ ok: false, refusal: { claim: 'ews_role' } });
  });
});
