/**
 * Least squares by Householder QR with R's limited column pivoting (LINPACK dqrdc2, as in
 * `lm.fit`/`glm.fit`): a column whose norm, after removing the earlier columns, falls below
 * `tol` times its original norm is moved to the end and treated as aliased (coefficient 0).
 * Sizes here are small (a few hundred rows, ≤ ~15 columns), so clarity beats blocking.
 */

/** The factorisation of an n×p matrix, columns reordered by `pivot`. */
export interface QrFactorisation {
  /** Number of non-aliased columns; the first `rank` entries of `pivot` are those columns. */
  readonly rank: number;
  /** pivot[j] = original index of the j-th column of the factorisation. */
  readonly pivot: readonly number[];
  /** Upper-triangular R (rank × rank), row-major. */
  readonly r: readonly (readonly number[])[];
  /** Householder vectors, Q = H₀H₁…; Q itself is built only when hat values need it. */
  readonly reflectors: readonly (readonly number[])[];
  readonly n: number;
}

const dot = (a: readonly number[], b: readonly number[]): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
};

/**
 * QR of the matrix whose columns are `columns` (each of length n). Gram–Schmidt would do at
 * this size, but Householder keeps R's orthogonality guarantees when weights span decades.
 */
export function qrDecompose(columns: readonly (readonly number[])[], tol: number): QrFactorisation {
  const n = columns[0]?.length ?? 0;
  const work = columns.map((c) => [...c]);
  const originalNorm = work.map((c) => Math.sqrt(dot(c, c)) || 1);
  const pivot = work.map((_, j) => j);
  const reflectors: number[][] = [];
  let k = work.length; // columns at index ≥ k are aliased
  for (let l = 0; l < Math.min(k, n); l++) {
    // Move negligible columns to the end (dqrdc2's limited pivoting).
    while (l < k && norm(work[l] as number[], l) < tol * (originalNorm[pivot[l] as number] as number)) {
      rotateToEnd(work, l);
      rotateToEnd(pivot, l);
      k -= 1;
    }
    if (l >= k) break;
    const col = work[l] as number[];
    const alpha = norm(col, l);
    // v = x + sign(x_l)·‖x‖·e_l, normalised so v_l = 1 + |x_l|/‖x‖ as LINPACK does.
    const signed = (col[l] as number) < 0 ? -alpha : alpha;
    const v = col.map((x, i) => (i < l ? 0 : x / signed));
    v[l] = (v[l] as number) + 1;
    for (let j = l + 1; j < work.length; j++) applyReflector(v, l, work[j] as number[]);
    col.fill(0, l + 1);
    col[l] = -signed;
    reflectors.push(v);
  }
  const rank = Math.min(k, n);
  // Column j of `work` now holds R's column j above the diagonal.
  const r = Array.from({ length: rank }, (_, i) => Array.from({ length: rank }, (_, j) => (j >= i ? (work[j]?.[i] ?? 0) : 0)));
  return { rank, pivot, r, reflectors, n };
}

/** Thin Q (n × rank), column j in q[j]. */
function thinQ(f: QrFactorisation): number[][] {
  return Array.from({ length: f.rank }, (_, j) => {
    const e = new Array<number>(f.n).fill(0);
    e[j] = 1;
    for (let l = f.reflectors.length - 1; l >= 0; l--) applyReflector(f.reflectors[l] as number[], l, e);
    return e;
  });
}

function norm(x: readonly number[], from: number): number {
  let s = 0;
  for (let i = from; i < x.length; i++) s += (x[i] as number) ** 2;
  return Math.sqrt(s);
}

/** x ← (I − v vᵀ / v_l) x, the LINPACK form of the reflector (v zero above row l). */
function applyReflector(v: readonly number[], l: number, x: number[]): void {
  let t = 0;
  for (let i = l; i < x.length; i++) t += (v[i] as number) * (x[i] as number);
  t = -t / (v[l] as number);
  for (let i = l; i < x.length; i++) x[i] = (x[i] as number) + t * (v[i] as number);
}

function rotateToEnd<T>(xs: T[], l: number): void {
  const [moved] = xs.splice(l, 1);
  xs.push(moved as T);
}

/**
 * Least-squares coefficients for the original columns (0 for aliased ones, as dqrls sets
 * them), given the right-hand side `y`.
 */
export function qrSolve(f: QrFactorisation, y: readonly number[], p: number): number[] {
  // Qᵀy = …H₁H₀y: apply the reflectors in order.
  const qty = [...y];
  f.reflectors.forEach((v, l) => applyReflector(v, l, qty));
  const beta = new Array<number>(f.rank).fill(0);
  for (let i = f.rank - 1; i >= 0; i--) {
    let s = qty[i] as number;
    for (let j = i + 1; j < f.rank; j++) s -= (f.r[i]?.[j] as number) * (beta[j] as number);
    beta[i] = s / (f.r[i]?.[i] as number);
  }
  const coefficients = new Array<number>(p).fill(0);
  beta.forEach((b, j) => (coefficients[f.pivot[j] as number] = b));
  return coefficients;
}

/** Diagonal of the hat matrix Q Qᵀ, set to 1 within 10·ε of 1 (R's lm.influence). */
export function hatValues(f: QrFactorisation): number[] {
  const q = thinQ(f);
  return Array.from({ length: f.n }, (_, i) => {
    const h = q.reduce((s, qj) => s + (qj[i] as number) ** 2, 0);
    return h > 1 - 10 * Number.EPSILON ? 1 : h;
  });
}

/**
 * xᵀ (RᵀR)⁻¹ x for a row `x` over the original columns, using the non-aliased ones only
 * (R's predict.lm: ‖x R⁻¹‖²). Also gives the unscaled variance of one coefficient when x
 * is a unit vector.
 */
export function quadraticForm(f: QrFactorisation, x: readonly number[]): number {
  // Solve uᵀ R = xᵀ (forward substitution on Rᵀ), then return ‖u‖².
  const u = new Array<number>(f.rank).fill(0);
  for (let j = 0; j < f.rank; j++) {
    let s = x[f.pivot[j] as number] as number;
    for (let i = 0; i < j; i++) s -= (u[i] as number) * (f.r[i]?.[j] as number);
    u[j] = s / (f.r[j]?.[j] as number);
  }
  return dot(u, u);
}
