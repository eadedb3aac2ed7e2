import { AppError } from '../../platform/errors.ts';
import type { LabSeriesId, LoincPathogenEntry } from '../../schemas/code-tables/loinc-pathogens.ts';
import type { LabInput } from './types.ts';

const NONE: readonly LabSeriesId[] = Object.freeze([]);
const LOINC_SHAPE = /^\d{1,7}-\d$/;

/** Series of one lab result: the test's series when positive, none otherwise. */
export type LabMatcher = (lab: LabInput) => readonly LabSeriesId[];

export function compileLabMatcher(entries: readonly LoincPathogenEntry[], knownSeries: readonly LabSeriesId[]): LabMatcher {
  const known = new Set(knownSeries);
  const byCode = new Map<string, readonly LabSeriesId[]>();
  entries.forEach((e, i) => {
    const field = `loinc tests[${i}] (${e.loinc})`;
    if (!LOINC_SHAPE.test(e.loinc)) throw new AppError('CONFIG_INVALID', `${field}: not a LOINC code`);
    if (!known.has(e.series)) throw new AppError('CONFIG_INVALID', `${field}: unknown series "${e.series}"`);
    if (byCode.has(e.loinc)) throw new AppError('CONFIG_INVALID', `${field}: listed twice`);
    byCode.set(e.loinc, Object.freeze([e.series]));
  });
  return (lab) => (lab.result === 'positive' ? (byCode.get(lab.test_code.trim()) ?? NONE) : NONE);
}
