/**
 * R `control` lists of reference cases → our detectors' control objects. R's NULL (absent
 * or JSON null) means "R's default", which each detector applies itself.
 */
import type { EarsControl } from '../algorithms/ears.ts';
import { invalidField } from '../algorithms/errors.ts';
import type { FarringtonControl } from '../algorithms/farrington-flexible.ts';
import { asArray, asBoolean, asControl, asNumber, asString, rejectUnknownKeys, type JsonObject } from './json-fields.ts';

/** `{ [key]: read(value) }` when the key is present and not null, else `{}`. */
function optional<K extends string, T>(obj: JsonObject, key: K, read: (v: unknown, path: string) => T): { [P in K]?: T } {
  const v = obj[key];
  return v === undefined || v === null ? {} : ({ [key]: read(v, `control.${key}`) } as { [P in K]?: T });
}

function oneOf<T extends string>(allowed: readonly T[]): (v: unknown, path: string) => T {
  return (v, path) => {
    const s = asString(v, path);
    if (!(allowed as readonly string[]).includes(s)) throw invalidField(path, `must be one of ${allowed.join(', ')}`);
    return s as T;
  };
}

const nonNegative = (v: unknown, p: string): number => asNumber(v, p, { min: 0 });
const count = (min: number) => (v: unknown, p: string) => asNumber(v, p, { integer: true, min });

/** control of R's `earsC`. */
export function parseEarsControl(value: unknown): EarsControl {
  const c = asControl(value, 'control');
  rejectUnknownKeys(c, ['method', 'baseline', 'alpha', 'minSigma'], 'control');
  return {
    method: oneOf(['C1', 'C2', 'C3'] as const)(c['method'], 'control.method'),
    ...optional(c, 'baseline', count(3)),
    ...optional(c, 'alpha', nonNegative),
    ...optional(c, 'minSigma', nonNegative),
  };
}

function limit54(v: unknown, path: string): readonly [number, number] {
  const pair = asArray(v, path).map((x, i) => asNumber(x, `${path}[${i}]`, { min: 0 }));
  if (pair.length !== 2) throw invalidField(path, 'must be [cases, period]');
  return [pair[0] as number, pair[1] as number];
}

// verbose and glmWarnings only change what R prints; fitFun has one possible value.
const FARRINGTON_INERT = ['verbose', 'glmWarnings', 'fitFun'];

/** control of R's `farringtonFlexible`. */
export function parseFarringtonControl(value: unknown): FarringtonControl {
  const c = asControl(value, 'control');
  const keys = ['b', 'w', 'reweight', 'weightsThreshold', 'alpha', 'trend', 'pThresholdTrend', 'limit54'] as const;
  const more = ['powertrans', 'populationOffset', 'noPeriods', 'pastWeeksNotIncluded', 'thresholdMethod'] as const;
  rejectUnknownKeys(c, [...keys, ...more, ...FARRINGTON_INERT], 'control');
  if (c['fitFun'] !== undefined && c['fitFun'] !== 'algo.farrington.fitGLM.flexible') {
    throw invalidField('control.fitFun', 'only algo.farrington.fitGLM.flexible exists');
  }
  return {
    ...optional(c, 'b', count(1)),
    ...optional(c, 'w', count(0)),
    ...optional(c, 'reweight', asBoolean),
    ...optional(c, 'weightsThreshold', (v, p) => asNumber(v, p)),
    ...optional(c, 'alpha', nonNegative),
    ...optional(c, 'trend', asBoolean),
    ...optional(c, 'pThresholdTrend', nonNegative),
    ...optional(c, 'limit54', limit54),
    ...optional(c, 'powertrans', oneOf(['2/3', '1/2', 'none'] as const)),
    ...optional(c, 'populationOffset', asBoolean),
    ...optional(c, 'noPeriods', count(1)),
    ...optional(c, 'pastWeeksNotIncluded', count(0)),
    ...optional(c, 'thresholdMethod', oneOf(['delta', 'nbPlugin', 'muan'] as const)),
  };
}
