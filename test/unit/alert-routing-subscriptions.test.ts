import { describe, expect, it } from 'vitest';
import { subscriberFromUser, userSubscriptionOf, type StoreUser, type Subscriber } from '../../alerts/officers-file.ts';
import { routeAlert, type RoutableAlert } from '../../alerts/routing.ts';
import type { SubscriptionInput } from '../../storage/subscriptions.ts';

const provinceOf = (c: string) => (c.startsWith('07') ? '24' : undefined);
const user = (over: Partial<StoreUser> = {}): StoreUser => ({
  username: 'bn.officer',
  role: 'officer',
  jurisdiction: { level: 'province', province: '24' },
  email: 'bn.officer@example.vn',
  phone: '+84912000024',
  lang: 'vi',
  disabledAt: null,
  ...over,
});
const stored = (over: Partial<SubscriptionInput> = {}): SubscriptionInput => ({
  syndromes: [],
  minLevel: 'yellow',
  channels: ['email', 'sms'],
  webhookUrl: null,
  head: false,
  active: true,
  ...over,
});
const alert = (over: Partial<RoutableAlert> = {}): RoutableAlert => ({
  family: 'dengue',
  level: 'yellow',
  area: { level: 'commune', code: '07525', communes: ['07525'] },
  ...over,
});
const subscribers = (u: StoreUser, s?: SubscriptionInput): Subscriber[] => {
  const x = subscriberFromUser(u, s && userSubscriptionOf(s));
  return x ? [x] : [];
};
const routed = (a: RoutableAlert, subs: Subscriber[], event: 'opened' | 'escalated' = 'opened') =>
  routeAlert(a, event, subs, { provinceOf }).map((r) => `${r.recipient}:${r.channel}`);

describe('routing by a stored subscription', () => {
  it('min level red drops a yellow alert and keeps a red one; without the subscription the yellow one is routed', () => {
    const red = subscribers(user(), stored({ minLevel: 'red' }));
    expect(routed(alert(), red)).toEqual([]);
    // Negative controls: the red alert reaches the same subscriber, and the default routes the yellow one.
    expect(routed(alert({ level: 'red' }), red)).toEqual(['bn.officer:email', 'bn.officer:sms']);
    expect(routed(alert(), subscribers(user()))).toEqual(['bn.officer:email', 'bn.officer:sms']);
  });

  it('only the chosen channels; the webhook to the stored URL', () => {
    expect(routed(alert(), subscribers(user(), stored({ channels: ['sms'] })))).toEqual(['bn.officer:sms']);
    const hook = subscribers(user(), stored({ channels: ['webhook'], webhookUrl: 'https://hooks.example.vn/bn' }));
    expect(routeAlert(alert(), 'opened', hook, { provinceOf })).toMatchObject([
      { channel: 'webhook', address: 'https://hooks.example.vn/bn' },
    ]);
    // A channel chosen without its address (no phone) is no route; the other still is.
    expect(routed(alert(), subscribers(user({ phone: null }), stored({ channels: ['email', 'sms'] })))).toEqual(['bn.officer:email']);
  });

  it('syndromes narrow (empty = all); inactive is nobody; any role may subscribe', () => {
    expect(routed(alert(), subscribers(user(), stored({ syndromes: ['measles_rubella'] })))).toEqual([]);
    expect(routed(alert({ family: 'measles_rubella' }), subscribers(user(), stored({ syndromes: ['measles_rubella'] })))).toHaveLength(2);
    expect(routed(alert(), subscribers(user(), stored({ active: false })))).toEqual([]);
    expect(routed(alert(), subscribers(user({ role: 'epidemiologist' })))).toEqual([]);
    expect(routed(alert(), subscribers(user({ role: 'epidemiologist' }), stored({ channels: ['email'] })))).toEqual(['bn.officer:email']);
  });

  it('a stored head hears of escalations; not a commune officer, not a non-head', () => {
    const red = alert({ level: 'red' });
    expect(routed(red, subscribers(user(), stored({ head: true, minLevel: 'red' })), 'escalated')).toEqual([
      'bn.officer:email',
      'bn.officer:sms',
    ]);
    expect(routed(red, subscribers(user(), stored()), 'escalated')).toEqual([]);
    const commune = user({ jurisdiction: { level: 'communes', communes: ['07525'] } });
    expect(routed(red, subscribers(commune, stored({ head: true })), 'escalated')).toEqual([]);
  });
});
