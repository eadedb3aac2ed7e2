import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../platform/errors.ts';
import {
  classifyEvent,
  classifyLab,
  CXR_SERIES_IDS,
  DETECTED_SERIES,
  LAB_SERIES_IDS,
  SYNDROME_IDS,
  type EventInput,
} from '../../../processors/classify/index.ts';

describe('lab results', () => {
  it.each([
    ['75377-2', 'lab_dengue', 'dengue NS1 Ag'],
    ['29663-2', 'lab_dengue', 'dengue IgM'],
    ['77958-7', 'lab_dengue', 'dengue RNA (CSF)'],
    ['92142-9', 'lab_influenza_a', 'influenza A RNA, respiratory'],
    ['34487-9', 'lab_influenza_a', 'influenza A RNA'],
    ['92141-1', 'lab_influenza_b', 'influenza B RNA, respiratory'],
    ['40982-1', 'lab_influenza_b', 'influenza B RNA'],
    ['21503-8', 'lab_measles', 'measles IgM'],
    ['6579-7', 'lab_vibrio', 'Vibrio stool culture'],
  ])('positive %s → %s (%s)', (test_code, series) => {
    expect(classifyLab({ test_code, result: 'positive' })).toEqual([series]);
  });

  it.each(['negative', 'indeterminate'] as const)('%s result → []', (result) => {
    expect(classifyLab({ test_code: '75377-2', result })).toEqual([]);
  });

  it.each([
    ['2345-7', 'glucose: a real LOINC code not in the table'],
    ['75377-6', 'dengue NS1 with a wrong check digit'],
    ['', 'empty'],
  ])('unknown LOINC %j → [] (%s)', (test_code) => {
    expect(classifyLab({ test_code, result: 'positive' })).toEqual([]);
  });

  it('surrounding spaces in the code are ignored', () => {
    expect(classifyLab({ test_code: ' 21503-8 ', result: 'positive' })).toEqual(['lab_measles']);
  });
});

describe('classifyEvent', () => {
  it('dispatches encounters', () => {
    const ev: EventInput = { schema: 'ews.encounter.v1', setting: 'inpatient', diagnoses: ['J10.1'] };
    expect(classifyEvent(ev)).toEqual(['ili', 'sari']);
  });

  it('dispatches labs', () => {
    const ev: EventInput = { schema: 'ews.lab.v1', test_code: '92141-1', result: 'positive' };
    expect(classifyEvent(ev)).toEqual(['lab_influenza_b']);
  });

  it('rejects an unknown schema with a non-retryable validation error', () => {
    const ev = { schema: 'ews.encounter.v9', setting: 'inpatient' } as unknown as EventInput;
    let caught: unknown;
    try {
      classifyEvent(ev);
    } catch (e) {
      caught = e;
    }
    expect(isAppError(caught) && caught.code === 'VALIDATION_FAILED' && !caught.retryable).toBe(true);
  });

  it('returns frozen arrays, so a caller cannot corrupt later results', () => {
    const out = classifyEvent({ schema: 'ews.lab.v1', test_code: '75377-2', result: 'positive' });
    expect(Object.isFrozen(out)).toBe(true);
  });
});

describe('series lists', () => {
  it('DETECTED_SERIES is the syndromes, the lab series, then the AI chest X-ray series, without duplicates', () => {
    expect(DETECTED_SERIES).toEqual([...SYNDROME_IDS, ...LAB_SERIES_IDS, ...CXR_SERIES_IDS]);
    expect(new Set(DETECTED_SERIES).size).toBe(DETECTED_SERIES.length);
    expect(LAB_SERIES_IDS.every((id) => /^lab_[a-z0-9_]+$/.test(id))).toBe(true);
  });
});
