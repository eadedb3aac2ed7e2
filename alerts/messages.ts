/**
 * Notification text for an alert event, in Vietnamese (with diacritics) or English: an email
 * (subject + plain-text body), a one-line webhook summary and an SMS (./sms-text.ts). Pure:
 * the caller resolves the names (syndrome ids are named here; commune and province names come
 * from the unit registry) and passes the base URL of the web page.
 *
 * Every message says what (syndrome), where (commune and province), when (the alert's days
 * and the time of the event, Asia/Ho_Chi_Minh), observed against expected, the level, the
 * evidence (detector, observed, expected, threshold, p-value) and links to the alert page,
 * `<baseUrl>/alerts/<alert_id>`.
 */
import {
  LEVEL_WORD,
  algorithmName,
  formatDay,
  formatInstant,
  formatNumber,
  formatP,
  placeText,
  seriesName,
  type Language,
  type MessageLevel,
  type PlaceNames,
} from './message-words.ts';
import type { Signal } from '../schemas/signals.ts';
import type { UnitRegistry } from '../schemas/units/registry.ts';
import { alertSms, type SmsEvent, type SmsText } from './sms-text.ts';

export type { Language, PlaceNames } from './message-words.ts';
export type AlertMessageEvent = SmsEvent;

/** One piece of evidence (a detector signal or a rule hit) as the message shows it. */
export interface MessageEvidence {
  readonly algorithm: string;
  /** Series id, e.g. `dengue` or `lab_dengue`. */
  readonly series: string;
  /** Where this evidence was measured, when it differs from the alert's place (e.g. the province). */
  readonly place?: PlaceNames | undefined;
  readonly day: string;
  readonly observed: number;
  readonly expected: number | null;
  readonly threshold: number | null;
  readonly p_value: number | null;
}

export interface AlertMessageInput {
  readonly event: AlertMessageEvent;
  readonly alert_id: string;
  readonly syndrome: string;
  readonly level: MessageLevel;
  /** Level before a `level_raised` event. */
  readonly previous_level?: MessageLevel | undefined;
  readonly place: PlaceNames;
  /** First and last day of the alert, YYYY-MM-DD (local days). */
  readonly first_day: string;
  readonly last_day: string;
  /** When the event happened (ISO instant): opening, raise, escalation or declaration. */
  readonly at: string;
  readonly observed: number;
  readonly expected: number | null;
  readonly evidence: readonly MessageEvidence[];
  /** `escalated`: how long the red alert went unacknowledged, minutes. */
  readonly unacknowledged_minutes?: number | undefined;
  /** `outbreak_ended`: who declared it and any note, shown as given. */
  readonly declared_by?: string | undefined;
  readonly note?: string | undefined;
}

export interface AlertMessage {
  readonly subject: string;
  readonly text: string;
  /** One line for chat webhooks (Zalo, Telegram): level, what, where, counts, link. */
  readonly summary: string;
  readonly sms: SmsText;
  readonly link: string;
}

/** `<baseUrl>/alerts/<id>`, the base URL's trailing slashes ignored. */
export function alertLink(baseUrl: string, alertId: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/alerts/${encodeURIComponent(alertId)}`;
}

const T = {
  vi: {
    subject: {
      opened: (l: string) => `[Cảnh báo ${l}]`,
      level_raised: (l: string) => `[Nâng mức cảnh báo ${l}]`,
      escalated: (l: string) => `[Chuyển cấp - cảnh báo ${l} chưa được xử lý]`,
      outbreak_ended: () => '[Đã công bố kết thúc dịch]',
    },
    lead: {
      opened: 'Hệ thống cảnh báo sớm đã mở một cảnh báo mới.',
      level_raised: (from: string, to: string) => `Mức cảnh báo được nâng từ ${from} lên ${to} do có thêm bằng chứng.`,
      escalated: (d: string) => `Cảnh báo ĐỎ chưa được tiếp nhận sau ${d}; chuyển lên lãnh đạo tuyến tỉnh.`,
      outbreak_ended: 'Đã công bố kết thúc dịch: ổ dịch của cảnh báo này đã kết thúc.',
    },
    what: 'Bệnh/hội chứng',
    where: 'Địa bàn',
    when: 'Thời gian',
    from: (a: string, b: string) => (a === b ? `ngày ${b}` : `từ ${a} đến ${b}`),
    at: (t: string) => `Cập nhật lúc ${t.replace(' ', ' ngày ')} (giờ Việt Nam)`,
    declaredAt: (t: string) => `Công bố lúc ${t.replace(' ', ' ngày ')} (giờ Việt Nam)`,
    counts: (o: string, e: string | null) => `Ghi nhận ${o} ca${e === null ? '' : `, kỳ vọng ${e} ca`}`,
    level: 'Mức cảnh báo',
    evidence: 'Bằng chứng',
    observed: 'ghi nhận',
    expected: 'kỳ vọng',
    threshold: 'ngưỡng',
    declaredBy: 'Người công bố',
    note: 'Ghi chú',
    link: 'Xem chi tiết và xử lý cảnh báo',
    hours: (m: number) => (m % 60 === 0 ? `${m / 60} giờ` : `${m} phút`),
    cases: 'ca',
  },
  en: {
    subject: {
      opened: (l: string) => `[${l} alert]`,
      level_raised: (l: string) => `[Alert raised to ${l}]`,
      escalated: (l: string) => `[Escalated - ${l} alert not acknowledged]`,
      outbreak_ended: () => '[Outbreak declared over]',
    },
    lead: {
      opened: 'The early-warning system opened a new alert.',
      level_raised: (from: string, to: string) => `The alert was raised from ${from} to ${to} as evidence grew.`,
      escalated: (d: string) => `A RED alert was not acknowledged within ${d}; escalated to the province head.`,
      outbreak_ended: 'Outbreak declared over: the outbreak behind this alert has ended.',
    },
    what: 'Syndrome',
    where: 'Area',
    when: 'Days',
    from: (a: string, b: string) => (a === b ? b : `${a} to ${b}`),
    at: (t: string) => `Updated ${t} (Vietnam time, UTC+7)`,
    declaredAt: (t: string) => `Declared ${t} (Vietnam time, UTC+7)`,
    counts: (o: string, e: string | null) => `Observed ${o}${e === null ? '' : `, expected ${e}`}`,
    level: 'Level',
    evidence: 'Evidence',
    observed: 'observed',
    expected: 'expected',
    threshold: 'threshold',
    declaredBy: 'Declared by',
    note: 'Note',
    link: 'Details and actions',
    hours: (m: number) => (m % 60 === 0 ? `${m / 60} h` : `${m} min`),
    cases: 'cases',
  },
} as const;

function evidenceLine(e: MessageEvidence, lang: Language): string {
  const t = T[lang];
  const parts = [`${t.observed} ${formatNumber(e.observed, lang)}`];
  if (e.expected !== null) parts.push(`${t.expected} ${formatNumber(e.expected, lang)}`);
  if (e.threshold !== null) parts.push(`${t.threshold} ${formatNumber(e.threshold, lang)}`);
  if (e.p_value !== null) parts.push(`p ${formatP(e.p_value, lang)}`);
  const where = e.place === undefined ? '' : `, ${placeText(e.place, lang)}`;
  return `- ${algorithmName(e.algorithm, lang)} · ${seriesName(e.series, lang)}${where}, ${formatDay(e.day)}: ${parts.join(', ')}`;
}

/** The email, webhook summary and SMS of one alert event in one language. */
export function renderAlertMessage(input: AlertMessageInput, lang: Language, baseUrl: string): AlertMessage {
  const t = T[lang];
  const level = LEVEL_WORD[lang][input.level];
  const what = seriesName(input.syndrome, lang);
  const where = placeText(input.place, lang);
  const link = alertLink(baseUrl, input.alert_id);
  const expected = input.expected === null ? null : formatNumber(input.expected, lang);
  const counts = t.counts(formatNumber(input.observed, lang), expected);

  const lead =
    input.event === 'level_raised'
      ? t.lead.level_raised(LEVEL_WORD[lang][input.previous_level ?? 'yellow'], level)
      : input.event === 'escalated'
        ? t.lead.escalated(t.hours(input.unacknowledged_minutes ?? 120))
        : t.lead[input.event];
  const lines = [
    lead,
    '',
    `${t.what}: ${what}`,
    `${t.where}: ${where}`,
    `${t.when}: ${t.from(formatDay(input.first_day), formatDay(input.last_day))}`,
    `${t.level}: ${level}`,
    counts,
    input.event === 'outbreak_ended' ? t.declaredAt(formatInstant(input.at)) : t.at(formatInstant(input.at)),
  ];
  if (input.event === 'outbreak_ended' && input.declared_by !== undefined) lines.push(`${t.declaredBy}: ${input.declared_by}`);
  if (input.note !== undefined && input.note.trim() !== '') lines.push(`${t.note}: ${input.note.trim()}`);
  if (input.evidence.length > 0) lines.push('', `${t.evidence}:`, ...input.evidence.map((e) => evidenceLine(e, lang)));
  lines.push('', `${t.link}: ${link}`);

  const subject = `${t.subject[input.event](level)} ${what} - ${where} - ${formatDay(input.last_day)}`;
  const summary = `${t.subject[input.event](level)} ${what} - ${where}: ${counts}. ${link}`;
  const sms = alertSms(
    {
      event: input.event,
      level: input.level,
      syndrome: input.syndrome,
      commune: input.place.commune,
      communeType: input.place.communeType,
      province: input.place.province,
      observed: input.observed,
      expected: input.expected,
      day: input.last_day,
      link,
    },
    lang,
  );
  return { subject, text: `${lines.join('\n')}\n`, summary, sms, link };
}

/**
 * The names of an alert's area from the unit registry: a commune (its province from the same
 * row), a province (`area_level` province, the code is the province code) or a cluster (its
 * centre commune and size). Unknown codes are shown as the code itself.
 */
export function placeNamesOf(
  units: Pick<UnitRegistry, 'get' | 'byProvince'>,
  area: { area_level: 'commune' | 'province' | 'cluster'; commune_code: string; cluster_communes?: readonly string[] | undefined },
): PlaceNames {
  if (area.area_level === 'province') {
    return { province: units.byProvince(area.commune_code)[0]?.provinceName ?? area.commune_code };
  }
  const u = units.get(area.commune_code);
  const clusterSize = area.area_level === 'cluster' ? Math.max(1, area.cluster_communes?.length ?? 1) : undefined;
  if (u === undefined) return { commune: area.commune_code, province: '?', clusterSize };
  return { commune: u.name, communeType: u.type, province: u.provinceName, clusterSize };
}

/** A detector signal or rule hit as a line of evidence; `place` when it was measured elsewhere. */
export function evidenceFromSignal(s: Signal, place?: PlaceNames): MessageEvidence {
  return {
    algorithm: s.algorithm,
    series: s.syndrome,
    place,
    day: s.day,
    observed: s.observed,
    expected: s.expected,
    threshold: s.upperbound,
    p_value: s.p_value,
  };
}
