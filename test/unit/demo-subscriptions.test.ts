import { describe, expect, it } from 'vitest';
import { demoUsers, routedLines } from '../../cli/demo-users.ts';
import { readConfig } from '../../cli/config.ts';
import { subscriberFromUser, userSubscriptionOf } from '../../alerts/officers-file.ts';
import { routeAlert, type RoutableAlert } from '../../alerts/routing.ts';
import { createUnitRegistry } from '../../schemas/units/registry.ts';
import type { NewNotification } from '../../storage/outbox.ts';

const units = createUnitRegistry(readConfig({ EWS_PSEUDONYM_KEY: 'test-key-test-key-test-key-test-key' }).units);
const provinceOf = (c: string) => units.get(c)?.provinceCode;
const subscribers = demoUsers(units)
  .map((u) =>
    subscriberFromUser(
      { ...u, email: u.email ?? null, phone: u.phone ?? null, lang: u.lang ?? 'vi', disabledAt: null },
      u.subscription && userSubscriptionOf(u.subscription),
    ),
  )
  .filter((s) => s !== undefined);

describe("the demo's officers and their subscriptions", () => {
  const users = demoUsers(units);
  const commune = users.find((u) => u.username === 'bn.commune')!;
  const code = commune.jurisdiction.level === 'communes' ? commune.jurisdiction.communes[0]! : '';
  const alert = (over: Partial<RoutableAlert> = {}): RoutableAlert => ({
    family: 'dengue',
    level: 'yellow',
    area: { level: 'commune', code, communes: [code] },
    ...over,
  });
  const routed = (a: RoutableAlert, event: 'opened' | 'escalated' = 'opened') =>
    routeAlert(a, event, subscribers, { provinceOf }).map((r) => `${r.recipient}:${r.channel}:${r.lang}`);

  it('officers of both provinces have addresses, a mix of languages, and the admin, epi and data users are not notified', () => {
    expect(subscribers.map((s) => s.username)).toEqual(['bn.officer', 'bn.commune', 'bn.head', 'hy.officer', 'hy.commune', 'hy.head']);
    expect(new Set(subscribers.map((s) => s.lang))).toEqual(new Set(['vi', 'en']));
    expect(subscribers.filter((s) => s.head).map((s) => s.username)).toEqual(['bn.head', 'hy.head']);
  });

  it("a yellow dengue alert in the commune officer's commune reaches the province and commune officers; red adds the head; escalation only the head", () => {
    expect(routed(alert())).toEqual(['bn.commune:sms:vi', 'bn.officer:email:vi', 'bn.officer:sms:vi']);
    expect(routed(alert({ level: 'red' }))).toEqual(['bn.commune:sms:vi', 'bn.head:email:en', 'bn.officer:email:vi', 'bn.officer:sms:vi']);
    expect(routed(alert({ level: 'red' }), 'escalated')).toEqual(['bn.head:email:en']);
    // Negative control: a syndrome outside the commune officer's list reaches only the province officer.
    expect(routed(alert({ family: 'ili' }))).toEqual(['bn.officer:email:vi', 'bn.officer:sms:vi']);
  });

  it('prints who is notified, and who would be on a channel not configured', () => {
    const n = (recipient: string, channel: 'email' | 'sms'): NewNotification => ({
      alertId: 'A1',
      alertVersion: 1,
      event: 'opened',
      recipient,
      channel,
      address: 'x',
      lang: 'vi',
      payload: {},
    });
    expect(routedLines([], [n('bn.officer', 'email'), n('bn.officer', 'sms'), n('bn.commune', 'sms')])).toEqual([
      '  → thông báo/notify opened A1: nobody queued / không gửi; not sent, channel not configured / kênh chưa cấu hình: bn.officer (email, sms), bn.commune (sms)',
    ]);
    expect(routedLines([n('bn.officer', 'email')], [n('bn.officer', 'sms')])).toEqual([
      '  → thông báo/notify opened A1: bn.officer (email); not sent, channel not configured / kênh chưa cấu hình: bn.officer (sms)',
    ]);
  });
});
