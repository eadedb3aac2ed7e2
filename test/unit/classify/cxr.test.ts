import { describe, expect, it } from 'vitest';
import { classifierFor, createClassifier, CXR_SERIES_IDS, DEFAULT_TABLES, LOCAL_CODES } from '../../../processors/classify/index.ts';
import { isAppError } from '../../../platform/errors.ts';
import { labV1 } from '../../../schemas/events.ts';
import {
  LOCAL_CODE_PATTERN,
  LOINC_CODE_PATTERN,
  LOINC_TO_CONFIRM,
  type LocalCodeEntry,
} from '../../../schemas/code-tables/loinc-pathogens.ts';

describe('AI chest X-ray findings (local codes)', () => {
  const latest = classifierFor('latest');
  it.each([
    ['EWS-CXR-TB', 'positive', ['cxr_presumptive_tb']],
    ['EWS-CXR-NODULE', 'positive', ['cxr_nodule']],
    [' EWS-CXR-TB ', 'positive', ['cxr_presumptive_tb']],
    ['EWS-CXR-TB', 'negative', []],
    ['EWS-CXR-TB', 'indeterminate', []],
    ['EWS-CXR-NODULE', 'negative', []],
    ['ews-cxr-tb', 'positive', []],
    ['EWS-CXR-OTHER', 'positive', []],
  ] as const)('%s %s → %j', (code, result, expected) => {
    expect(latest.classifyLab({ test_code: code, result })).toEqual(expected);
  });

  it('v1 knew no local code: the same findings count nowhere', () => {
    expect(classifierFor('v1').classifyLab({ test_code: 'EWS-CXR-TB', result: 'positive' })).toEqual([]);
  });

  it('every defined local code feeds a cxr series in the latest version, and is never LOINC-shaped', () => {
    const local = DEFAULT_TABLES.local ?? [];
    expect(local.map((e) => e.code).sort()).toEqual(LOCAL_CODES.map((c) => c.code).sort());
    expect(new Set(local.filter((e) => e.code.startsWith('EWS-CXR-')).map((e) => e.series))).toEqual(new Set(CXR_SERIES_IDS));
    for (const c of LOCAL_CODES) {
      expect(LOCAL_CODE_PATTERN.test(c.code)).toBe(true);
      expect(LOINC_CODE_PATTERN.test(c.code)).toBe(false);
    }
  });

  it('the ews.lab.v1 contract takes a local code, and still refuses other non-LOINC codes', () => {
    const base = {
      schema: 'ews.lab.v1',
      event_id: 'x',
      hospital_id: 'H',
      occurred_at: '2026-11-20T09:00:00+07:00',
      commune_code: '09187',
      patient_id: 'MRN-1',
      sex: 'male',
      result: 'positive',
    };
    expect(labV1.safeParse({ ...base, test_code: 'EWS-CXR-TB' }).success).toBe(true);
    expect(labV1.safeParse({ ...base, test_code: '75377-2' }).success).toBe(true);
    for (const bad of ['CXR-TB', 'EWS-', 'EWS-cxr', 'EWS-CXR-TB\n', '75377'])
      expect(labV1.safeParse({ ...base, test_code: bad }).success).toBe(false);
  });

  it('a local code listed twice, or for an unknown series, is refused at compile', () => {
    const entry = { code: 'EWS-CXR-TB', series: 'cxr_presumptive_tb' as const, name: 'AI chest X-ray: TB' };
    const refused = (local: unknown) => {
      try {
        createClassifier({ ...DEFAULT_TABLES, local: local as readonly LocalCodeEntry[] });
      } catch (err) {
        expect(isAppError(err) && err.code === 'CONFIG_INVALID').toBe(true);
        return (err as Error).message;
      }
      return 'compiled';
    };
    expect(refused([entry, entry])).toMatch(/local codes\[1\].*listed twice/);
    expect(refused([{ ...entry, series: 'cxr_typo' }])).toMatch(/unknown series "cxr_typo"/);
    expect(refused([{ ...entry, code: 'CXR' }])).toMatch(/not a local code/);
  });
});

describe('tests whose LOINC term was unconfirmed (loinc-pathogens.ts LOINC_TO_CONFIRM), from v2', () => {
  const latest = classifierFor('latest');
  const v1 = classifierFor('v1');
  it.each([
    ['97314-9', 'lab_cholera'],
    ['EWS-EV71-RNA', 'lab_hfmd'],
    ['EWS-DENV-RNA-SER', 'lab_dengue'],
  ] as const)('%s positive → %s (v1: nothing)', (code, series) => {
    expect(latest.classifyLab({ test_code: code, result: 'positive' })).toEqual([series]);
    expect(latest.classifyLab({ test_code: code, result: 'negative' })).toEqual([]);
    expect(v1.classifyLab({ test_code: code, result: 'positive' })).toEqual([]);
  });

  it('every unconfirmed test is counted by its local code, flagged LOCAL in the definitions', () => {
    for (const t of LOINC_TO_CONFIRM) {
      const entry = (DEFAULT_TABLES.local ?? []).find((e) => e.code === t.localCode);
      expect(entry?.series).toBe(t.series);
      expect(entry?.note).toMatch(/^LOCAL code/);
    }
  });
});
