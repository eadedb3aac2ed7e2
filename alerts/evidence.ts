import type { EvidenceItem } from '../schemas/alert-lifecycle.ts';
import type { Signal } from '../schemas/signals.ts';

/**
 * A detector signal as evidence, or null when it is no alarm. Graded by the detector's level
 * (p-value or score bands); an alarm the detector left ungraded counts as yellow. Minimum
 * level and minimum count stay the rules' business (alerts/rules.ts), before grouping.
 */
export function evidenceFromSignal(s: Signal): EvidenceItem | null {
  if (s.level === 'none' && !s.alarm) return null;
  return {
    source: 'detector',
    algorithm: s.algorithm,
    series: s.syndrome,
    area_level: s.area_level,
    area_code: s.commune_code,
    cluster_communes: s.area_level === 'cluster' ? (s.cluster_communes ?? [s.commune_code]) : [],
    cluster_days: s.area_level === 'cluster' ? Math.max(1, s.cluster_days ?? 1) : 1,
    granularity: s.granularity,
    day: s.day,
    observed: s.observed,
    expected: s.expected,
    threshold: s.upperbound,
    p_value: s.p_value,
    score: s.score,
    level: s.level === 'red' ? 'red' : 'yellow',
  };
}
