/**
 * R's glm.control defaults, shared by every IRLS fit here (quasi-Poisson, log-link families,
 * glm.nb): convergence when |dev − devOld| / (|dev| + 0.1) < epsilon, at most maxit steps.
 */
export const GLM_EPSILON = 1e-8;
export const GLM_MAX_ITERATIONS = 25;

/**
 * Inverse log link with R's floor (poisson()$linkinv: pmax(exp(eta), .Machine$double.eps)).
 * A function declaration: tsx wraps arrow functions in __name(), which kept V8 from inlining
 * them in the hot loops.
 */
export function logLinkInverse(eta: number): number {
  const m = Math.exp(eta);
  return m < Number.EPSILON ? Number.EPSILON : m;
}

/**
 * Pearson-type dispersion Σ wᵢ((yᵢ − μᵢ)/μᵢ)² / df over the rows with wᵢ > 0 (μ floored at
 * machine epsilon), NaN without residual degrees of freedom: what summary.glm reports for a
 * quasi-Poisson fit whose `$weights` were replaced by `weights`. Shared by the QR and the
 * factor-design fits of farringtonFlexible.
 */
export function pearsonDispersion(y: readonly number[], mu: ArrayLike<number>, weights: readonly number[], dfResidual: number): number {
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    const w = weights[i] as number;
    const m = Math.max(mu[i] as number, Number.EPSILON);
    if (w > 0) sum += w * (((y[i] as number) - m) / m) ** 2;
  }
  return dfResidual > 0 ? sum / dfResidual : Number.NaN;
}
