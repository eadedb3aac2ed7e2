import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DEMO_OFFICERS_FILE,
  mergeSubscribers,
  parseOfficersFile,
  subscriberFromUser,
  type StoreUser,
  type Subscriber,
} from '../../alerts/officers-file.ts';
import { SYNDROME_IDS } from '../../schemas/code-tables/syndromes.ts';

const entry = (over: Record<string, unknown> = {}) => ({
  username: 'bn.tinh',
  name: 'Nguyễn Văn An',
  jurisdiction: { level: 'province', province: '24' },
  channels: { email: 'a@example.vn' },
  ...over,
});
const file = (...officers: unknown[]) => JSON.stringify({ officers });
const problems = (text: string): string[] => {
  try {
    parseOfficersFile(text, { knownSyndromes: SYNDROME_IDS });
  } catch (e) {
    return (e as { details: { problems: string[] } }).details.problems;
  }
  return [];
};

describe('officers file', () => {
  it('the shipped demo file is valid: both provinces, a province officer, a commune officer and the head each', () => {
    const officers = parseOfficersFile(readFileSync(DEMO_OFFICERS_FILE, 'utf8'), { knownSyndromes: SYNDROME_IDS });
    for (const p of ['24', '33']) {
      const inP = officers.filter(
        (o) =>
          (o.jurisdiction.level === 'province' && o.jurisdiction.province === p) ||
          (o.jurisdiction.level === 'communes' &&
            o.jurisdiction.communes.every((c) => (p === '24' ? c.startsWith('07') : c.startsWith('11')))),
      );
      expect(inP.filter((o) => o.jurisdiction.level === 'province' && !o.head)).toHaveLength(1);
      expect(inP.filter((o) => o.jurisdiction.level === 'communes')).toHaveLength(1);
      expect(inP.filter((o) => o.head)).toHaveLength(1);
    }
  });

  it('applies the defaults: role officer, all syndromes, from yellow, Vietnamese, not a head', () => {
    expect(parseOfficersFile(file(entry()))[0]).toEqual({
      username: 'bn.tinh',
      name: 'Nguyễn Văn An',
      role: 'officer',
      jurisdiction: { level: 'province', province: '24' },
      syndromes: 'all',
      minLevel: 'yellow',
      channels: { email: 'a@example.vn' },
      lang: 'vi',
      head: false,
    });
  });

  it('reads YAML as well as JSON', () => {
    const o = parseOfficersFile(
      'officers:\n  - username: x.y\n    name: X\n    jurisdiction: {level: national}\n    channels: {phone: "+84912345678"}\n    lang: en\n    min_level: red\n',
    );
    expect(o[0]).toMatchObject({ username: 'x.y', minLevel: 'red', lang: 'en', channels: { phone: '+84912345678' } });
  });

  it.each([
    [
      file(entry(), entry({ username: 'bb', channels: { email: 'nope' } }), entry({ username: 'cc', channels: { email: 'bad' } })),
      'officers[2].channels.email: must be an e-mail address',
    ],
    [file(entry({ channels: {} })), 'officers[0].channels: must give at least one of email, phone, webhook'],
    [file(entry({ channels: { phone: '12' } })), 'officers[0].channels.phone: must be a phone number'],
    [file(entry({ channels: { webhook: 'ftp://x' } })), 'officers[0].channels.webhook: must be an http(s) URL'],
    [
      file(entry({ jurisdiction: { level: 'province', province: '7' } })),
      'officers[0].jurisdiction.province: must be a 2-digit province code',
    ],
    [file(entry({ lang: 'fr' })), 'officers[0].lang: must be "vi" or "en"'],
    [file(entry({ min_level: 'orange' })), 'officers[0].min_level: must be "yellow" or "red"'],
    [file(entry({ syndromes: ['dengue', 'plague_x'] })), 'officers[0].syndromes[1]: unknown syndrome "plague_x"'],
    [
      file(entry({ head: true, jurisdiction: { level: 'communes', communes: ['07525'] } })),
      'officers[0].head: a head is the head of a province',
    ],
    [file(entry(), entry()), 'officers[1].username: "bn.tinh" is already used by officers[0]'],
    [file(entry({ phone_number: 1 })), 'officers[0]: unknown field "phone_number"'],
    ['officers: [', 'not valid YAML or JSON'],
    ['{}', 'officers: must be a list of officers'],
  ])('refuses bad file #%# naming the entry: %$', (text, expected) => {
    const p = problems(text);
    expect(p.some((m) => m.startsWith(expected))).toBe(true);
  });

  it('a valid entry is not reported (negative control of the table above)', () => {
    expect(problems(file(entry(), entry({ username: 'bb' })))).toEqual([]);
  });
});

describe('subscribers from the operational store, merged with the file', () => {
  const user = (over: Partial<StoreUser> = {}): StoreUser => ({
    username: 'bn.tinh',
    role: 'officer',
    jurisdiction: { level: 'province', province: '24' },
    email: 'store@example.vn',
    phone: '+84900000001',
    lang: 'en',
    disabledAt: null,
    ...over,
  });

  it('officers subscribe by default; other roles only with a subscription; disabled users and users without a channel never', () => {
    expect(subscriberFromUser(user())).toMatchObject({
      syndromes: 'all',
      minLevel: 'yellow',
      lang: 'en',
      channels: { email: 'store@example.vn', phone: '+84900000001' },
    });
    expect(subscriberFromUser(user({ role: 'epidemiologist' }))).toBeUndefined();
    expect(subscriberFromUser(user({ role: 'epidemiologist' }), { minLevel: 'red', syndromes: ['dengue'] })).toMatchObject({
      minLevel: 'red',
      syndromes: ['dengue'],
    });
    expect(subscriberFromUser(user({ disabledAt: '2026-12-01T00:00:00Z' }))).toBeUndefined();
    expect(subscriberFromUser(user({ email: null, phone: null }))).toBeUndefined();
  });

  it('the file entry wins, the store fills the channels it leaves out; disabled usernames are dropped', () => {
    const [fromFile] = parseOfficersFile(file(entry({ lang: 'vi', channels: { email: 'file@example.vn' } })));
    const fromUser = subscriberFromUser(user())!;
    const other = subscriberFromUser(user({ username: 'aa.other' }))!;
    const merged = mergeSubscribers([fromFile!], [fromUser, other]);
    expect(merged.map((s) => s.username)).toEqual(['aa.other', 'bn.tinh']);
    expect(merged[1]).toMatchObject({
      lang: 'vi',
      channels: { email: 'file@example.vn', phone: '+84900000001' },
    } satisfies Partial<Subscriber>);
    expect(mergeSubscribers([fromFile!], [fromUser], new Set(['bn.tinh']))).toEqual([]);
  });
});
