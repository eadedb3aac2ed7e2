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
