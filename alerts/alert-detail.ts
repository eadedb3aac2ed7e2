/**
 * What the officer's alert page shows beside the alert (issue 10, "for the officer"): the daily
 * series of its syndrome over its area with the detectors' expected values and thresholds, and
 * which events make up its line list. Pure: the alert, the counts and the stored figures in,
 * plain data out; the routes read them through storage/ and answer this.
 *
 * - Area: a commune or cluster alert sums its communes; a province alert its province's
 *   communes. Only communes the caller's jurisdiction covers are summed (a commune officer who
 *   sees a province alert naming their commune sees their commune, never the province total).
 * - Expected and threshold come from the alert's own daily evidence first (the figures it was
 *   raised on), else from the signals stored for that series and area, one detector throughout
 *   (the evidence's, else the first by name). They are given only when the summed communes are
 *   exactly the area a detector evaluated (a single commune, or a whole province); otherwise null.
 * - Line list: the summed communes × the alert's series (its syndrome and the series of its
 *   evidence, e.g. `lab_dengue`) × the days its evidence covers (a weekly item its ISO week, a
 *   cluster item its span of days).
 */
import { dayString, parseDay } from '../platform/days.ts';
import type { AlertArea, LifecycleAlert } from '../schemas/alert-lifecycle.ts';
import type { SignalBand } from '../storage/alert-detail-reads.ts';
import { alertCommunes } from './routing.ts';

/** Days of the series: 8 weeks up to the alert's last day. */
export const SERIES_DAYS = 56;
/** Rows of a line list at most; `truncated` says when more matched. */
export const LINE_LIST_LIMIT = 500;

/** The series answer of GET /v1/alerts/:id; `area.communes` are the communes summed. */
export interface AlertSeries {
  readonly syndrome: string;
  readonly area: AlertArea;
  readonly days: string[];
  readonly observed: number[];
  readonly expected: (number | null)[];
  readonly upperbound: (number | null)[];
}

/** What the series and the line list read, for one alert and one caller. */
export interface DetailPlan {
  readonly syndrome: string;
  /** Inclusive days of the series. */
  readonly from: string;
  readonly to: string;
  /** The communes summed (and listed): the area's, those the caller covers. */
  readonly communes: string[];
  /** Where stored signals match the summed series; null when none can (cluster, partial area). */
  readonly bandArea: { readonly level: 'commune' | 'province'; readonly code: string } | null;
  /** The detector whose stored figures to prefer (the alert's daily evidence), if any. */
  readonly algorithm: string | null;
  /** The line list's series and days. */
  readonly lineListSeries: string[];
  readonly lineListDays: string[];
}

/**
 * The plan of an alert's detail. `communesOfProvince` lists a province's communes (the unit
 * registry); `covers` says whether the caller's jurisdiction covers a commune.
 */
export function detailPlan(
  alert: LifecycleAlert,
  communesOfProvince: (province: string) => readonly string[],
  covers: (commune: string) => boolean,
): DetailPlan {
  const area = alert.area;
  const all = area.level === 'province' ? [...communesOfProvince(area.code)] : alertCommunes(area);
  const communes = [...new Set(all)].filter(covers).sort();
  const whole = communes.length === new Set(all).size;
  const bandArea =
    !whole || area.level === 'cluster'
      ? null
      : area.level === 'province'
        ? { level: 'province' as const, code: area.code }
        : communes.length === 1
          ? { level: 'commune' as const, code: communes[0]! }
          : null;
  const daily = ownDailyEvidence(alert, bandArea);
  const to = alert.last_day;
  return {
    syndrome: alert.family,
    from: dayString(parseDay(to) - SERIES_DAYS + 1),
    to,
    communes,
    bandArea,
    algorithm: daily.find((e) => e.source === 'detector')?.algorithm ?? null,
    lineListSeries: [...new Set([alert.family, ...alert.evidence.map((e) => e.series)])].sort(),
    lineListDays: evidenceDays(alert),
  };
}

/** The evidence measured on the summed series itself: the syndrome, daily, on the band area. */
function ownDailyEvidence(alert: LifecycleAlert, bandArea: DetailPlan['bandArea']) {
  if (bandArea === null) return [];
  return alert.evidence.filter(
    (e) => e.series === alert.family && e.granularity === 'day' && e.area_level === bandArea.level && e.area_code === bandArea.code,
  );
}

/** Every day the evidence covers, sorted: a weekly item its ISO week (Monday on), a cluster item its span up to its day. */
export function evidenceDays(alert: Pick<LifecycleAlert, 'evidence'>): string[] {
  const days = new Set<string>();
  for (const e of alert.evidence) {
    const d = parseDay(e.day);
    const [first, last] = e.granularity === 'week' ? [d, d + 6] : [d - Math.max(1, e.cluster_days) + 1, d];
    for (let x = first; x <= last; x++) days.add(dayString(x));
  }
  return [...days].sort();
}

/**
 * The series of the plan: `counts` are per commune and day (storage/counts.ts rows, any
 * order), summed per day over the plan's communes; `bands` the stored signals of its band area.
 */
export function alertSeries(
  alert: LifecycleAlert,
  plan: DetailPlan,
  counts: readonly { commune_code: string; date: string; count: number }[],
  bands: readonly SignalBand[],
): AlertSeries {
  const days: string[] = [];
  for (let d = parseDay(plan.from); d <= parseDay(plan.to); d++) days.push(dayString(d));
  const index = new Map(days.map((d, i) => [d, i]));
  const wanted = new Set(plan.communes);
  const observed = days.map(() => 0);
  for (const r of counts) {
    const i = index.get(r.date);
    if (i !== undefined && wanted.has(r.commune_code)) observed[i]! += r.count;
  }
  const expected: (number | null)[] = days.map(() => null);
  const upperbound: (number | null)[] = days.map(() => null);
  if (plan.bandArea !== null) {
    const algorithm = plan.algorithm ?? [...new Set(bands.map((b) => b.algorithm))].sort()[0];
    for (const b of bands) {
      const i = index.get(b.day);
      if (i === undefined || b.algorithm !== algorithm) continue;
      expected[i] = b.expected;
      upperbound[i] = b.upperbound;
    }
    // The alert's own evidence last: the figures it was raised on win over a later run's.
    for (const e of ownDailyEvidence(alert, plan.bandArea)) {
      const i = index.get(e.day);
      if (i === undefined || (plan.algorithm !== null && e.algorithm !== plan.algorithm)) continue;
      if (e.expected !== null) expected[i] = e.expected;
      if (e.threshold !== null) upperbound[i] = e.threshold;
    }
  }
  return {
    syndrome: plan.syndrome,
    area: { level: alert.area.level, code: alert.area.code, communes: plan.communes },
    days,
    observed,
    expected,
    upperbound,
  };
}
