/**
 * Data quality per hospital (issue 11): the pure rules behind GET /v1/data-quality, shared by
 * the store (which passes the non-informative list to its SQL) and the route (which applies
 * the volume and silence rules to what the store read). No I/O here.
 */

/**
 * Chief complaints that say nothing about the illness, after `normalizeComplaint`. Started
 * from ESSENCE's non-informative chief-complaint list (triage placeholders, refills, tests),
 * with the Vietnamese phrases hospitals here write for the same things.
 */
export const NON_INFORMATIVE_COMPLAINTS: readonly string[] = Object.freeze(
  [
    // English (ESSENCE-style)
    'see triage',
    'see triage note',
    'per triage',
    'triage',
    'ill',
    'sick',
    'not feeling well',
    'eval',
    'evaluation',
    'medical eval',
    'follow up',
    'f/u',
    'fu',
    'recheck',
    're-check',
    'check up',
    'checkup',
    'medication refill',
    'med refill',
    'refill',
    'rx refill',
    'n/a',
    'na',
    'none',
    'unknown',
    'unk',
    'other',
    '?',
    '??',
    '???',
    'test',
    'testing',
    'xxx',
    'x',
    // Vietnamese
    'khám',
    'khám bệnh',
    'khám sức khỏe',
    'khám sức khoẻ',
    'tái khám',
    'lấy thuốc',
    'cấp thuốc',
    'xem',
    'không rõ',
    'chưa rõ',
    'khác',
    'mệt',
    'ốm',
  ].map(normalizeComplaint),
);

/**
 * The form complaints are compared in: Unicode NFC, lower case, the separators
 * `space tab CR LF . , ; : ! / _ -` collapsed to one space, trimmed. The store does the same
 * in SQL (storage/data-quality.ts COMPLAINT_SQL); "?" is kept, being a complaint of its own.
 */
export function normalizeComplaint(text: string): string {
  return text
    .normalize('NFC')
    .toLowerCase()
    .replace(/[ \t\r\n.,;:!/_-]+/g, ' ')
    .trim();
}

/**
 * Whether an encounter tells anything about the illness: it has a diagnosis code, or a chief
 * complaint that is not empty and not in NON_INFORMATIVE_COMPLAINTS. (Lab results are not
 * classified: a test code and a result are their content.)
 */
export function isInformative(e: { diagnoses?: readonly string[] | undefined; chief_complaint?: string | undefined }): boolean {
  if ((e.diagnoses ?? []).some((d) => d.trim() !== '')) return true;
  const cc = normalizeComplaint(e.chief_complaint ?? '');
  return cc !== '' && !NON_INFORMATIVE_COMPLAINTS.includes(cc);
}

/** Median of the values (the mean of the middle two for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The q-quantile (0–1) with linear interpolation between order statistics (R type 7); null for none. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

const HOUR_MS = 3_600_000;

/** The silence rule's constants: the quantile of the gaps, and the floor of the usual gap. */
export const SILENCE_RULE = Object.freeze({ quantile: 0.95, floorMs: 6 * HOUR_MS });

/**
 * A hospital's usual gap between deliveries, from the hours (epoch ms, any order, duplicates
 * allowed) in which it sent at least one event over the window: the 95th percentile of the
 * gaps between consecutive such hours, never less than 6 hours. Hours rather than single
 * events: a batch of 50 events has 49 gaps of 0 that would hide the nightly pause. With fewer
 * than two active hours there is no gap to learn from and the floor applies.
 */
export function usualGapMs(activeHours: readonly number[]): number {
  const hours = [...new Set(activeHours.map((h) => Math.floor(h / HOUR_MS) * HOUR_MS))].sort((a, b) => a - b);
  const gaps = hours.slice(1).map((h, i) => h - hours[i]!);
  return Math.max(SILENCE_RULE.floorMs, quantile(gaps, SILENCE_RULE.quantile) ?? 0);
}

/**
 * Silent: the time since its last event received exceeds its usual gap. A hospital that never
 * sent anything is not silent (it has no usual gap): its null last event says so instead.
 */
export function isSilent(lastReceivedMs: number | null, nowMs: number, usualGap: number): boolean {
  return lastReceivedMs !== null && nowMs - lastReceivedMs > usualGap;
}

/** Vietnam's offset (UTC+07:00, no daylight saving): the local days events are counted in. */
const VN_OFFSET_MS = 7 * HOUR_MS;
const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of the Vietnamese calendar day containing the instant. */
export const vnDayNumber = (ms: number): number => Math.floor((ms + VN_OFFSET_MS) / DAY_MS);
/** Epoch ms of the start (00:00 UTC+07:00) of a Vietnamese day number. */
export const vnDayStartMs = (day: number): number => day * DAY_MS - VN_OFFSET_MS;
export const dayNumberString = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** The local days of the window (the last `days`, today included) and of the baseline (the `days` before it). */
export function qualityWindows(nowMs: number, days: number): { window: number[]; baseline: number[] } {
  const today = vnDayNumber(nowMs);
  const window = Array.from({ length: days }, (_, i) => today - days + 1 + i);
  const baseline = Array.from({ length: days }, (_, i) => today - 2 * days + 1 + i);
  return { window, baseline };
}

/** Default and bounds of `days`. */
export const QUALITY_DAYS = Object.freeze({ default: 28, min: 1, max: 366 });

/** One hospital of GET /v1/data-quality's answer: the contract the route and the web page share. */
export interface HospitalQuality {
  hospital_id: string;
  name: string;
  province_code: string | null;
  /** RFC 3339 (UTC) of the last event received, null when it never sent one. */
  last_received_at: string | null;
  hours_since_last_event: number | null;
  /** The silence rule's usual gap (95th percentile of gaps between active hours, at least 6 h). */
  usual_gap_hours: number;
  silent: boolean;
  /** Events received per local day (UTC+07:00) of the window, oldest first, today (partial) last. */
  events_per_day: { day: string; events: number }[];
  events_in_window: number;
  /** Median events per day in the window, and in the `days` before it (the usual volume). */
  median_per_day: number;
  usual_per_day: number;
  /** median_per_day / usual_per_day; null when the usual volume is 0. */
  volume_ratio: number | null;
  /** Encounters in the window with a diagnosis code or an informative chief complaint. */
  informative: { encounters: number; informative: number; share: number | null };
  /** Dead letters of the hospital in the window / (accepted + rejected). */
  rejected: { accepted: number; rejected: number; share: number | null; top_reasons: { reason_code: string; count: number }[] };
}
