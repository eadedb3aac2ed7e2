import type { EvidenceItem, LifecycleAlert } from '../../schemas/alert-lifecycle.ts';

/** Province of the test communes: 07xxx in Bắc Ninh (24), 11xxx in Hưng Yên (33). */
export const provinceOf = (c: string): string | undefined => (c.startsWith('07') ? '24' : c.startsWith('11') ? '33' : undefined);

export const ev = (over: Partial<EvidenceItem> = {}): EvidenceItem => ({
  source: 'detector',
  algorithm: 'ears_c2',
  series: 'dengue',
  area_level: 'commune',
  area_code: '07774',
  cluster_communes: [],
  cluster_days: 1,
  granularity: 'day',
  day: '2026-07-03',
  observed: 6,
  expected: 0.4,
  threshold: 2.9,
  p_value: null,
  score: null,
  level: 'yellow',
  ...over,
});

export const cluster = (communes: string[], day: string, over: Partial<EvidenceItem> = {}): EvidenceItem =>
  ev({ algorithm: 'scan_space_time', area_level: 'cluster', area_code: communes[0]!, cluster_communes: communes, day, ...over });

export const province = (code: string, monday: string, over: Partial<EvidenceItem> = {}): EvidenceItem =>
  ev({ algorithm: 'farrington_flexible', area_level: 'province', area_code: code, granularity: 'week', day: monday, ...over });

/** Ids in call order, as a deterministic newId. */
export function counterIds(prefix = 'A'): () => string {
  let n = 0;
  return () => `${prefix}${String(++n).padStart(3, '0')}`;
}

export const stored = (over: Partial<LifecycleAlert>): LifecycleAlert => ({
  id: 'OLD',
  criterion: 'dengue|commune:07774',
  family: 'dengue',
  area: { level: 'commune', code: '07774', communes: ['07774'] },
  first_day: '2026-07-01',
  last_day: '2026-07-03',
  level: 'yellow',
  level_since: '2026-07-01T02:00:00.000Z',
  status: 'open',
  evidence: [],
  risk: { assessment: null, characterisation: null },
  outcome: null,
  outbreak_end: null,
  closed_at: null,
  merged_into: null,
  opened_at: '2026-07-01T02:00:00.000Z',
  updated_at: '2026-07-03T02:00:00.000Z',
  version: 2,
  ...over,
});
