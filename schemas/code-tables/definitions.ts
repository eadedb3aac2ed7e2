import { z } from 'zod';
import v1 from './definitions/v1.json' with { type: 'json' };
import v2 from './definitions/v2.json' with { type: 'json' };
import type { ComplaintRule } from './chief-complaint-rules.ts';
import type { ComplaintConcept, ComplaintCues } from './chief-complaint-terms.ts';
import type { Icd10Anchor } from './icd10-syndromes.ts';
import {
  CXR_SERIES,
  LAB_SERIES,
  LOCAL_CODE_PATTERN,
  LOCAL_CODES,
  LOINC_CODE_PATTERN,
  type LocalCodeEntry,
  type LoincPathogenEntry,
} from './loinc-pathogens.ts';
import { SYNDROME_IDS } from './syndromes.ts';

/**
 * Syndrome definitions as data, one JSON file per published version in
 * schemas/code-tables/definitions/ (`v1.json`, `v2.json`, …): the ICD-10 anchors, the LOINC
 test codes, the chief-complaint concepts and terms, the negation and context
 * cues, and the rules that combine concepts into syndromes.
 *
 * - A published version is never edited: a change of definition is a new file with the next
 *   number, listed in SHIPPED below. Each event stores the version that classified it
 *   (`events.definitions_version`, migration 007), so a change is traceable in the counts.
 * - The running version is EWS_SYNDROME_DEFINITIONS (`latest` by default, or `v1`, `v2`, …).
 * - The series ids and their names stay in TypeScript (syndromes.ts, loinc-pathogens.ts): they
 *   are keys of stored counts and alerts. A definition file may only use ids listed there.
 * - Every file is checked by `definitionSetSchema` (shape) when first used — at start, by
 *   cli/config.ts — and then by createClassifier (meaning: ranges, unknown concepts, …).
 */

const text = z.object({ vi: z.string().min(1), en: z.string().min(1) }).strict();
const setting = z.enum(['outpatient', 'emergency', 'inpatient', 'telehealth']);
const syndromeId = z.enum(SYNDROME_IDS as [string, ...string[]]);
const labSeriesId = z.enum(LAB_SERIES.map((s) => s.id) as [string, ...string[]]);
const testSeriesId = z.enum([...LAB_SERIES, ...CXR_SERIES].map((s) => s.id) as [string, ...string[]]);
const localCodes: readonly string[] = LOCAL_CODES.map((c) => c.code);

const term = z.union([
  z.string().min(1),
  z
    .object({
      text: z.string().min(1),
      accentedOnly: z.literal(true).optional(),
      crossesCommas: z.literal(true).optional(),
      note: z.string().optional(),
    })
    .strict(),
]);
const terms = z.array(term);

const icd10Anchor = z
  .object({
    syndrome: syndromeId,
    codes: z.array(z.string().min(1)).min(1),
    settings: z.array(setting).min(1).optional(),
    maxAgeYearsExclusive: z.number().int().positive().optional(),
    note: z.string().optional(),
  })
  .strict();

const loincEntry = z
  .object({
    loinc: z.string().regex(LOINC_CODE_PATTERN, 'must be a LOINC code such as 75377-2'),
    series: labSeriesId,
    name: z.string().min(10),
    note: z.string().optional(),
  })
  .strict();

const localEntry = z
  .object({
    code: z
      .string()
      .regex(LOCAL_CODE_PATTERN, 'must be a local code EWS-… (capitals, digits, hyphens)')
      .refine((c) => localCodes.includes(c), `must be a local code defined in loinc-pathogens.ts LOCAL_CODES (${localCodes.join(', ')})`),
    series: testSeriesId,
    name: z.string().min(10),
    note: z.string().optional(),
  })
  .strict();

const complaintRule = z
  .object({
    syndrome: syndromeId,
    anyOf: z.array(z.array(z.string().min(1))),
    settings: z.array(setting).min(1).optional(),
    maxAgeYearsExclusive: z.number().int().positive().optional(),
    unless: z.array(syndromeId).optional(),
    note: z.string().optional(),
  })
  .strict();

const cues = z
  .object({
    negationPre: terms,
    contextPre: terms,
    negationPost: terms,
    negationBoth: terms,
    pseudoNegation: terms,
    scopeTerminators: terms,
    ignore: terms,
    preScopeWords: z.number().int().min(0).max(20),
    postScopeWords: z.number().int().min(0).max(20),
  })
  .strict();

/** The shape of one definitions file. */
export const definitionSetSchema = z
  .object({
    $comment: z.string().optional(),
    version: z.string().regex(/^v[1-9]\d*$/, 'must be v1, v2, …'),
    /** Day the version was published (YYYY-MM-DD). */
    published: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD'),
    /** What changed, for officers and reviewers. */
    summary: text,
    icd10: z.array(icd10Anchor),
    loinc: z.array(loincEntry),
    /** Local codes (system urn:ews:local, loinc-pathogens.ts LOCAL_CODES) for results LOINC has no term for. */
    local: z.array(localEntry).default([]),
    complaint: z
      .object({
        feverThresholdC: z.number().min(35).max(42),
        concepts: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), z.object({ label: z.string().min(1), terms }).strict()),
        cues,
        rules: z.array(complaintRule),
      })
      .strict(),
  })
  .strict();

/** One version of the syndrome definitions, checked. */
export interface DefinitionSet {
  readonly version: string;
  readonly published: string;
  readonly summary: { readonly vi: string; readonly en: string };
  readonly icd10: readonly Icd10Anchor[];
  readonly loinc: readonly LoincPathogenEntry[];
  readonly local: readonly LocalCodeEntry[];
  readonly complaint: {
    readonly feverThresholdC: number;
    readonly concepts: Readonly<Record<string, ComplaintConcept>>;
    readonly cues: ComplaintCues;
    readonly rules: readonly ComplaintRule[];
  };
}

/** The shipped files, oldest first. A new version: add its JSON file and its import here. */
const SHIPPED: readonly { readonly file: string; readonly data: unknown }[] = [
  { file: 'v1.json', data: v1 },
  { file: 'v2.json', data: v2 },
];

/** A definitions file that does not check, or a version not shipped (schemas/ raise no AppError: no room imports here). */
export class DefinitionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DefinitionsError';
  }
}

/** `latest`, or a version name. */
export const LATEST = 'latest';

/**
 * Checks the raw contents of definition files (oldest first): each against the schema, their
 * versions v1, v2, … in order without a gap. Throws DefinitionsError naming the file and the
 * field (a shipped file that fails is a defect of the release: the tests check every one).
 * Exported for tests of broken files.
 */
export function parseDefinitionSets(files: readonly { readonly file: string; readonly data: unknown }[]): readonly DefinitionSet[] {
  return Object.freeze(
    files.map(({ file, data }, i) => {
      const r = definitionSetSchema.safeParse(data);
      if (!r.success) {
        const issue = r.error.issues[0]!;
        const at = issue.path.length > 0 ? issue.path.join('.') : '(root)';
        throw new DefinitionsError(`syndrome definitions ${file}: ${at}: ${issue.message}`);
      }
      const expected = `v${i + 1}`;
      if (r.data.version !== expected) {
        throw new DefinitionsError(
          `syndrome definitions ${file}: version is "${r.data.version}", expected "${expected}" (versions go v1, v2, … without a gap)`,
        );
      }
      return deepFreeze(r.data as DefinitionSet);
    }),
  );
}

let shipped: readonly DefinitionSet[] | undefined;

/** Every shipped version, oldest first; checked on first call, then reused. */
export function definitionSets(): readonly DefinitionSet[] {
  shipped ??= parseDefinitionSets(SHIPPED);
  return shipped;
}

/** The versions that can be asked for, oldest first. */
export function definitionVersions(): readonly string[] {
  return definitionSets().map((s) => s.version);
}

/** The newest shipped version. */
export function latestDefinitions(): DefinitionSet {
  const sets = definitionSets();
  return sets[sets.length - 1]!;
}

/**
 * A version by name (`v1`, …) or `latest`. Throws DefinitionsError naming the versions shipped
 * when there is no such version (callers at start turn it into a configuration error).
 */
export function definitionSet(version: string): DefinitionSet {
  if (version === LATEST) return latestDefinitions();
  const found = definitionSets().find((s) => s.version === version);
  if (!found) {
    throw new DefinitionsError(`no syndrome definitions "${version}": shipped are ${definitionVersions().join(', ')} (or "latest")`);
  }
  return found;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
