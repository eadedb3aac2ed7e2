import { describe, expect, it } from 'vitest';
import { DETECTED_SERIES } from '../../processors/classify/index.ts';
import { DENOMINATOR_SERIES, syndromeDefinition, syndromeDefinitions } from '../../schemas/code-tables/syndrome-names.ts';

// The ids GET /v1/syndromes lists (cli/pipeline.ts seriesIds): every one must have its names.
const SERIES_IDS = [...DETECTED_SERIES, ...DENOMINATOR_SERIES.map((d) => d.id)];

describe('syndrome names and definitions', () => {
  it.each(SERIES_IDS)('%s has a name and a description in Vietnamese and English', (id) => {
    const d = syndromeDefinition(id);
    expect(d, `no definition for ${id}: add it to schemas/code-tables/syndrome-names.ts`).toBeDefined();
    for (const text of [d!.name.vi, d!.name.en, d!.description.vi, d!.description.en]) expect(text.trim()).not.toBe('');
    // A Vietnamese text copied from the English one is no translation.
    expect(d!.name.vi).not.toBe(d!.name.en);
    expect(d!.description.vi).not.toBe(d!.description.en);
  });

  it('an id the tables do not know has no definition and is left out (negative control)', () => {
    expect(syndromeDefinition('made_up_syndrome')).toBeUndefined();
    expect(syndromeDefinitions(['dengue', 'made_up_syndrome']).map((d) => d.id)).toEqual(['dengue']);
  });

  it.each([
    // id, kind, an ICD-10 code, a LOINC code, a keyword
    ['dengue', 'syndrome', 'A90', null, 'sốt xuất huyết'],
    ['ili', 'syndrome', 'J09-J11', null, 'ho'],
    ['afp', 'syndrome', 'G61.0', null, 'liệt mềm cấp'],
    ['cholera', 'syndrome', 'A00', null, null],
    ['lab_dengue', 'lab', null, '75377-2', null],
    ['_visits', 'denominator', null, null, null],
  ] as const)('%s is a %s with its codes from the code tables', (id, kind, icd, loinc, keyword) => {
    const d = syndromeDefinition(id)!;
    expect(d.kind).toBe(kind);
    if (icd) expect(d.icd10).toContain(icd);
    else expect(d.icd10).toEqual([]);
    if (loinc) expect(d.loinc).toContain(loinc);
    else expect(d.loinc).toEqual([]);
    if (keyword) expect(d.keywords).toContain(keyword);
    else expect(d.keywords).toEqual([]);
  });

  it('lists each code once', () => {
    for (const d of syndromeDefinitions(SERIES_IDS)) {
      expect(new Set(d.icd10).size).toBe(d.icd10.length);
      expect(new Set(d.keywords).size).toBe(d.keywords.length);
    }
  });
});
