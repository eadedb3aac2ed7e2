import type { Signal, SignalLevel } from '../../schemas/signals.ts';
import type { Unit } from '../../schemas/units/registry.ts';
import type { CountStore } from '../../storage/counts.ts';
import { nearestZones } from './algorithms/scan-zones.ts';
import { spaceTimePermutationScan } from './algorithms/space-time-scan.ts';
import { dayString } from '../count/window.ts';

export interface ScanOptions {
  /** Days whose counts set the expectations (the study period), ending on the scanned day. */
  studyDays: number;
  /** Longest cluster, days. */
  maxDays: number;
  /** Neighbours added to a centre, at most, and how far they may be. */
  maxNeighbours: number;
  maxRadiusKm: number;
  replications: number;
  /** A cluster alarms (red) when it would recur by chance less often than this (days); yellow at a fifth. */
  minRecurrenceDays: number;
  minCases: number;
}

/**
 * The daily prospective space-time permutation scan (Kulldorff 2005) per syndrome over every
 * commune: finds clusters spanning neighbouring communes that no single series shows, and
 * turns each reported cluster into a signal on its centre commune with the cluster's
 * communes. The permutations are seeded by the day, so a re-run gives the same p-values.
 */
export function createScanner(deps: { counts: Pick<CountStore, 'readSeries'>; units: readonly Unit[]; options: ScanOptions }) {
  const o = deps.options;
  const zones = nearestZones(deps.units, { maxNeighbours: o.maxNeighbours, maxRadiusKm: o.maxRadiusKm });
  const codes = deps.units.map((u) => u.code);
  const params = { ...o };

  return {
    /** Signals for every reported cluster of each syndrome, on day `day` (a day number). */
    async scanDay(day: number, syndromes: readonly string[]): Promise<Signal[]> {
      const from = day - o.studyDays + 1;
      const pairs = syndromes.flatMap((syndrome) => codes.map((area) => ({ syndrome, area })));
      const series = await deps.counts.readSeries(pairs, from, day);
      const out: Signal[] = [];
      for (const syndrome of syndromes) {
        const columns = codes.map((c) => series.get(`${syndrome}|${c}`)!);
        // Nothing in the last maxDays days: no cluster can end today.
        if (!columns.some((col) => col.slice(-o.maxDays).some((n) => n > 0))) continue;
        const counts = Array.from({ length: o.studyDays }, (_, d) => columns.map((col) => col[d]!));
        const result = spaceTimePermutationScan(counts, zones, {
          maxDays: o.maxDays,
          replications: o.replications,
          seed: day,
          minCases: o.minCases,
        });
        for (const c of result.clusters) {
          const red = c.recurrenceIntervalDays >= o.minRecurrenceDays;
          const level: SignalLevel = red ? 'red' : c.recurrenceIntervalDays >= o.minRecurrenceDays / 5 ? 'yellow' : 'none';
          out.push({
            syndrome,
            commune_code: codes[c.centre]!,
            area_level: 'cluster',
            granularity: 'day',
            day: dayString(day),
            algorithm: 'space_time_permutation_scan',
            params: { ...params, relative_risk: c.relativeRisk, recurrence_interval_days: c.recurrenceIntervalDays, llr: c.llr },
            observed: c.observed,
            expected: c.expected,
            upperbound: null,
            p_value: c.pValue,
            score: c.llr,
            alarm: red,
            level,
            cluster_communes: c.communes.map((i) => codes[i]!),
            cluster_days: c.days,
          });
        }
      }
      return out;
    },
  };
}

export type Scanner = ReturnType<typeof createScanner>;
