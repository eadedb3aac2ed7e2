import type { EvidenceItem, LifecycleAlert, LifecycleStep } from '../schemas/alert-lifecycle.ts';
import type { UnitRegistry } from '../schemas/units/registry.ts';
import type { NewNotification } from '../storage/outbox.ts';
import type { AlertChange } from './grouping.ts';
import type { AlertMessageInput, MessageEvidence } from './messages.ts';
import { placeNamesOf } from './messages.ts';
import { buildNotifications } from './notifications.ts';
import type { Subscriber } from './officers-file.ts';
import { routeAlert, type ChannelKind, type NotificationEvent } from './routing.ts';

export interface NoticeContext {
  readonly subscribers: readonly Subscriber[];
  readonly provinceOf: (commune: string) => string | undefined;
  readonly units: Pick<UnitRegistry, 'get' | 'byProvince'>;
  /** The channels configured: a route to another is not enqueued (it could never be delivered). */
  readonly channels: readonly ChannelKind[];
  /** EWS_WEBHOOK_URL as the global signed webhook, when webhooks are configured. */
  readonly globalWebhookUrl?: string | undefined;
}

/**
 * Which changes of the grouping notify, and whom (pure): an alert opened, or one that rose from
 * yellow to red. More evidence at the same level, and merges, notify nobody — one alert per
 * event means one message per event, and another when it gets worse.
 */
export function noticeEvent(c: AlertChange): NotificationEvent | null {
  if (c.change === 'opened') return 'opened';
  if (c.change === 'updated' && c.previous_level === 'yellow' && c.alert.level === 'red') return 'level_raised';
  return null;
}

/** The outbox rows of a batch of grouping changes, for the recipients routing picks. */
export function noticesOf(changes: readonly AlertChange[], ctx: NoticeContext): NewNotification[] {
  const out: NewNotification[] = [];
  for (const c of changes) {
    const event = noticeEvent(c);
    if (event === null) continue;
    const routes = routeAlert(c.alert, event, ctx.subscribers, {
      provinceOf: ctx.provinceOf,
      globalWebhookUrl: ctx.channels.includes('webhook') ? ctx.globalWebhookUrl : undefined,
    }).filter((r) => ctx.channels.includes(r.channel));
    if (routes.length === 0) continue;
    out.push(...buildNotifications(c.alert, event, routes, messageInputOf(c.alert, event, ctx.units, c.previous_level)));
  }
  return out;
}

/** What the message of an alert's event says: its place, days, the latest figures and every piece of evidence. */
export function messageInputOf(
  alert: LifecycleAlert,
  event: NotificationEvent,
  units: Pick<UnitRegistry, 'get' | 'byProvince'>,
  previousLevel: LifecycleAlert['level'] | null,
): AlertMessageInput {
  const latest = [...alert.evidence].sort((a, b) => (a.day !== b.day ? (a.day < b.day ? 1 : -1) : b.observed - a.observed))[0];
  return {
    event,
    alert_id: alert.id,
    syndrome: alert.family,
    level: alert.level,
    ...(event === 'level_raised' && previousLevel !== null ? { previous_level: previousLevel } : {}),
    place: placeNamesOf(units, { area_level: alert.area.level, commune_code: alert.area.code, cluster_communes: alert.area.communes }),
    first_day: alert.first_day,
    last_day: alert.last_day,
    at: alert.updated_at,
    observed: latest?.observed ?? 0,
    expected: latest?.expected ?? null,
    evidence: alert.evidence.map(messageEvidence),
  };
}

const messageEvidence = (e: EvidenceItem): MessageEvidence => ({
  algorithm: e.algorithm,
  series: e.series,
  day: e.day,
  observed: e.observed,
  expected: e.expected,
  threshold: e.threshold,
  p_value: e.p_value,
});

/**
 * The outbox rows that re-notify an unacknowledged red alert one level up (the province
 * heads): routed as `escalated`, saying how long it waited.
 */
export function escalationNotices(alert: LifecycleAlert, at: string, ctx: NoticeContext): NewNotification[] {
  const routes = routeAlert(alert, 'escalated', ctx.subscribers, { provinceOf: ctx.provinceOf }).filter((r) =>
    ctx.channels.includes(r.channel),
  );
  if (routes.length === 0) return [];
  const message: AlertMessageInput = {
    ...messageInputOf(alert, 'escalated', ctx.units, null),
    at,
    unacknowledged_minutes: Math.round((Date.parse(at) - Date.parse(alert.level_since)) / 60_000),
  };
  return buildNotifications(alert, 'escalated', routes, message);
}

/**
 * Which lifecycle steps notify (pure): the declared end of an outbreak, to everyone its opening
 * went to (the same routing). Other steps are the officers' own work and notify nobody.
 */
export function stepNoticeEvent(step: Pick<LifecycleStep, 'action'>): NotificationEvent | null {
  return step.action === 'declare_outbreak_end' ? 'outbreak_ended' : null;
}

/**
 * The outbox rows of one lifecycle step, for the store's transition hook: `alert` is the
 * version the step wrote, so each row's idempotency key is that version × recipient × channel
 * (the same step replayed enqueues nothing new). Says who declared it, when, and the notes.
 */
export function transitionNotices(alert: LifecycleAlert, step: LifecycleStep, ctx: NoticeContext): NewNotification[] {
  const event = stepNoticeEvent(step);
  if (event === null) return [];
  const routes = routeAlert(alert, event, ctx.subscribers, {
    provinceOf: ctx.provinceOf,
    globalWebhookUrl: ctx.channels.includes('webhook') ? ctx.globalWebhookUrl : undefined,
  }).filter((r) => ctx.channels.includes(r.channel));
  if (routes.length === 0) return [];
  const message: AlertMessageInput = {
    ...messageInputOf(alert, event, ctx.units, null),
    at: step.at,
    declared_by: step.actor,
    ...(step.notes !== null && step.notes.trim() !== '' ? { note: step.notes } : {}),
  };
  return buildNotifications(alert, event, routes, message);
}
