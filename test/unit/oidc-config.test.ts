import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { oidcConfigSchema, oidcEnvSchema, oidcSettings, checkOidcConfig } from '../../access/oidc-config.ts';
import { loadConfig } from '../../platform/config.ts';

// EWS_OIDC_* (access/oidc-config.ts): off when the issuer is unset, and a start-up error
// naming each missing or bad variable.
const full = {
  EWS_OIDC_ISSUER: 'https://id.bacninh.gov.vn/realms/health',
  EWS_OIDC_CLIENT_ID: 'ews',
  EWS_OIDC_CLIENT_SECRET: 's3cret-s3cret-s3cret',
  EWS_OIDC_REDIRECT_URL: 'https://ews.example/v1/session/oidc/callback',
};

const errorOf = (env: Record<string, string | undefined>) => {
  try {
    loadConfig(oidcEnvSchema, env);
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
};

describe('OIDC configuration', () => {
  it('is off without EWS_OIDC_ISSUER', () => {
    expect(oidcSettings(loadConfig(oidcEnvSchema, {}))).toBeNull();
  });

  it('compiles the defaults of the claim mapping', () => {
    const s = oidcSettings(loadConfig(oidcEnvSchema, full));
    expect(s).toMatchObject({
      clientId: 'ews',
      scopes: 'openid profile email',
      mapping: {
        roleClaim: 'ews_role',
        roleMap: null,
        jurisdictionClaim: 'ews_jurisdiction',
        usernameClaim: 'preferred_username',
        langClaim: 'locale',
      },
    });
    expect(s?.issuer.href).toBe('https://id.bacninh.gov.vn/realms/health');
  });

  it.each(['EWS_OIDC_CLIENT_ID', 'EWS_OIDC_CLIENT_SECRET', 'EWS_OIDC_REDIRECT_URL'])('names %s when the issuer is set without it', (v) => {
    expect(errorOf({ ...full, [v]: undefined })).toMatch(new RegExp(`${v}: is required when EWS_OIDC_ISSUER is set`));
    // Also when a root schema spread the shape and forgot the cross-field rule.
    expect(() => oidcSettings(loadConfig(oidcConfigSchema, { ...full, [v]: '' }))).toThrow(new RegExp(v));
  });

  it('composes into a root schema by shape plus checkOidcConfig', () => {
    const root = z.object({ ...oidcConfigSchema.shape, OTHER: z.string().default('x') }).superRefine(checkOidcConfig);
    expect(() => loadConfig(root, { EWS_OIDC_ISSUER: full.EWS_OIDC_ISSUER })).toThrow(
      /EWS_OIDC_CLIENT_ID.*EWS_OIDC_CLIENT_SECRET.*EWS_OIDC_REDIRECT_URL/,
    );
  });

  it.each([
    ['an http issuer off loopback', { EWS_OIDC_ISSUER: 'http://id.example' }, /EWS_OIDC_ISSUER: must be https/],
    [
      'a redirect URL to another path',
      { EWS_OIDC_REDIRECT_URL: 'https://ews.example/callback' },
      /EWS_OIDC_REDIRECT_URL: must end with \/v1\/session\/oidc\/callback/,
    ],
    ['scopes without openid', { EWS_OIDC_SCOPES: 'profile email' }, /EWS_OIDC_SCOPES: must include openid/],
    ['a role map that is not JSON', { EWS_OIDC_ROLE_MAP: '{officers:officer}' }, /EWS_OIDC_ROLE_MAP: must be a JSON object/],
    ['a role map that is an array', { EWS_OIDC_ROLE_MAP: '["officer"]' }, /EWS_OIDC_ROLE_MAP: must be a JSON object/],
    [
      'a role map to an unknown role',
      { EWS_OIDC_ROLE_MAP: '{"ews-x":"superuser"}' },
      /EWS_OIDC_ROLE_MAP: must map to one of officer, epidemiologist, data_manager, admin \(at "ews-x"\)/,
    ],
    ['a short secret', { EWS_OIDC_CLIENT_SECRET: 'short' }, /EWS_OIDC_CLIENT_SECRET: must be at least 16/],
    ['a claim name with a space', { EWS_OIDC_ROLE_CLAIM: 'ews role' }, /EWS_OIDC_ROLE_CLAIM: must be a claim name/],
  ])('refuses %s', (_name, env, message) => {
    expect(errorOf({ ...full, ...env })).toMatch(message);
  });

  it('accepts an http issuer on loopback and a role map', () => {
    const s = oidcSettings(
      loadConfig(oidcEnvSchema, {
        ...full,
        EWS_OIDC_ISSUER: 'http://127.0.0.1:4000',
        EWS_OIDC_ROLE_CLAIM: 'groups',
        EWS_OIDC_ROLE_MAP: '{"ews-officers":"officer","ews-admins":"admin"}',
      }),
    );
    expect(s?.mapping).toMatchObject({ roleClaim: 'groups', roleMap: { 'ews-officers': 'officer', 'ews-admins': 'admin' } });
  });

  it('.env.example lists every EWS_OIDC_* variable, and its commented example values make a valid set', () => {
    const text = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    for (const key of Object.keys(oidcConfigSchema.shape)) expect(text, key).toContain(key);
    const lines = (t: string) =>
      Object.fromEntries(
        t
          .split('\n')
          .filter((l) => l.startsWith('EWS_OIDC_'))
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
    expect(oidcSettings(loadConfig(oidcEnvSchema, lines(text)))).toBeNull();
    const uncommented = lines(text.replace(/^# (EWS_OIDC_[A-Z_]+=\S*).*$/gm, '$1'));
    expect(Object.keys(uncommented)).toHaveLength(Object.keys(oidcConfigSchema.shape).length);
    expect(oidcSettings(loadConfig(oidcEnvSchema, uncommented))?.mapping.roleMap).toMatchObject({ 'ews-admins': 'admin' });
  });
});
