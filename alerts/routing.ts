/**
 * Who is notified of an alert event, on which channel (issue 10). Pure: an alert, the event
 * and the subscribers in; recipients × channel out, ordered by username then channel.
 *
 * - By jurisdiction: a commune officer when one of their communes is in the alert's area
 *   (its code and every commune its evidence names); a province officer when the alert's
 *   province is theirs (a cluster reaching into their province counts); national officers always.
 * - By subscription: the alert's syndrome family among their syndromes (or `all`), and the
 *   alert's level at least their minimum level (a red-only subscriber hears of red alerts).
 *   Both come from the officers file's entry or the user's stored subscription
 *   (storage/subscriptions.ts, through officers-file.ts subscriberFromUser).
 * - Escalation (`escalated`, an unacknowledged red alert one level up): the heads whose
 *   jurisdiction covers the alert's province, whatever their syndromes and minimum level.
 */
import type { AlertArea, AlertLevel } from '../schemas/alert-lifecycle.ts';
import type { Lang } from '../schemas/access.ts';
import type { Subscriber } from './officers-file.ts';

export const CHANNELS = ['email', 'sms', 'webhook'] as const;
export type ChannelKind = (typeof CHANNELS)[number];

export const NOTIFICATION_EVENTS = ['opened', 'level_raised', 'escalated', 'outbreak_ended'] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

/** What routing reads of an alert (a LifecycleAlert has all of it). */
export interface RoutableAlert {
  readonly family: string;
  readonly level: AlertLevel;
  readonly area: AlertArea;
}

export interface Route {
  /** Username, or {@link GLOBAL_WEBHOOK_RECIPIENT} for EWS_WEBHOOK_URL. */
  readonly recipient: string;
  readonly channel: ChannelKind;
  /** E-mail address, phone number or webhook URL. */
  readonly address: string;
  readonly lang: Lang;
}

/** The recipient name of the global webhook (EWS_WEBHOOK_URL): not a valid username, so never a clash. */
export const GLOBAL_WEBHOOK_RECIPIENT = '*webhook';

export interface RoutingOptions {
  /** Province code of a commune code (the unit registry); undefined when unknown. */
  readonly provinceOf: (commune: string) => string | undefined;
  /** EWS_WEBHOOK_URL: receives every event of every alert, in `globalWebhookLang` (default vi). */
  readonly globalWebhookUrl?: string | undefined;
  readonly globalWebhookLang?: Lang | undefined;
}

const RANK: Record<AlertLevel, number> = { yellow: 0, red: 1 };

/** The communes of an alert's area: its code (commune, cluster centre) and every commune of its evidence. */
export function alertCommunes(area: AlertArea): string[] {
  return [...new Set([...(area.level === 'province' ? [] : [area.code]), ...area.communes])];
}

/** The provinces an alert's area touches: its own, and those of its communes. */
export function alertProvinces(area: AlertArea, provinceOf: RoutingOptions['provinceOf']): string[] {
  const out = new Set<string>();
  if (area.level === 'province') out.add(area.code);
  for (const c of alertCommunes(area)) {
    const p = provinceOf(c);
    if (p !== undefined) out.add(p);
  }
  return [...out];
}

/** Does the subscriber's jurisdiction include some of the alert's area? */
export function inJurisdiction(s: Subscriber, area: AlertArea, provinceOf: RoutingOptions['provinceOf']): boolean {
  const j = s.jurisdiction;
  switch (j.level) {
    case 'national':
      return true;
    case 'province':
      return alertProvinces(area, provinceOf).includes(j.province);
    case 'communes':
      return alertCommunes(area).some((c) => j.communes.includes(c));
  }
}

function subscribes(s: Subscriber, alert: RoutableAlert): boolean {
  return (s.syndromes === 'all' || s.syndromes.includes(alert.family)) && RANK[alert.level] >= RANK[s.minLevel];
}

function routesOf(s: Subscriber): Route[] {
  const out: Route[] = [];
  const c = s.channels;
  if (c.email !== undefined) out.push({ recipient: s.username, channel: 'email', address: c.email, lang: s.lang });
  if (c.phone !== undefined) out.push({ recipient: s.username, channel: 'sms', address: c.phone, lang: s.lang });
  if (c.webhook !== undefined) out.push({ recipient: s.username, channel: 'webhook', address: c.webhook, lang: s.lang });
  return out;
}

/** The recipients × channel of one alert event (see the rules at the top of this file). */
export function routeAlert(
  alert: RoutableAlert,
  event: NotificationEvent,
  subscribers: readonly Subscriber[],
  options: RoutingOptions,
): Route[] {
  const chosen =
    event === 'escalated'
      ? subscribers.filter((s) => s.head && s.jurisdiction.level !== 'communes' && inJurisdiction(s, alert.area, options.provinceOf))
      : subscribers.filter((s) => inJurisdiction(s, alert.area, options.provinceOf) && subscribes(s, alert));
  const routes = new Map<string, Route>();
  for (const s of chosen) for (const r of routesOf(s)) routes.set(`${r.recipient}\u0000${r.channel}`, r);
  const out = [...routes.values()].sort((a, b) =>
    a.recipient !== b.recipient ? (a.recipient < b.recipient ? -1 : 1) : CHANNELS.indexOf(a.channel) - CHANNELS.indexOf(b.channel),
  );
  if (options.globalWebhookUrl !== undefined) {
    out.push({
      recipient: GLOBAL_WEBHOOK_RECIPIENT,
      channel: 'webhook',
      address: options.globalWebhookUrl,
      lang: options.globalWebhookLang ?? 'vi',
    });
  }
  return out;
}
