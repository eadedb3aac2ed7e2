import { describe, expect, it } from 'vitest';
import type { Subscriber } from '../../alerts/officers-file.ts';
import { GLOBAL_WEBHOOK_RECIPIENT, routeAlert, type RoutableAlert } from '../../alerts/routing.ts';
import type { Jurisdiction } from '../../schemas/access.ts';

const provinceOf = (c: string) => (c.startsWith('07') ? '24' : c.startsWith('11') ? '33' : undefined);
const sub = (username: string, jurisdiction: Jurisdiction, over: Partial<Subscriber> = {}): Subscriber => ({
  username,
  name: username,
  role: 'officer',
  jurisdiction,
  syndromes: 'all',
  minLevel: 'yellow',
  channels: { email: `${username}@example.vn` },
  lang: 'vi',
  head: false,
  ...over,
});
const P24 = { level: 'province', province: '24' } as const;
const P33 = { level: 'province', province: '33' } as const;
const SUBS: Subscriber[] = [
  sub('nat', { level: 'national' }),
  sub('p24', P24),
  sub('p33', P33),
  sub('chu', { level: 'communes', communes: ['07525'] }),
  sub('phohien', { level: 'communes', communes: ['11953'] }),
  sub('p24.dengue', P24, { syndromes: ['dengue'] }),
  sub('p24.red', P24, { minLevel: 'red' }),
  sub('head24', P24, { head: true, minLevel: 'red', syndromes: ['cholera'] }),
  sub('head33', P33, { head: true }),
];
const alert = (
  level: RoutableAlert['area']['level'],
  code: string,
  communes: string[],
  over: Partial<RoutableAlert> = {},
): RoutableAlert => ({
  family: 'dengue',
  level: 'yellow',
  area: { level, code, communes },
  ...over,
});
const who = (a: RoutableAlert, event: Parameters<typeof routeAlert>[1] = 'opened') =>
  [...new Set(routeAlert(a, event, SUBS, { provinceOf }).map((r) => r.recipient))].sort();

describe('routing by jurisdiction, syndrome and level', () => {
  it.each([
    [
      'a commune alert in Chũ: its commune officer, province 24, national',
      alert('commune', '07525', ['07525']),
      ['chu', 'nat', 'p24', 'p24.dengue'],
    ],
    ['another commune of 24: not the Chũ officer', alert('commune', '07612', ['07612']), ['nat', 'p24', 'p24.dengue']],
    ['a cluster centred elsewhere that contains Chũ', alert('cluster', '07612', ['07612', '07525']), ['chu', 'nat', 'p24', 'p24.dengue']],
    ['a province 24 alert naming no commune', alert('province', '24', []), ['nat', 'p24', 'p24.dengue']],
    ['a province 33 alert whose evidence names Phố Hiến', alert('province', '33', ['11953']), ['head33', 'nat', 'p33', 'phohien']],
    [
      'a cluster across the border reaches both provinces',
      alert('cluster', '07525', ['07525', '11953']),
      ['chu', 'head33', 'nat', 'p24', 'p24.dengue', 'p33', 'phohien'],
    ],
    ['another syndrome: not the dengue-only officer', alert('commune', '07525', ['07525'], { family: 'cholera' }), ['chu', 'nat', 'p24']],
    [
      'red: the red-only officer and the head subscribed to it too',
      alert('commune', '07525', ['07525'], { level: 'red', family: 'cholera' }),
      ['chu', 'head24', 'nat', 'p24', 'p24.red'],
    ],
    ['an unknown commune: national only', alert('commune', '99999', ['99999']), ['nat']],
  ])('%s', (_, a, expected) => {
    expect(who(a)).toEqual(expected);
  });

  it('escalation goes to the head(s) of the alert province only, whatever their subscription', () => {
    expect(who(alert('commune', '07525', ['07525'], { level: 'red' }), 'escalated')).toEqual(['head24']);
    expect(who(alert('cluster', '07525', ['07525', '11953'], { level: 'red' }), 'escalated')).toEqual(['head24', 'head33']);
    expect(who(alert('province', '33', [], { level: 'red' }), 'escalated')).toEqual(['head33']);
  });

  it('one route per recipient and channel, each with its address and language; the global webhook last', () => {
    const s = [
      sub('x', P24, { lang: 'en', channels: { email: 'x@e.vn', phone: '+84900000000', webhook: 'https://h.example/x' } }),
      sub('x', P24),
    ];
    const routes = routeAlert(alert('province', '24', []), 'opened', s.slice(0, 1).concat(s.slice(0, 1)), {
      provinceOf,
      globalWebhookUrl: 'https://hooks.example/all',
    });
    expect(routes).toEqual([
      { recipient: 'x', channel: 'email', address: 'x@e.vn', lang: 'en' },
      { recipient: 'x', channel: 'sms', address: '+84900000000', lang: 'en' },
      { recipient: 'x', channel: 'webhook', address: 'https://h.example/x', lang: 'en' },
      { recipient: GLOBAL_WEBHOOK_RECIPIENT, channel: 'webhook', address: 'https://hooks.example/all', lang: 'vi' },
    ]);
  });
});
