/**
 * The rules file: alert rules beside the statistical detectors, as data (issue 10).
 * Pure: cli/ reads the file (EWS_RULES_FILE or the shipped alerts/rules.default.yaml) and
 * hands its text to {@link parseRuleFile}; nothing here touches the disk.
 *
 * Boundary semantics — every comparison is "at least" (≥), nowhere "more than":
 * - `count`: fires when the cases in the window are ≥ `threshold`. The window is `days` days
 *   ending on the evaluated day, both ends included (days: 30 = the day and the 29 before it).
 * - `rate`: fires when cases × 100,000 ≥ `threshold` × population, cases counted in the ISO
 *   week (Monday–Sunday) of the evaluated day, from its Monday up to that day.
 * - `immediate`: one case (≥ 1) of any listed series on the evaluated day, per commune.
 * - `min_population` / `max_population`: the rule applies when
 *   min_population ≤ population ≤ max_population (both ends included); an area outside, or
 *   of unknown population, is skipped with the reason stated.
 */
import { z } from 'zod';
import { failDataFile, parseDataFile } from './data-file.ts';
import { LAB_SERIES } from '../schemas/code-tables/loinc-pathogens.ts';
import { SYNDROME_IDS } from '../schemas/code-tables/syndromes.ts';

export type RuleLevel = 'red' | 'yellow';
export type RuleArea = 'commune' | 'province';

interface RuleCommon {
  /** Stable id, `[a-z0-9_-]`; signals carry it as `algorithm: "rule:<id>"`. */
  readonly id: string;
  readonly level: RuleLevel;
  /** Citation of the threshold (document, section); required in the shipped defaults. */
  readonly source?: string | undefined;
  /** Why the rule is drawn this way, for the reviewing epidemiologist. */
  readonly note?: string | undefined;
}

/** One case of any of `syndromes` in a commune on a day alerts, whatever the baseline. */
export interface ImmediateRule extends RuleCommon {
  readonly kind: 'immediate';
  readonly syndromes: readonly string[];
}

interface PopulationRange {
  /** The rule applies to areas of at least this many residents (inclusive). */
  readonly min_population?: number | undefined;
  /** … and at most this many (inclusive). */
  readonly max_population?: number | undefined;
}

/** At least `threshold` cases of `syndrome` in one area within `days` days. */
export interface CountRule extends RuleCommon, PopulationRange {
  readonly kind: 'count';
  readonly syndrome: string;
  readonly area: RuleArea;
  /** Cases, ≥ 1. */
  readonly threshold: number;
  /** Window length in days, ≥ 1, ending on the evaluated day. */
  readonly days: number;
}

/** At least `threshold` cases per 100,000 residents in one ISO week. */
export interface RateRule extends RuleCommon, PopulationRange {
  readonly kind: 'rate';
  readonly syndrome: string;
  readonly area: RuleArea;
  /** Cases per 100,000 population per ISO week, > 0. */
  readonly threshold: number;
}

export type AlertRule = ImmediateRule | CountRule | RateRule;

export interface RuleFile {
  readonly rules: readonly AlertRule[];
}

export interface ParseRuleFileOptions {
  /** Series a rule may name; default every clinical syndrome and laboratory series. */
  readonly knownSeries?: readonly string[];
  /** Every rule must cite its source (set for the shipped defaults). Default false. */
  readonly requireSource?: boolean;
}

const DEFAULT_SERIES: readonly string[] = [...SYNDROME_IDS, ...LAB_SERIES.map((s) => s.id)];

function buildSchema(known: ReadonlySet<string>, requireSource: boolean) {
  const series = z.string().refine((s) => known.has(s), { error: (i) => `unknown series ${JSON.stringify(i.input)}` });
  const text = z.string().trim().min(1, 'must not be empty');
  const common = {
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be 1–64 characters of a-z, 0-9, _ and -, starting with a letter or digit'),
    level: z.enum(['red', 'yellow'], { error: 'must be "red" or "yellow"' }),
    source: requireSource ? text : text.optional(),
    note: text.optional(),
  };
  const population = {
    min_population: z.number().int('must be a whole number').min(0, 'must be ≥ 0').optional(),
    max_population: z.number().int('must be a whole number').min(1, 'must be ≥ 1').optional(),
  };
  const area = z.enum(['commune', 'province'], { error: 'must be "commune" or "province"' });
  const rule = z.discriminatedUnion(
    'kind',
    [
      z.strictObject({ kind: z.literal('immediate'), ...common, syndromes: z.array(series).min(1, 'must list at least one series') }),
      z.strictObject({
        kind: z.literal('count'),
        ...common,
        ...population,
        syndrome: series,
        area,
        threshold: z.number().int('must be a whole number').min(1, 'must be ≥ 1'),
        days: z.number().int('must be a whole number').min(1, 'must be ≥ 1').max(366, 'must be ≤ 366'),
      }),
      z.strictObject({
        kind: z.literal('rate'),
        ...common,
        ...population,
        syndrome: series,
        area,
        threshold: z.number().positive('must be > 0'),
      }),
    ],
    { error: 'must be "immediate", "count" or "rate"' },
  );
  return z.strictObject({ rules: z.array(rule, { error: 'must be a list of rules' }) });
}

/** `["rules", 3, "threshold"]` → `rules[3].threshold`. */
const fail = (problems: readonly string[]): never => failDataFile('rules file', problems);

/**
 * Parses and validates a rules file (YAML, or JSON, which is YAML). Returns the rules frozen.
 * Throws AppError CONFIG_INVALID naming every bad entry, e.g.
 * `rules file: rules[3].threshold: must be ≥ 1`.
 */
export function parseRuleFile(text: string, options: ParseRuleFileOptions = {}): RuleFile {
  const known = new Set(options.knownSeries ?? DEFAULT_SERIES);
  const data = parseDataFile('rules file', text, buildSchema(known, options.requireSource ?? false));
  const problems: string[] = [];
  const seen = new Map<string, number>();
  data.rules.forEach((r, i) => {
    const first = seen.get(r.id);
    if (first !== undefined) problems.push(`rules[${i}].id: "${r.id}" is already used by rules[${first}]`);
    else seen.set(r.id, i);
    if (r.kind !== 'immediate' && r.min_population !== undefined && r.max_population !== undefined && r.min_population > r.max_population) {
      problems.push(`rules[${i}].max_population: must be ≥ min_population (${r.min_population})`);
    }
  });
  if (problems.length > 0) fail(problems);
  return deepFreeze({ rules: data.rules });
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Where the shipped default rules live (next to this module); cli/ reads it. */
export const DEFAULT_RULES_FILE: URL = new URL('./rules.default.yaml', import.meta.url);
