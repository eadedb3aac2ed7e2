import type { LifecycleAlert } from '../../schemas/alert-lifecycle.ts';
import type {
  Bilingual,
  BulletinAlert,
  BulletinThreshold,
  ExpectedBasis,
  HospitalCompleteness,
  MapCommune,
  SyndromeRow,
} from './bulletin-data.ts';

/**
 * The arithmetic of the weekly bulletin: expected counts, flags, which alerts were opened and
 * closed in the week, the communes' alert levels, and the hospitals' completeness. Pure:
 * plain data in, plain data out; times passed in.
 */

/** Flagged at 1.5 × expected and at least 3 cases (the bulletin states it under its table). */
export const DEFAULT_THRESHOLD: BulletinThreshold = Object.freeze({ ratio: 1.5, minCount: 3 });
/** Previous years the same ISO week is looked up in; and the weeks before used when none has data. */
export const EXPECTED_YEARS = 3;
export const PREVIOUS_WEEKS = 8;
/** Weeks before the bulletin's whose mean is a hospital's usual week. */
export const USUAL_WEEKS = 4;

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Which basis the expected counts use: the years back (1..EXPECTED_YEARS) whose same ISO week
 * had any visit in the province, or — with none — the PREVIOUS_WEEKS weeks before.
 * `visitsYearsBack[i]` is the visits of the same week i + 1 years back.
 */
export function expectedBasis(visitsYearsBack: readonly number[]): ExpectedBasis {
  const years = visitsYearsBack.flatMap((v, i) => (v > 0 ? [i + 1] : []));
  return years.length > 0 ? { kind: 'previous_years', years } : { kind: 'previous_weeks', weeks: PREVIOUS_WEEKS };
}

/** The counts one syndrome's expected value is the mean of, as the basis picks them. */
export interface SyndromeCounts {
  id: string;
  name: Bilingual;
  count: number;
  /** Same week 1, 2, … years back (index = years back − 1). */
  yearsBack: readonly number[];
  /** The PREVIOUS_WEEKS weeks before, oldest first. */
  weeksBefore: readonly number[];
}

/** One row: expected by the basis, ratio, and the flag. Expected is null when there is nothing earlier (no visit at all before). */
export function syndromeRow(s: SyndromeCounts, basis: ExpectedBasis, threshold: BulletinThreshold, anyHistory: boolean): SyndromeRow {
  const expected = !anyHistory
    ? null
    : basis.kind === 'previous_years'
      ? round(mean(basis.years.map((y) => s.yearsBack[y - 1] ?? 0)))
      : round(mean(s.weeksBefore.length > 0 ? s.weeksBefore : [0]));
  const ratio = expected === null || expected === 0 ? null : round(s.count / expected);
  const flagged = s.count >= threshold.minCount && (ratio !== null ? ratio >= threshold.ratio : expected === 0);
  return { id: s.id, name: s.name, count: s.count, expected, ratio, flagged };
}

/** Rows with something to say (a count or an expected), flagged first, then largest count, then id; at most `limit`. */
export function topSyndromes(rows: readonly SyndromeRow[], limit = 10): SyndromeRow[] {
  return rows
    .filter((r) => r.count > 0 || (r.expected ?? 0) > 0)
    .sort((a, b) => Number(b.flagged) - Number(a.flagged) || b.count - a.count || a.id.localeCompare(b.id))
    .slice(0, limit);
}

/** Lookups the alert rows need: names of series families and areas. */
export interface AlertNames {
  familyName(id: string): Bilingual;
  areaName(code: string): string;
}

/** A lifecycle alert as the bulletin lists it. */
export function bulletinAlert(a: LifecycleAlert, names: AlertNames): BulletinAlert {
  const top = [...a.evidence].sort((x, y) => y.observed - x.observed)[0];
  return {
    id: a.id,
    family: a.family,
    familyName: names.familyName(a.family),
    level: a.level,
    status: a.status,
    area: { level: a.area.level, code: a.area.code, name: names.areaName(a.area.code), communes: [...a.area.communes] },
    openedAt: a.opened_at,
    closedAt: a.closed_at,
    firstDay: a.first_day,
    lastDay: a.last_day,
    observed: top?.observed ?? 0,
    expected: top?.expected ?? null,
    outcome: a.status === 'discarded' ? 'discarded' : (a.outcome?.outcome ?? null),
    outcomeNotes: a.outcome?.notes ?? '',
  };
}

/** The week as instants: [start, end) in epoch ms. */
export interface WeekSpan {
  startMs: number;
  endMs: number;
}

const within = (iso: string | null, w: WeekSpan) => iso !== null && Date.parse(iso) >= w.startMs && Date.parse(iso) < w.endMs;

/** Of the alerts active at some time in the week: those opened in it and those closed (or discarded) in it, oldest first. Merged ones are left out. */
export function splitAlerts(alerts: readonly LifecycleAlert[], w: WeekSpan): { opened: LifecycleAlert[]; closed: LifecycleAlert[] } {
  const live = alerts
    .filter((a) => a.merged_into === null)
    .sort((a, b) => a.opened_at.localeCompare(b.opened_at) || a.id.localeCompare(b.id));
  return {
    opened: live.filter((a) => within(a.opened_at, w)),
    closed: live.filter((a) => (a.status === 'closed' || a.status === 'discarded') && within(a.closed_at, w)),
  };
}

/**
 * Each commune's level for the map: the highest level of the week's alerts (not discarded)
 * naming it, a province alert colouring every commune of its province.
 */
export function communeLevels(
  communes: readonly { code: string; name: string; lat: number; lon: number; province: string }[],
  alerts: readonly LifecycleAlert[],
): MapCommune[] {
  const level = new Map<string, 'red' | 'yellow'>();
  const raise = (code: string, l: 'red' | 'yellow') => {
    if (level.get(code) !== 'red') level.set(code, l);
  };
  for (const a of alerts) {
    if (a.merged_into !== null || a.status === 'discarded') continue;
    const named = a.area.level === 'province' ? communes.filter((c) => c.province === a.area.code).map((c) => c.code) : a.area.communes;
    for (const c of named) raise(c, a.level);
  }
  return communes.map((c) => ({ code: c.code, name: c.name, lat: c.lat, lon: c.lon, level: level.get(c.code) ?? 'none' }));
}

/**
 * A hospital's completeness: days of the week (`weekDays`, 7 day numbers) with an event, the
 * week's events, and its usual week, the mean of the USUAL_WEEKS weeks before (`perDay` must
 * hold those days; days absent count 0). A hospital registered later than those weeks still
 * gets their mean: the ratio then reads low, which is what the reader should see.
 */
export function hospitalCompleteness(
  h: { id: string; name: string },
  perDay: ReadonlyMap<number, number>,
  weekDays: readonly number[],
): HospitalCompleteness {
  const monday = weekDays[0]!;
  const events = weekDays.reduce((s, d) => s + (perDay.get(d) ?? 0), 0);
  const daysWithData = weekDays.filter((d) => (perDay.get(d) ?? 0) > 0).length;
  const weeks = Array.from({ length: USUAL_WEEKS }, (_, w) => {
    let s = 0;
    for (let d = monday - 7 * (w + 1); d < monday - 7 * w; d++) s += perDay.get(d) ?? 0;
    return s;
  });
  const usualEvents = weeks.some((x) => x > 0) ? round(mean(weeks), 1) : null;
  return {
    id: h.id,
    name: h.name,
    daysWithData,
    events,
    usualEvents,
    ratio: usualEvents === null || usualEvents === 0 ? null : round(events / usualEvents),
  };
}
