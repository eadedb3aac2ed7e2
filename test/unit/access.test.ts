import { describe, expect, it } from 'vitest';
import { readCookie, setCookieHeader } from '../../access/cookies.ts';
import { FREE_FAILURES, MAX_WAIT_MS, signInWaitMs } from '../../access/sign-in-throttle.ts';
import { jurisdictionProblems } from '../../access/jurisdiction-check.ts';
import { demoUsers } from '../../cli/demo-users.ts';
import { createUnitRegistry } from '../../schemas/units/registry.ts';
import { readConfig } from '../../cli/config.ts';
import { coversProvince } from '../../schemas/access.ts';

describe('sign-in slowing', () => {
  const T = 1_000_000;
  it.each([
    // failures, latest failure, now, wait (ms)
    [0, null, T, 0],
    [FREE_FAILURES, T, T, 0],
    [5, T, T, 1000],
    [5, T, T + 400, 600],
    [5, T, T + 1000, 0],
    [6, T, T, 2000],
    [8, T, T, 8000],
    [9, T, T, MAX_WAIT_MS],
    [50, T, T, MAX_WAIT_MS],
    [50, T, T + MAX_WAIT_MS, 0],
  ] as const)('%i failures, latest at %s, now %i → wait %i ms', (failures, latest, now, wait) => {
    expect(signInWaitMs(failures, latest, now)).toBe(wait);
  });
});

describe('the session cookie', () => {
  it('is written with its attributes and read back among other cookies', () => {
    const header = setCookieHeader('ews_session', 'abc_-1', { httpOnly: true, sameSite: 'Strict', path: '/', secure: true, maxAge: 60 });
    expect(header).toBe('ews_session=abc_-1; Max-Age=60; Path=/; SameSite=Strict; HttpOnly; Secure');
    expect(setCookieHeader('ews_session', '', { httpOnly: true, sameSite: 'Strict', path: '/', secure: false, maxAge: 0 })).toBe(
      'ews_session=; Max-Age=0; Path=/; SameSite=Strict; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly',
    );
    expect(() =>
      setCookieHeader('ews_session', 'a;b', { httpOnly: true, sameSite: 'Strict', path: '/', secure: false, maxAge: 1 }),
    ).toThrow();
    expect(readCookie('a=1; ews_session=xyz; b=2', 'ews_session')).toBe('xyz');
    expect(readCookie('xews_session=1', 'ews_session')).toBeUndefined();
    expect(readCookie(undefined, 'ews_session')).toBeUndefined();
  });
});

describe('jurisdictions and demo users', () => {
  const units = createUnitRegistry(readConfig({}).units);
  const known = { hasCommune: (c: string) => units.has(c), hasProvince: (p: string) => units.byProvince(p).length > 0 };

  it('names the field of an unknown province or commune', () => {
    expect(jurisdictionProblems({ level: 'national' }, known)).toEqual([]);
    expect(jurisdictionProblems({ level: 'province', province: '24' }, known)).toEqual([]);
    expect(jurisdictionProblems({ level: 'province', province: '01' }, known)).toEqual([
      { field: 'jurisdiction.province', message: 'unknown province 01 / không có tỉnh 01' },
    ]);
    expect(jurisdictionProblems({ level: 'communes', communes: ['07210', '00000'] }, known).map((p) => p.field)).toEqual([
      'jurisdiction.communes.1',
    ]);
  });

  it('the demo has an admin, a national epidemiologist, a data manager, and three officers per province, all in known units', () => {
    const users = demoUsers(units);
    expect(users.map((u) => u.username)).toEqual([
      'admin',
      'epi',
      'data',
      'bn.officer',
      'bn.commune',
      'bn.head',
      'hy.officer',
      'hy.commune',
      'hy.head',
    ]);
    for (const u of users) expect(jurisdictionProblems(u.jurisdiction, known), u.username).toEqual([]);
    for (const [prefix, province] of [
      ['bn', '24'],
      ['hy', '33'],
    ] as const) {
      const commune = users.find((u) => u.username === `${prefix}.commune`)!;
      expect(commune.jurisdiction.level).toBe('communes');
      const codes = commune.jurisdiction.level === 'communes' ? commune.jurisdiction.communes : [];
      expect(codes).toHaveLength(2);
      for (const c of codes) expect(units.get(c)?.provinceCode).toBe(province);
      expect(coversProvince(users.find((u) => u.username === `${prefix}.head`)!.jurisdiction, province)).toBe(true);
    }
  });
});
