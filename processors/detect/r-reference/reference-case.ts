/**
 * Reference cases from R's `surveillance` package (format: shared/reference/README.md):
 * parse one case file's JSON and rerun it with our detectors, for `ews detect FILE…` and
 * the tests that hold the detectors to R.
 */
import { cusum, type CusumControl } from '../algorithms/cusum.ts';
import { earsC, type EarsControl } from '../algorithms/ears.ts';
import { invalidField } from '../algorithms/errors.ts';
import { farringtonFlexible, type FarringtonControl } from '../algorithms/farrington-flexible.ts';
import { glrnb, type GlrnbControl } from '../algorithms/glrnb.ts';
import { asArray, asBoolean, asNullableArray, asNumber, asObject, asString, type JsonObject } from './json-fields.ts';
import { parseCusumControl, parseGlrnbControl } from './r-controls-charts.ts';
import { parseEarsControl, parseFarringtonControl } from './r-controls.ts';
import type { DetectorPoint, IndexRange } from '../algorithms/types.ts';

/** Fields shared by every reference case. `range` is R's: 1-based, both ends inclusive. */
interface CaseBase {
  readonly name: string;
  /** Observations per year: 52 (weekly) or 365 (daily). */
  readonly frequency: number;
  readonly observed: readonly number[];
  readonly range: IndexRange;
  readonly expected: { readonly upperbound: (number | null)[]; readonly alarm: (boolean | null)[] };
  readonly source?: string;
}

/** A validated reference case; `control` is already in our detector's shape. */
export type ReferenceCase =
  | (CaseBase & { readonly algorithm: 'earsC'; readonly control: EarsControl })
  | (CaseBase & {
      readonly algorithm: 'farringtonFlexible';
      readonly control: FarringtonControl;
      /** Extension of the shared format: population per time point, for populationOffset. */
      readonly population?: readonly number[];
    })
  | (CaseBase & { readonly algorithm: 'glrnb'; readonly control: GlrnbControl })
  | (CaseBase & { readonly algorithm: 'cusum'; readonly control: CusumControl });

/** What {@link runReferenceCase} computes, aligned with `expected` (one entry per time point in range). */
export interface ReferenceRun {
  readonly name: string;
  readonly upperbound: (number | null)[];
  readonly alarm: (boolean | null)[];
}

/** R functions {@link runReferenceCase} can rerun. */
export const REFERENCE_ALGORITHMS: readonly string[] = ['earsC', 'farringtonFlexible', 'glrnb', 'cusum'];

/**
 * An alarm flag: true/false, or 1/0 as R stores the alarms of glrnb and cusum (their
 * survRes alarm matrix is numeric, which turns the sts alarm slot numeric too).
 */
function asAlarm(value: unknown, path: string): boolean {
  if (value === 0 || value === 1) return value === 1;
  return asBoolean(value, path);
}

function parseBase(c: JsonObject): CaseBase {
  const observed = asArray(c['observed'], 'observed').map((v, i) => asNumber(v, `observed[${i}]`, { min: 0 }));
  const rangeValues = asArray(c['range'], 'range').map((v, i) => asNumber(v, `range[${i}]`, { integer: true, min: 1 }));
  const [from, to] = rangeValues;
  if (rangeValues.length !== 2 || from === undefined || to === undefined || from > to || to > observed.length) {
    throw invalidField('range', `must be [from, to] with 1 ≤ from ≤ to ≤ ${observed.length}`);
  }
  const e = asObject(c['expected'], 'expected');
  const upperbound = asNullableArray(e['upperbound'], 'expected.upperbound', (v, p) => asNumber(v, p));
  const alarm = asNullableArray(e['alarm'], 'expected.alarm', asAlarm);
  const length = to - from + 1;
  if (upperbound.length !== length) throw invalidField('expected.upperbound', `must have ${length} entries (range)`);
  if (alarm.length !== length) throw invalidField('expected.alarm', `must have ${length} entries (range)`);
  return {
    name: asString(c['name'], 'name'),
    frequency: asNumber(c['frequency'], 'frequency', { integer: true, min: 1 }),
    observed,
    range: [from, to],
    expected: { upperbound, alarm },
    ...(c['source'] === undefined ? {} : { source: asString(c['source'], 'source') }),
  };
}

/**
 * Validates one reference case (the parsed JSON of a case file). Throws an AppError
 * `VALIDATION_FAILED` whose `details.field` names the first bad field.
 */
export function parseReferenceCase(json: unknown): ReferenceCase {
  const c = asObject(json, '(case)');
  const algorithm = asString(c['algorithm'], 'algorithm');
  switch (algorithm) {
    case 'earsC':
      return { ...parseBase(c), algorithm, control: parseEarsControl(c['control']) };
    case 'farringtonFlexible': {
      const base = parseBase(c);
      const population =
        c['population'] === undefined
          ? undefined
          : asArray(c['population'], 'population').map((v, i) => asNumber(v, `population[${i}]`, { min: 0 }));
      if (population !== undefined && population.length !== base.observed.length) {
        throw invalidField('population', `must have ${base.observed.length} entries (observed)`);
      }
      const control = parseFarringtonControl(c['control']);
      return { ...base, algorithm, control, ...(population ? { population } : {}) };
    }
    case 'glrnb':
      return { ...parseBase(c), algorithm, control: parseGlrnbControl(c['control']) };
    case 'cusum':
      return { ...parseBase(c), algorithm, control: parseCusumControl(c['control']) };
    default:
      throw invalidField('algorithm', `unsupported "${algorithm}" (supported: ${REFERENCE_ALGORITHMS.join(', ')})`);
  }
}

/** Runs the case's algorithm over R's range and returns upperbound and alarm per time point. */
export function runReferenceCase(c: ReferenceCase): ReferenceRun {
  // R's range is 1-based; our detectors index from 0.
  const range: IndexRange = [c.range[0] - 1, c.range[1] - 1];
  let points: DetectorPoint[];
  switch (c.algorithm) {
    case 'earsC':
      points = earsC(c.observed, { ...c.control, range });
      break;
    case 'farringtonFlexible':
      points = farringtonFlexible(
        { observed: c.observed, frequency: c.frequency, ...(c.population ? { population: c.population } : {}) },
        { ...c.control, range },
      );
      break;
    case 'glrnb':
      points = glrnb({ observed: c.observed, frequency: c.frequency }, { ...c.control, range });
      break;
    case 'cusum':
      points = cusum({ observed: c.observed, frequency: c.frequency }, { ...c.control, range });
      break;
  }
  return { name: c.name, upperbound: points.map((p) => p.upperbound), alarm: points.map((p) => p.alarm) };
}
