import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES_FILE, parseRuleFile, type ParseRuleFileOptions } from '../../alerts/rule-file.ts';
import { isAppError } from '../../platform/errors.ts';
import { GROUP_A_SYNDROME_IDS } from '../../schemas/code-tables/syndromes.ts';

const configError = (text: string, options?: ParseRuleFileOptions): string => {
  try {
    parseRuleFile(text, options);
  } catch (e) {
    if (isAppError(e) && e.code === 'CONFIG_INVALID') return e.message;
    throw e;
  }
  throw new Error('expected CONFIG_INVALID');
};

const count = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'c',
  kind: 'count',
  level: 'red',
  syndrome: 'lab_measles',
  area: 'commune',
  threshold: 3,
  days: 30,
  ...over,
});
const file = (...rules: Record<string, unknown>[]): string => JSON.stringify({ rules });

describe('the shipped default rules', () => {
  const text = readFileSync(DEFAULT_RULES_FILE, 'utf8');
  const { rules } = parseRuleFile(text, { requireSource: true });

  it('parse with a source on every rule, ids unique', () => {
    expect(rules.length).toBeGreaterThanOrEqual(5);
    expect(rules.every((r) => (r.source ?? '').length > 40)).toBe(true);
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
  });

  it('cover every group-A series with an immediate red rule', () => {
    const immediate = rules.flatMap((r) => (r.kind === 'immediate' && r.level === 'red' ? r.syndromes : []));
    expect(GROUP_A_SYNDROME_IDS.length).toBe(6);
    for (const s of [...GROUP_A_SYNDROME_IDS, 'afp']) {
      expect(immediate).toContain(s);
    }
  });

  it('carry the cited thresholds', () => {
    const byId = new Map(rules.map((r) => [r.id, r]));
    expect(byId.get('measles-confirmed-cluster')).toMatchObject({ kind: 'count', threshold: 3, days: 30, syndrome: 'lab_measles' });
    expect(byId.get('meningitis-alert-rate')).toMatchObject({ kind: 'rate', threshold: 3, min_population: 30000, max_population: 100000 });
    expect(byId.get('meningitis-epidemic-rate')).toMatchObject({ kind: 'rate', threshold: 10, level: 'red' });
    expect(byId.get('meningitis-alert-small-area')).toMatchObject({ threshold: 2, days: 7, max_population: 29999 });
  });

  it('are frozen', () => {
    expect(Object.isFrozen(rules)).toBe(true);
    expect(Object.isFrozen(rules[0])).toBe(true);
  });

  it('a rule without a source is refused when sources are required (negative control)', () => {
    expect(configError(file(count()), { requireSource: true })).toMatch(/rules\[0\]\.source/);
    expect(parseRuleFile(file(count())).rules).toHaveLength(1);
  });
});

describe('YAML and JSON both parse to the same rules', () => {
  it('same content', () => {
    const yaml =
      'rules:\n  - id: c\n    kind: count\n    level: red\n    syndrome: lab_measles\n    area: commune\n    threshold: 3\n    days: 30\n';
    expect(parseRuleFile(yaml)).toEqual(parseRuleFile(file(count())));
  });
  it('an empty rule list is valid', () => {
    expect(parseRuleFile('rules: []').rules).toEqual([]);
  });
});

describe('bad entries are named', () => {
  // [what, file text, expected message fragment]
  const cases: [string, string, RegExp][] = [
    [
      'threshold 0',
      file(count(), count({ id: 'd' }), count({ id: 'e' }), count({ id: 'f', threshold: 0 })),
      /rules\[3\]\.threshold: must be ≥ 1/,
    ],
    ['fractional count threshold', file(count({ threshold: 2.5 })), /rules\[0\]\.threshold: must be a whole number/],
    ['days 0', file(count({ days: 0 })), /rules\[0\]\.days: must be ≥ 1/],
    ['rate threshold 0', file({ ...count({ kind: 'rate' }), days: undefined, threshold: 0 }), /rules\[0\]\.threshold: must be > 0/],
    ['unknown syndrome', file(count({ syndrome: 'measels' })), /rules\[0\]\.syndrome: unknown series "measels"/],
    [
      'unknown immediate series',
      file({ id: 'i', kind: 'immediate', level: 'red', syndromes: ['cholera', 'ebola'] }),
      /rules\[0\]\.syndromes\[1\]: unknown series "ebola"/,
    ],
    [
      'empty immediate list',
      file({ id: 'i', kind: 'immediate', level: 'red', syndromes: [] }),
      /rules\[0\]\.syndromes: must list at least one/,
    ],
    ['unknown kind', file(count({ kind: 'ratio' })), /rules\[0\]\.kind: must be "immediate", "count" or "rate"/],
    ['bad level', file(count({ level: 'orange' })), /rules\[0\]\.level: must be "red" or "yellow"/],
    ['bad area', file(count({ area: 'district' })), /rules\[0\]\.area: must be "commune" or "province"/],
    ['a typo in a field name', file(count({ treshold: 3 })), /rules\[0\]: unknown field "treshold"/],
    [
      'a count field on an immediate rule',
      file({ id: 'i', kind: 'immediate', level: 'red', syndromes: ['cholera'], days: 1 }),
      /rules\[0\]: unknown field "days"/,
    ],
    ['bad id', file(count({ id: 'Rule 1' })), /rules\[0\]\.id: must be/],
    ['duplicate id', file(count(), count()), /rules\[1\]\.id: "c" is already used by rules\[0\]/],
    [
      'population bounds reversed',
      file(count({ min_population: 100, max_population: 99 })),
      /rules\[0\]\.max_population: must be ≥ min_population/,
    ],
    ['no rules key', '{"rule": []}', /rules: must be a list of rules; \(file\): unknown field "rule"/],
    ['not YAML', 'rules: [\n  - id: x', /not valid YAML or JSON/],
    ['duplicate YAML key', 'rules: []\nrules: []\n', /not valid YAML or JSON/],
  ];
  it.each(cases)('%s', (_what, text, message) => {
    expect(configError(text)).toMatch(message);
  });

  it('every problem is reported, not only the first', () => {
    const msg = configError(file(count({ threshold: 0 }), count({ id: 'd', days: 0 })));
    expect(msg).toMatch(/rules\[0\]\.threshold/);
    expect(msg).toMatch(/rules\[1\]\.days/);
  });

  it('the boundary values themselves are accepted (both sides of each limit)', () => {
    expect(parseRuleFile(file(count({ threshold: 1, days: 1 }))).rules).toHaveLength(1);
    expect(parseRuleFile(file(count({ days: 366 }))).rules).toHaveLength(1);
    expect(configError(file(count({ days: 367 })))).toMatch(/days: must be ≤ 366/);
    expect(parseRuleFile(file(count({ min_population: 100, max_population: 100 }))).rules).toHaveLength(1);
  });

  it('knownSeries restricts the series a rule may name', () => {
    expect(configError(file(count()), { knownSeries: ['dengue'] })).toMatch(/unknown series "lab_measles"/);
  });
});
