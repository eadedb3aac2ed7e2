/**
 * Compares our run of a reference case with R's expected output: upperbounds within a
 * relative tolerance, alarms identical, nulls (R's NA) in exactly the same places.
 */
import type { ReferenceCase, ReferenceRun } from './reference-case.ts';

/**
 * Relative tolerance per algorithm. earsC is closed-form, so only rounding differs;
 * farringtonFlexible iterates a GLM to R's convergence criterion (relative deviance
 * change < 1e-8), which leaves ~1e-6 of slack in the fitted values.
 */
export const REFERENCE_TOLERANCE: Readonly<Record<ReferenceCase['algorithm'], number>> = {
  earsC: 1e-6,
  farringtonFlexible: 1e-4,
  glrnb: 1e-6,
  cusum: 1e-6,
};

/** One disagreement, at `offset` into the range (0 = R's range[0]). */
export interface ReferenceMismatch {
  readonly offset: number;
  readonly field: 'upperbound' | 'alarm' | 'length';
  readonly expected: number | boolean | null;
  readonly actual: number | boolean | null;
}

// Below this magnitude both values count as zero: R prints 0 where we may get 1e-17.
const ABSOLUTE_FLOOR = 1e-12;

function close(expected: number, actual: number, relTol: number): boolean {
  const diff = Math.abs(expected - actual);
  return diff <= ABSOLUTE_FLOOR || diff <= relTol * Math.max(Math.abs(expected), Math.abs(actual));
}

/** All disagreements between R's expected output and `run` (empty when they match). */
export function compareReferenceRun(c: ReferenceCase, run: ReferenceRun, relTol = REFERENCE_TOLERANCE[c.algorithm]) {
  const mismatches: ReferenceMismatch[] = [];
  const { upperbound, alarm } = c.expected;
  if (run.upperbound.length !== upperbound.length || run.alarm.length !== alarm.length) {
    return [{ offset: 0, field: 'length', expected: upperbound.length, actual: run.upperbound.length } as const];
  }
  upperbound.forEach((e, i) => {
    const a = run.upperbound[i] ?? null;
    const same = e === null || a === null ? e === a : close(e, a, relTol);
    if (!same) mismatches.push({ offset: i, field: 'upperbound', expected: e, actual: a });
  });
  alarm.forEach((e, i) => {
    const a = run.alarm[i] ?? null;
    if (e !== a) mismatches.push({ offset: i, field: 'alarm', expected: e, actual: a });
  });
  return mismatches;
}
