import { AppError } from '../../../platform/errors.ts';

/**
 * A detector input or control value is out of its domain. Not retryable: the same input
 * fails the same way. `details.field` names the offending field, as in R's error messages.
 */
export function invalidField(field: string, reason: string): AppError {
  return new AppError('VALIDATION_FAILED', `${field}: ${reason}`, { details: { field, reason } });
}

/** Counts must be finite: a NaN would silently turn every comparison into "no alarm". */
export function assertFiniteSeries(values: readonly number[], field: string): void {
  const i = values.findIndex((v) => !Number.isFinite(v));
  if (i >= 0) throw invalidField(`${field}[${i}]`, `must be a finite number, got ${String(values[i])}`);
}
