import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import type { Clock } from '../platform/clock.ts';
import { isSilent, QUALITY_DAYS, qualityWindows, usualGapMs, vnDayStartMs } from '../schemas/data-quality.ts';
import type { DataQualityReader } from '../storage/data-quality.ts';
import type { HospitalSilence } from './data-quality-alerts.ts';

export interface SilentHospitalDeps {
  reader: DataQualityReader;
  /** The hospital registry (storage/hospitals.ts list()); revoked hospitals are not watched. */
  hospitals: () => Promise<readonly { id: string; revokedAt: string | null; provinceCode?: string | null }[]>;
  clock: Clock;
  metrics: Registry;
  log: Logger;
  /** Days of receive history the usual gap is learned from; default 28 (as GET /v1/data-quality). */
  days?: number;
  /** Told of every check's findings, hospital by hospital (alerts/data-quality-alerts.ts opens and ends alerts from them). */
  onChecked?: (check: HospitalSilence[]) => Promise<unknown>;
}

/** Every ten minutes in the pipeline (cli/pipeline.ts). */
export const SILENT_CHECK_INTERVAL_MS = 10 * 60_000;

/**
 * The silent-hospital check (issue 11): the silence rule of schemas/data-quality.ts over every
 * registered, unrevoked hospital, as the gauge `ews_hospital_silent{hospital}` (1 silent, 0 not)
 * and one warning log line when a hospital falls silent (and an info line when it is heard
 * again); `onChecked` turns the findings into data-quality lifecycle alerts
 * (alerts/data-quality-alerts.ts). `runOnce` answers the silent hospital ids.
 */
export function createSilentHospitalChecker(deps: SilentHospitalDeps) {
  const gauge = new Gauge({
    name: 'ews_hospital_silent',
    help: 'Whether a registered hospital is silent: no event for longer than its usual gap (1) or not (0)',
    labelNames: ['hospital'],
    registers: [deps.metrics],
  });
  const days = deps.days ?? QUALITY_DAYS.default;
  let silentBefore = new Set<string>();
  return {
    async runOnce(): Promise<string[]> {
      const nowMs = deps.clock.now();
      const watched = (await deps.hospitals()).filter((h) => h.revokedAt === null);
      const ids = watched.map((h) => h.id);
      const check: HospitalSilence[] = [];
      // The same window as GET /v1/data-quality: the last `days` local days, today included.
      const windowStart = vnDayStartMs(qualityWindows(nowMs, days).window[0]!);
      const read = await deps.reader.read({ hospitals: ids, since: windowStart, windowStart });
      const silent = new Set<string>();
      gauge.reset();
      for (const id of ids) {
        const d = read.get(id)!;
        const gap = usualGapMs(d.activeHours);
        const isQuiet = isSilent(d.lastReceivedMs, nowMs, gap);
        const provinceCode = watched.find((h) => h.id === id)?.provinceCode ?? null;
        check.push({ id, provinceCode, silent: isQuiet, lastReceivedMs: d.lastReceivedMs, usualGapMs: gap });
        gauge.set({ hospital: id }, isQuiet ? 1 : 0);
        if (!isQuiet) {
          if (silentBefore.has(id)) deps.log.info({ hospital_id: id }, 'hospital heard again / bệnh viện đã gửi dữ liệu trở lại');
          continue;
        }
        silent.add(id);
        if (!silentBefore.has(id))
          deps.log.warn(
            {
              hospital_id: id,
              last_received_at: new Date(d.lastReceivedMs!).toISOString(),
              usual_gap_hours: gap / 3_600_000,
            },
            `hospital ${id} fell silent / bệnh viện ${id} ngừng gửi dữ liệu`,
          );
      }
      silentBefore = silent;
      await deps.onChecked?.(check);
      return [...silent].sort();
    },
  };
}

export type SilentHospitalChecker = ReturnType<typeof createSilentHospitalChecker>;
