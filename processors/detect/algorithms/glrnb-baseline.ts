/**
 * The in-control means of GLR-NB when mu0 is not given, as R surveillance 1.20.3
 * (`estimateGLRNbHook`): a log-linear GLM of the counts before the evaluated range on an
 * intercept, optionally a linear trend, and S harmonics of the year, predicted over the
 * range. Poisson when alpha = 0, NB with θ = 1/alpha when alpha > 0, and `glm.nb` (θ
 * estimated) when alpha is not given.
 */
import { invalidField } from './errors.ts';
import { fitLogLinkGlm, negativeBinomialFamily, poissonFamily, predictResponse, type LogLinkGlmFit } from './glm-log-link.ts';
import { fitGlmNb } from './glm-nb.ts';

/** R's `control$mu0` when it is a list: the baseline model to fit. */
export interface GlrnbBaselineModel {
  /** Number of harmonics (sin/cos pairs) of period `frequency`. Default 1. */
  readonly S?: number;
  /** Add a linear time trend. Default false. */
  readonly trend?: boolean;
  /** Refit the model after each alarm on all data up to it. Default false. */
  readonly refit?: boolean;
}

/** Design row at R time t (1-based index): 1, [t], cos(2sπ t/p), sin(2sπ t/p) for s = 1..S. */
function designRow(t: number, frequency: number, S: number, trend: boolean): number[] {
  const row = [1];
  if (trend) row.push(t);
  // Same operation order as R's formula term cos(2*s*pi/p*t), so the covariates agree bit for bit.
  for (let s = 1; s <= S; s++) row.push(Math.cos(((2 * s * Math.PI) / frequency) * t), Math.sin(((2 * s * Math.PI) / frequency) * t));
  return row;
}

export interface GlrnbBaseline {
  /** Predicted mean for each 0-based index from..to. */
  readonly mu0: number[];
  /** Dispersion the chart should use: the given alpha, or 1/θ̂ from glm.nb. */
  readonly alpha: number;
}

/**
 * Fits on indices 0..from−1 and predicts from..to (0-based; R's train = 1:(range[1] − 1)).
 * Throws VALIDATION_FAILED when there is too little training data for the model.
 */
export function estimateGlrnbBaseline(
  observed: readonly number[],
  frequency: number,
  from: number,
  to: number,
  model: GlrnbBaselineModel,
  alpha: number | undefined,
): GlrnbBaseline {
  const S = model.S ?? 1;
  const trend = model.trend ?? false;
  if (!Number.isInteger(S) || S < 0) throw invalidField('mu0.S', 'must be an integer ≥ 0');
  const rows = Array.from({ length: from }, (_, i) => designRow(i + 1, frequency, S, trend));
  const p = 1 + (trend ? 1 : 0) + 2 * S;
  if (from <= p) throw invalidField('range', `the baseline model needs more than ${p} time points before range`);
  const columns = Array.from({ length: p }, (_, j) => rows.map((r) => r[j] as number));
  const y = observed.slice(0, from);
  let fit: LogLinkGlmFit;
  let usedAlpha: number;
  if (alpha === undefined) {
    const nb = fitGlmNb(columns, y);
    fit = nb;
    usedAlpha = 1 / nb.theta;
  } else {
    fit = fitLogLinkGlm({ columns, y, family: alpha === 0 ? poissonFamily : negativeBinomialFamily(1 / alpha) });
    usedAlpha = alpha;
  }
  const mu0: number[] = [];
  for (let i = from; i <= to; i++) mu0.push(predictResponse(fit, designRow(i + 1, frequency, S, trend)));
  return { mu0, alpha: usedAlpha };
}
