import type { DailyDetector } from './detect-service.ts';
import { earsC, type EarsControl } from './detect/ears.ts';

export interface EarsDailyOptions {
  method: 'C1' | 'C2' | 'C3';
  baseline: number;
  alpha: number;
  minSigma: number;
  yellowP: number;
}

/**
 * EARS on daily commune series, with R earsC semantics, as the pipeline's detector. C1 uses
 * the `baseline` days before t; C2 skips a two-day guard band; C3 also needs the C2 values
 * of the two previous days, so it looks back baseline + 4 days.
 */
export function earsDailyDetector(o: EarsDailyOptions): DailyDetector & {
  thresholds(series: readonly number[], firstIndex: number): { expected: (number | null)[]; upperbound: (number | null)[]; algorithm: string };
} {
  const historyDays = o.baseline + (o.method === 'C1' ? 0 : o.method === 'C2' ? 2 : 4);
  const control = (from: number, to: number): EarsControl => ({
    method: o.method,
    baseline: o.baseline,
    alpha: o.alpha,
    minSigma: o.minSigma,
    range: [from, to],
  });
  const algorithm = `ears_${o.method.toLowerCase()}`;
  return {
    algorithm,
    params: { method: o.method, baseline: o.baseline, alpha: o.alpha, minSigma: o.minSigma },
    historyDays,
    influenceDays: historyDays,
    yellowP: o.yellowP,
    evaluate(series, indices) {
      return indices.map((i) => {
        if (i < historyDays) return { expected: null, upperbound: null, pValue: null, alarm: null };
        const [p] = earsC(series, control(i, i));
        return { expected: p?.expected ?? null, upperbound: p?.upperbound ?? null, pValue: p?.pValue ?? null, alarm: p?.alarm ?? null };
      });
    },
    thresholds(series, firstIndex) {
      const from = Math.max(firstIndex, historyDays);
      const points = from < series.length ? earsC(series, control(from, series.length - 1)) : [];
      const pad = new Array<null>(Math.max(0, from - firstIndex)).fill(null);
      return {
        algorithm,
        expected: [...pad, ...points.map((p) => p.expected)],
        upperbound: [...pad, ...points.map((p) => p.upperbound)],
      };
    },
  };
}
