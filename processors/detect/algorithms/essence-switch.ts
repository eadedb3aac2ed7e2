/**
 * ESSENCE regression/EWMA switch, as CDC Rnssp 0.3.0 `alert_switch` defines it: each day
 * takes the adaptive regression's result when that day's regression explains the baseline
 * (adjusted R² ≥ 0.60), and the EWMA's otherwise.
 */
import { createTQuantileTable, type EssenceOptions, type EssencePoint } from './essence-common.ts';
import { essenceEwma, type EwmaOptions } from './essence-ewma.ts';
import { essenceRegression } from './essence-regression.ts';

/** Adjusted R² from which the switch trusts the regression. */
export const SWITCH_R2 = 0.6;

export interface SwitchOptions extends EssenceOptions, Pick<EwmaOptions, 'w1' | 'w2'> {}

/**
 * Regression/EWMA switch over `options.range` (default: every day from index 13).
 * `startWeekday` is required. Each point says which detector produced it and carries the
 * regression's adjusted R².
 */
export function essenceSwitch(observed: readonly number[], options: SwitchOptions): EssencePoint[] {
  const shared = { ...options, quantiles: options.quantiles ?? createTQuantileTable() };
  const regression = essenceRegression(observed, shared);
  // The EWMA needs every day from the start anyway (its averages are recursive).
  const ewma = essenceEwma(observed, shared);
  return regression.map((r, k) => {
    const r2 = r.adjustedR2 ?? null;
    if (r2 !== null && r2 >= SWITCH_R2) return r;
    return { ...(ewma[k] as EssencePoint), adjustedR2: r2 };
  });
}
