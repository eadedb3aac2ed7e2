import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifierFor, createClassifier, DEFAULT_TABLES, tablesFor } from '../../../processors/classify/index.ts';
import { isAppError } from '../../../platform/errors.ts';
import {
  definitionSet,
  definitionSets,
  DefinitionsError,
  definitionVersions,
  latestDefinitions,
  parseDefinitionSets,
} from '../../../schemas/code-tables/definitions.ts';
import { encodeBatch, EVENT_COLUMNS } from '../../../processors/count/count-batch.ts';

const file = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../schemas/code-tables/definitions/${name}`, import.meta.url), 'utf8'));

/**
 * A published version is never edited (a change of definition is a new version): the content
 * of each is pinned by its hash. Editing vN.json fails here; copy it to the next number instead.
 */
const PUBLISHED_SHA256: Record<string, string> = {
  v1: '37362e9d3438422ce064dae04ad5cff470b6131377c7eb499e1f0a942d02abe7',
  v2: 'e1b4692dd09e7e7fb45eeb56954ecedd7986d3899b2d583ff0d712bfa73423ac',
};

const digest = (data: unknown) => createHash('sha256').update(JSON.stringify(data)).digest('hex');

/** The message of the DefinitionsError (schemas) or AppError CONFIG_INVALID (classifier) `f` throws. */
function configError(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err instanceof DefinitionsError || (isAppError(err) && err.code === 'CONFIG_INVALID')).toBe(true);
    return (err as Error).message;
  }
  throw new Error('expected a definitions error');
}

describe('versioned syndrome definitions (schemas/code-tables/definitions/vN.json)', () => {
  it('ships v1, v2, … in order, each checked and compiling into a classifier', () => {
    const versions = definitionVersions();
    expect(versions).toEqual(versions.map((_, i) => `v${i + 1}`));
    for (const set of definitionSets()) {
      const c = createClassifier(tablesFor(set));
      expect(c.version).toBe(set.version);
    }
  });

  it('every shipped version is pinned', () => {
    expect(Object.keys(PUBLISHED_SHA256)).toEqual(definitionVersions());
  });

  it.each(Object.entries(PUBLISHED_SHA256))('%s is unchanged since it was published', (version, sha) => {
    expect(digest(file(`${version}.json`))).toBe(sha);
  });

  it('the pinned hash catches an edit (negative control)', () => {
    const v1 = file('v1.json') as { complaint: { feverThresholdC: number } };
    v1.complaint.feverThresholdC = 37.5;
    expect(digest(v1)).not.toBe(PUBLISHED_SHA256.v1);
  });

  it('latest is the newest; DEFAULT_TABLES and the default classifier are the latest', () => {
    const sets = definitionSets();
    expect(latestDefinitions()).toBe(sets[sets.length - 1]);
    expect(definitionSet('latest')).toBe(latestDefinitions());
    expect(DEFAULT_TABLES.version).toBe(latestDefinitions().version);
    expect(classifierFor('latest')).toBe(classifierFor(latestDefinitions().version));
  });

  it('v1 classifies as before versioning', () => {
    const c = classifierFor('v1');
    expect(c.classifyEncounter({ setting: 'outpatient', chief_complaint: 'st cao, ho kh' })).toEqual(['ili']);
    expect(c.classifyEncounter({ setting: 'outpatient', diagnoses: ['A00.1'] })).toEqual(['acute_diarrhoea', 'cholera']);
    expect(c.classifyLab({ test_code: '75377-2', result: 'positive' })).toEqual(['lab_dengue']);
  });

  it('an unknown version is refused, naming the versions shipped', () => {
    expect(configError(() => definitionSet('v99'))).toMatch(/no syndrome definitions "v99": shipped are v1, v2/);
    expect(configError(() => classifierFor('2'))).toMatch(/shipped are/);
    let appError: unknown;
    try {
      classifierFor('v99');
    } catch (err) {
      appError = err;
    }
    expect(isAppError(appError) && appError.code === 'CONFIG_INVALID').toBe(true);
  });

  it('a malformed file is refused naming the file and the field', () => {
    const v1 = file('v1.json') as Record<string, unknown>;
    const bad = structuredClone(v1) as { icd10: { syndrome: string }[] };
    bad.icd10[0]!.syndrome = 'ilii';
    expect(configError(() => parseDefinitionSets([{ file: 'v1.json', data: bad }]))).toMatch(/v1\.json: icd10\.0\.syndrome/);
    const badLoinc = structuredClone(v1) as { loinc: { loinc: string }[] };
    badLoinc.loinc[0]!.loinc = '75377';
    expect(configError(() => parseDefinitionSets([{ file: 'v1.json', data: badLoinc }]))).toMatch(/loinc\.0\.loinc: must be a LOINC code/);
    const extra = { ...v1, synonyms: [] };
    expect(configError(() => parseDefinitionSets([{ file: 'v1.json', data: extra }]))).toMatch(/v1\.json/);
  });

  it('versions must follow each other without a gap', () => {
    const v1 = file('v1.json') as Record<string, unknown>;
    expect(
      configError(() =>
        parseDefinitionSets([
          { file: 'v1.json', data: v1 },
          { file: 'v3.json', data: { ...v1, version: 'v3' } },
        ]),
      ),
    ).toMatch(/v3\.json: version is "v3", expected "v2"/);
    expect(
      parseDefinitionSets([
        { file: 'v1.json', data: v1 },
        { file: 'v2.json', data: { ...v1, version: 'v2' } },
      ]),
    ).toHaveLength(2);
  });

  it('a loaded version is frozen: nothing can change a definition at run time', () => {
    const set = definitionSet('v1');
    expect(Object.isFrozen(set.icd10[0]!.codes)).toBe(true);
    expect(() => (set.complaint.cues.negationPre as string[]).push('x')).toThrow();
  });
});

describe('each event row records the version that classified it', () => {
  const record = JSON.stringify({
    event: {
      schema: 'ews.encounter.v1',
      event_id: 'E1',
      hospital_id: 'H1',
      occurred_at: '2026-11-24T08:00:00+07:00',
      commune_code: '09187',
      patient_key: 'pk',
      sex: 'female',
      setting: 'outpatient',
      diagnoses: ['J11'],
    },
    received_at: '2026-11-24T08:00:01+07:00',
  });
  const lastField = (tsv: Buffer) => tsv.toString('utf8').trimEnd().split('\t').at(-1);

  it('definitions_version is the last column, filled with the version given', () => {
    expect(EVENT_COLUMNS.at(-1)).toBe('definitions_version');
    const c = classifierFor('v1');
    const out = encodeBatch([{ value: record, offset: 0 }], {
      classify: (ev) => c.classifyEvent(ev),
      definitionsVersion: c.version,
      trusted: false,
    });
    expect(out.refused).toEqual([]);
    expect(out.tsv.toString('utf8').trimEnd().split('\t')).toHaveLength(EVENT_COLUMNS.length);
    expect(lastField(out.tsv)).toBe('v1');
    const other = encodeBatch([{ value: record, offset: 0 }], {
      classify: (ev) => c.classifyEvent(ev),
      definitionsVersion: 'v7',
      trusted: false,
    });
    expect(lastField(other.tsv)).toBe('v7');
  });

  it('a telehealth encounter also counts in _visits_telehealth; other settings do not; changed cells leave the denominator out', () => {
    const tele = record.replace('"outpatient"', '"telehealth"');
    const c = classifierFor('latest');
    const out = encodeBatch([{ value: tele, offset: 0 }], { classify: (ev) => c.classifyEvent(ev), trusted: false });
    const columns = out.tsv.toString('utf8').trimEnd().split('\t');
    expect(columns[EVENT_COLUMNS.indexOf('syndromes')]).toBe("['ili','_visits_telehealth']");
    expect(out.changed.map((k) => k.syndrome)).toEqual(['ili']);
    const inPerson = encodeBatch([{ value: record, offset: 0 }], { classify: (ev) => c.classifyEvent(ev), trusted: false });
    expect(inPerson.tsv.toString('utf8').split('\t')[EVENT_COLUMNS.indexOf('syndromes')]).toBe("['ili']");
  });

  it('without a version given, the latest (which classifyEvent applies)', () => {
    const out = encodeBatch([{ value: record, offset: 0 }], { classify: (ev) => classifierFor('latest').classifyEvent(ev), trusted: true });
    expect(lastField(out.tsv)).toBe(latestDefinitions().version);
  });
});
