/**
 * Ordinary least squares as R's `lm.fit` (Householder QR with LINPACK's limited pivoting,
 * tolerance 1e-7): coefficients (0 for aliased columns, R reports NA), fitted values and
 * residuals. Used by the ESSENCE adaptive regression.
 */
import { qrDecompose, qrSolve } from './householder-qr.ts';

export interface LmFit {
  readonly coefficients: readonly number[];
  readonly fitted: readonly number[];
  readonly residuals: readonly number[];
  readonly rank: number;
  readonly dfResidual: number;
  /** True where a column was aliased (R: NA coefficient). */
  readonly aliased: readonly boolean[];
}

/** Fits y ~ columns (each of length n; include a column of 1s for the intercept). */
export function lmFit(columns: readonly (readonly number[])[], y: readonly number[]): LmFit {
  const n = y.length;
  const qr = qrDecompose(columns, 1e-7);
  const coefficients = qrSolve(qr, y, columns.length);
  const aliased = columns.map((_, j) => !qr.pivot.slice(0, qr.rank).includes(j));
  const fitted = new Array<number>(n).fill(0);
  columns.forEach((c, j) => {
    const b = coefficients[j] as number;
    for (let i = 0; i < n; i++) fitted[i] = (fitted[i] as number) + (c[i] as number) * b;
  });
  const residuals = y.map((v, i) => v - (fitted[i] as number));
  return { coefficients, fitted, residuals, rank: qr.rank, dfResidual: n - qr.rank, aliased };
}
