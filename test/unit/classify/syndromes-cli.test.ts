import { describe, expect, it } from 'vitest';
import { renderSyndromes, runSyndromes, syndromesListing } from '../../../cli/syndromes.ts';
import { UsageError } from '../../../cli/usage.ts';
import { DETECTED_SERIES } from '../../../processors/classify/index.ts';
import { definitionVersions, latestDefinitions } from '../../../schemas/code-tables/definitions.ts';

describe('ews syndromes', () => {
  it('lists every version and every series of the one asked for, with both names and its codes and terms', () => {
    const l = syndromesListing('v1');
    expect(l.version).toBe('v1');
    expect(l.versions.map((v) => v.version)).toEqual(definitionVersions());
    const v2Only = ['cxr_presumptive_tb', 'cxr_nodule', 'lab_cholera', 'lab_hfmd'];
    expect(l.series.map((s) => s.id)).toEqual(
      expect.arrayContaining([...DETECTED_SERIES.filter((id) => !v2Only.includes(id)), '_visits', '_tests']),
    );
    // The lab series a later version added are not listed under v1 (no test of v1 feeds them); latest lists them.
    for (const id of v2Only) expect(l.series.map((s) => s.id)).not.toContain(id);
    expect(syndromesListing('latest').series.map((s) => s.id)).toEqual(expect.arrayContaining(v2Only));
    const ili = l.series.find((s) => s.id === 'ili')!;
    expect(ili).toMatchObject({ name: { vi: 'Hội chứng cúm', en: 'Influenza-like illness' }, icd10: ['J09-J11'] });
    expect(ili.keywords).toEqual(expect.arrayContaining(['sốt', 'st', 'ho', 'cough']));
    expect(l.series.find((s) => s.id === 'lab_dengue')!.loinc).toContain('75377-2');
    expect(l.cues.negationPre).toContain('không');
    const text = renderSyndromes(l);
    for (const needle of ['* v1', 'Hội chứng cúm', 'Influenza-like illness', 'ICD-10: J09-J11', '75377-2', 'không'])
      expect(text).toContain(needle);
  });

  it('--version defaults to EWS_SYNDROME_DEFINITIONS, else latest; an unknown one is a usage error', () => {
    expect(syndromesListing('latest').version).toBe(latestDefinitions().version);
    expect(() => runSyndromes(['--version', 'v42'])).toThrow(UsageError);
    expect(() => runSyndromes([], { EWS_SYNDROME_DEFINITIONS: 'v42' })).toThrow(/v42/);
  });
});
