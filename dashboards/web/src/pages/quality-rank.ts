// What the Data quality page flags and its order (pure; no DOM, no CSS: unit-tested in test/unit/web-quality.test.ts).

import type { HospitalQuality } from '../../../../schemas/data-quality.ts';

/** One hospital as GET /v1/data-quality answers it. */
export type HospitalRow = HospitalQuality;

/**
 * What the page flags (display thresholds, not alert rules: the silence rule is the server's).
 * Volume below half its usual, more than 5 % rejected, fewer than 70 % informative.
 */
export const FLAGS = Object.freeze({ volumeRatioBelow: 0.5, rejectedAbove: 0.05, informativeBelow: 0.7 });

export type Problem = 'silent' | 'volume' | 'rejected' | 'informative';

/** The hospital's problems, most serious first (pure). */
export function problemsOf(h: HospitalRow): Problem[] {
  const out: Problem[] = [];
  if (h.silent) out.push('silent');
  if (h.volume_ratio !== null && h.volume_ratio < FLAGS.volumeRatioBelow) out.push('volume');
  if (h.rejected.share !== null && h.rejected.share > FLAGS.rejectedAbove) out.push('rejected');
  if (h.informative.share !== null && h.informative.share < FLAGS.informativeBelow) out.push('informative');
  return out;
}

/** Worst first: silent, then by how many problems, then never heard from, then longest since its last event, then by name (pure). */
export function worstFirst(a: HospitalRow, b: HospitalRow): number {
  const pa = problemsOf(a);
  const pb = problemsOf(b);
  return (
    Number(b.silent) - Number(a.silent) ||
    pb.length - pa.length ||
    Number(b.last_received_at === null) - Number(a.last_received_at === null) ||
    (b.hours_since_last_event ?? 0) - (a.hours_since_last_event ?? 0) ||
    a.name.localeCompare(b.name)
  );
}
