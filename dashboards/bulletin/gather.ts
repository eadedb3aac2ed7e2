import type { Clock } from '../../platform/clock.ts';
import type { CommuneShape } from '../geo/geometry.ts';
import { AppError } from '../../platform/errors.ts';
import { LAB_SERIES } from '../../schemas/code-tables/loinc-pathogens.ts';
import { SYNDROMES } from '../../schemas/code-tables/syndromes.ts';
import { vnDayStartMs } from '../../schemas/data-quality.ts';
import type { AlertLifecycleStore } from '../../storage/alert-lifecycle.ts';
import type { BulletinReads } from '../../storage/bulletin-reads.ts';
import type { DayRange, TrendStore } from '../../storage/trends.ts';
import type { UnitView } from '../api-routes.ts';
import {
  bulletinAlert,
  communeLevels,
  DEFAULT_THRESHOLD,
  EXPECTED_YEARS,
  expectedBasis,
  hospitalCompleteness,
  PREVIOUS_WEEKS,
  splitAlerts,
  syndromeRow,
  topSyndromes,
  USUAL_WEEKS,
} from './bulletin-core.ts';
import type { Bilingual, BulletinData } from './bulletin-data.ts';
import { sameWeekYearsBack, type IsoWeek } from './iso-week.ts';

/** The stores a bulletin is gathered from (ports; the composition root builds them). */
export interface BulletinSources {
  trends: TrendStore;
  reads: BulletinReads;
  alerts: Pick<AlertLifecycleStore, 'get'>;
  /** The registered hospitals (storage/hospitals.ts list()). */
  hospitals: () => Promise<readonly { id: string; name: string; provinceCode: string | null; revokedAt: string | null }[]>;
  units: readonly UnitView[];
  clock: Clock;
  /** The commune shapes of the map (cli/map-shapes.ts: EWS_BOUNDARIES_GEOJSON or approximate cells); default approximate cells. */
  shapes?: readonly CommuneShape[] | undefined;
}

const VISITS = '_visits';
const NAMES = new Map<string, Bilingual>([...SYNDROMES, ...LAB_SERIES].map((s) => [s.id, { vi: s.vi, en: s.en }]));
const nameOf = (id: string): Bilingual => NAMES.get(id) ?? { vi: id, en: id };
const sum = (daily: ReadonlyMap<number, number> | undefined, r: DayRange) => {
  let s = 0;
  for (let d = r.from; d <= r.to; d++) s += daily?.get(d) ?? 0;
  return s;
};

/** The province's communes; BAD_QUERY naming `province` when it has none. */
export function provinceUnits(units: readonly UnitView[], province: string): UnitView[] {
  const inside = units.filter((u) => u.province_code === province);
  if (inside.length === 0)
    throw new AppError('BAD_QUERY', `province: unknown province code ${province} / mã tỉnh không tồn tại`, {
      details: [{ path: 'province', message: 'unknown province code / mã tỉnh không tồn tại' }],
    });
  return inside;
}

/**
 * Everything the week's bulletin of a province shows, read through the stores: the clinical
 * syndromes against expected, the alerts active in the week, the communes' levels and the
 * completeness of each registered (not revoked) hospital of the province.
 */
export async function gatherBulletin(src: BulletinSources, q: { province: string; week: IsoWeek }): Promise<BulletinData> {
  const communes = provinceUnits(src.units, q.province);
  const { week } = q;
  const codes = communes.map((c) => c.code);

  // Syndromes: this week, the same week of earlier years, the weeks before.
  const thisWeek: DayRange = { from: week.monday, to: week.sunday };
  const years = Array.from({ length: EXPECTED_YEARS }, (_, i) => {
    const w = sameWeekYearsBack(week, i + 1);
    return { from: w.monday, to: w.sunday };
  });
  const weeksBefore = Array.from({ length: PREVIOUS_WEEKS }, (_, i) => {
    const monday = week.monday - 7 * (PREVIOUS_WEEKS - i);
    return { from: monday, to: monday + 6 };
  });
  const ids = SYNDROMES.map((s) => s.id);
  const daily = await src.trends.readDaily([...ids, VISITS], codes, [thisWeek, ...years, ...weeksBefore]);
  const visits = daily.get(VISITS);
  const basis = expectedBasis(years.map((r) => sum(visits, r)));
  const anyHistory = [...years, ...weeksBefore].some((r) => sum(visits, r) > 0);
  const rows = ids.map((id) =>
    syndromeRow(
      {
        id,
        name: nameOf(id),
        count: sum(daily.get(id), thisWeek),
        yearsBack: years.map((r) => sum(daily.get(id), r)),
        weeksBefore: weeksBefore.map((r) => sum(daily.get(id), r)),
      },
      basis,
      DEFAULT_THRESHOLD,
      anyHistory,
    ),
  );

  // Alerts active in the week (Vietnam time), as stored now.
  const span = { startMs: vnDayStartMs(week.monday), endMs: vnDayStartMs(week.monday + 7) };
  const alertIds = await src.reads.alertIdsActiveIn(q.province, span.startMs, span.endMs);
  const alerts = (await Promise.all(alertIds.map((id) => src.alerts.get(id)))).filter((a) => a !== undefined);
  const { opened, closed } = splitAlerts(alerts, span);
  const byCode = new Map(src.units.map((u) => [u.code, u]));
  const names = {
    familyName: nameOf,
    areaName: (code: string) => byCode.get(code)?.name ?? src.units.find((u) => u.province_code === code)?.province_name ?? code,
  };

  // Hospitals: events per day of occurrence, this week and the usual weeks before.
  const hospitals = (await src.hospitals()).filter((h) => h.revokedAt === null && h.provinceCode === q.province);
  const perDay = await src.reads.eventsPerDay(
    hospitals.map((h) => h.id),
    week.monday - 7 * USUAL_WEEKS,
    week.sunday,
  );
  const weekDays = Array.from({ length: 7 }, (_, i) => week.monday + i);

  return {
    province: { code: q.province, name: communes[0]!.province_name },
    week: { label: week.label, from: week.from, to: week.to },
    issuedAt: new Date(src.clock.now()).toISOString(),
    expectedBasis: basis,
    threshold: DEFAULT_THRESHOLD,
    syndromes: topSyndromes(rows),
    opened: opened.map((a) => bulletinAlert(a, names)),
    closed: closed.map((a) => bulletinAlert(a, names)),
    communes: communeLevels(
      communes.map((c) => ({ code: c.code, name: c.name, lat: c.lat, lon: c.lon, province: c.province_code })),
      alerts,
    ),
    hospitals: hospitals
      .map((h) => hospitalCompleteness(h, perDay.get(h.id) ?? new Map<number, number>(), weekDays))
      .sort((a, b) => a.name.localeCompare(b.name, 'vi') || a.id.localeCompare(b.id)),
  };
}
