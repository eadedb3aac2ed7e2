import { AppError } from '../../platform/errors.ts';
import {
  LOCAL_CODE_PATTERN,
  LOINC_CODE_PATTERN,
  type LocalCodeEntry,
  type LoincPathogenEntry,
  type TestSeriesId,
} from '../../schemas/code-tables/loinc-pathogens.ts';
import type { LabInput } from './types.ts';

const NONE: readonly TestSeriesId[] = Object.freeze([]);

/** Series of one test result: the test's series when positive, none otherwise. */
export type LabMatcher = (lab: LabInput) => readonly TestSeriesId[];

/**
 * LOINC tests and local codes (AI chest X-ray findings, loinc-pathogens.ts LOCAL_CODES) in one
 * map: the two shapes cannot collide (a local code starts `EWS-`).
 */
export function compileLabMatcher(
  entries: readonly LoincPathogenEntry[],
  knownSeries: readonly TestSeriesId[],
  local: readonly LocalCodeEntry[] = [],
): LabMatcher {
  const known = new Set(knownSeries);
  const byCode = new Map<string, readonly TestSeriesId[]>();
  const add = (code: string, series: TestSeriesId, field: string) => {
    if (!known.has(series)) throw new AppError('CONFIG_INVALID', `${field}: unknown series "${series}"`);
    if (byCode.has(code)) throw new AppError('CONFIG_INVALID', `${field}: listed twice`);
    byCode.set(code, Object.freeze([series]));
  };
  entries.forEach((e, i) => {
    const field = `loinc tests[${i}] (${e.loinc})`;
    if (!LOINC_CODE_PATTERN.test(e.loinc)) throw new AppError('CONFIG_INVALID', `${field}: not a LOINC code`);
    add(e.loinc, e.series, field);
  });
  local.forEach((e, i) => {
    const field = `local codes[${i}] (${e.code})`;
    if (!LOCAL_CODE_PATTERN.test(e.code)) throw new AppError('CONFIG_INVALID', `${field}: not a local code EWS-…`);
    add(e.code, e.series, field);
  });
  return (lab) => (lab.result === 'positive' ? (byCode.get(lab.test_code.trim()) ?? NONE) : NONE);
}
