import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../platform/errors.ts';
import { createClassifier, DEFAULT_TABLES, SYNDROMES, type ClassifierTables } from '../../../processors/classify/index.ts';

/** LOINC's mod-10 check digit (the Luhn scheme over the digits before the dash). */
function loincCheckDigitOk(code: string): boolean {
  const m = /^(\d+)-(\d)$/.exec(code);
  if (m === null) return false;
  const digits = (m[1] ?? '').split('').reverse().map(Number);
  const sum = digits.reduce((acc, d, i) => {
    const v = i % 2 === 0 ? d * 2 : d;
    return acc + (v > 9 ? v - 9 : v);
  }, 0);
  return (10 - (sum % 10)) % 10 === Number(m[2]);
}

const configError = (build: () => unknown): string => {
  try {
    build();
  } catch (e) {
    if (isAppError(e) && e.code === 'CONFIG_INVALID') return e.message;
    throw e;
  }
  throw new Error('expected CONFIG_INVALID');
};

describe('LOINC table', () => {
  it.each(DEFAULT_TABLES.loinc.map((e) => [e.loinc, e.name] as const))('%s (%s) has a valid check digit', (code) => {
    expect(loincCheckDigitOk(code)).toBe(true);
  });

  it('the check-digit test catches a typo (negative control)', () => {
    expect(loincCheckDigitOk('75377-2')).toBe(true);
    expect(loincCheckDigitOk('75377-6')).toBe(false);
    expect(loincCheckDigitOk('75337-2')).toBe(false);
  });

  it('every series has at least one test (a LOINC code, or a local code from v2) and every test a name', () => {
    for (const series of [...DEFAULT_TABLES.labSeries, ...(DEFAULT_TABLES.screeningSeries ?? [])]) {
      const tests = [...DEFAULT_TABLES.loinc, ...(DEFAULT_TABLES.local ?? [])];
      expect(
        tests.some((e) => e.series === series),
        series,
      ).toBe(true);
    }
    expect(DEFAULT_TABLES.loinc.every((e) => e.name.length > 10)).toBe(true);
  });
});

describe('syndrome list', () => {
  it('has English and Vietnamese names for every id', () => {
    for (const s of SYNDROMES) {
      expect(s.en.length).toBeGreaterThan(2);
      expect(s.vi.length).toBeGreaterThan(2);
    }
  });
});

describe('malformed tables are rejected at build time, naming the entry', () => {
  const withComplaint = (patch: Partial<ClassifierTables['complaint']>): ClassifierTables => ({
    ...DEFAULT_TABLES,
    complaint: { ...DEFAULT_TABLES.complaint, ...patch },
  });

  it('an ICD range written backwards', () => {
    const tables = { ...DEFAULT_TABLES, icd10: [{ syndrome: 'ili' as const, codes: ['J11-J09'] }] };
    expect(configError(() => createClassifier(tables))).toMatch(/icd10 anchors\[0\].*J11-J09/);
  });

  it('a duplicated LOINC code', () => {
    const first = DEFAULT_TABLES.loinc[0];
    if (first === undefined) throw new Error('empty table');
    const tables = { ...DEFAULT_TABLES, loinc: [first, first] };
    expect(configError(() => createClassifier(tables))).toMatch(/listed twice/);
  });

  it('a rule naming an unknown concept', () => {
    const rules = [{ syndrome: 'ili' as const, anyOf: [['fevr' as 'fever']] }];
    expect(configError(() => createClassifier(withComplaint({ rules })))).toMatch(/unknown concept "fevr"/);
  });

  it('the same phrase as a symptom and as an ignored phrase', () => {
    const cues = { ...DEFAULT_TABLES.complaint.cues, ignore: ['sốt'] };
    expect(configError(() => createClassifier(withComplaint({ cues })))).toMatch(/"sốt" is already listed/);
  });

  it('a term with punctuation inside', () => {
    const concepts = { ...DEFAULT_TABLES.complaint.concepts, fever: { label: 'x', terms: ['sốt, cao'] } };
    expect(configError(() => createClassifier(withComplaint({ concepts })))).toMatch(/without punctuation/);
  });
});

describe('negative controls: the behaviour tests can fail', () => {
  it('without negation cues "không sốt" is fever, so the negation tests test something', () => {
    const cues = { ...DEFAULT_TABLES.complaint.cues, negationPre: [] };
    const broken = createClassifier({ ...DEFAULT_TABLES, complaint: { ...DEFAULT_TABLES.complaint, cues } });
    expect(broken.classifyEncounter({ setting: 'outpatient', chief_complaint: 'không sốt' })).toEqual(['fever_unspecified']);
  });

  it('without the accented-only flag, unaccented "soi" (stone) would read as measles', () => {
    const measles = { label: 'measles', terms: ['sởi'] };
    const concepts = { ...DEFAULT_TABLES.complaint.concepts, measles };
    const broken = createClassifier({ ...DEFAULT_TABLES, complaint: { ...DEFAULT_TABLES.complaint, concepts } });
    expect(broken.classifyEncounter({ setting: 'outpatient', chief_complaint: 'soi than' })).toEqual(['measles_rubella']);
  });
});
