/**
 * The result shape every detector returns (EARS, Farrington flexible, and later GLR-NB,
 * CUSUM, ESSENCE), so the detect shell and the signal writer need no per-algorithm code.
 */

/** One evaluated time point. `null` marks what R's `surveillance` reports as NA. */
export interface DetectorPoint {
  /** 0-based index of the time point in the observed series passed to the detector. */
  readonly index: number;
  /** The observed count at `index`. */
  readonly observed: number;
  /** Baseline expectation (mean of the reference values, or the model's prediction). */
  readonly expected: number | null;
  /** Threshold the count is compared with; an alarm means `observed > upperbound`. */
  readonly upperbound: number | null;
  readonly alarm: boolean | null;
  /** Upper-tail probability of a count at least this large under the baseline model. */
  readonly pValue?: number | null;
  /** Algorithm-specific standardised statistic (z-like; see each detector's TSDoc). */
  readonly score?: number | null;
  /** ESSENCE-style level from pValue (see {@link AlertLevel}); null where not evaluated. */
  readonly level?: AlertLevel | null;
}

/** Rnssp's alert colours: red p < 0.01, yellow 0.01 ≤ p < 0.05, blue otherwise (grey = null). */
export type AlertLevel = 'red' | 'yellow' | 'blue';

/** A contiguous block of time points to evaluate: 0-based, both ends inclusive. */
export type IndexRange = readonly [from: number, to: number];
