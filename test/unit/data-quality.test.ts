import { describe, expect, it } from 'vitest';
import {
  isInformative,
  isSilent,
  median,
  normalizeComplaint,
  NON_INFORMATIVE_COMPLAINTS,
  qualityWindows,
  quantile,
  SILENCE_RULE,
  usualGapMs,
  dayNumberString,
} from '../../schemas/data-quality.ts';

const H = 3_600_000;

describe('isInformative (issue 11 classifier)', () => {
  const cases: [string, { diagnoses?: string[]; chief_complaint?: string }, boolean][] = [
    ['diagnosis code, no complaint', { diagnoses: ['A90'] }, true],
    ['diagnosis code, non-informative complaint', { diagnoses: ['A90'], chief_complaint: 'see triage' }, true],
    ['nothing at all', {}, false],
    ['empty complaint', { diagnoses: [], chief_complaint: '' }, false],
    ['blank diagnosis codes only', { diagnoses: [' ', ''], chief_complaint: '   ' }, false],
    ['see triage', { chief_complaint: 'see triage' }, false],
    ['SEE TRIAGE. (case, punctuation)', { chief_complaint: '  SEE  TRIAGE. ' }, false],
    ['ill', { chief_complaint: 'ill' }, false],
    ['sick', { chief_complaint: 'Sick' }, false],
    ['eval', { chief_complaint: 'eval' }, false],
    ['follow-up (hyphen)', { chief_complaint: 'Follow-up' }, false],
    ['follow up', { chief_complaint: 'follow up' }, false],
    ['medication refill', { chief_complaint: 'Medication refill' }, false],
    ['n/a', { chief_complaint: 'N/A' }, false],
    ['?', { chief_complaint: '?' }, false],
    ['test', { chief_complaint: 'test' }, false],
    ['khám', { chief_complaint: 'Khám' }, false],
    ['tái khám', { chief_complaint: 'tái khám' }, false],
    ['lấy thuốc', { chief_complaint: 'LẤY THUỐC' }, false],
    ['xem', { chief_complaint: 'xem' }, false],
    ['không rõ', { chief_complaint: 'không rõ' }, false],
    ['không rõ, decomposed (NFD)', { chief_complaint: 'không rõ'.normalize('NFD') }, false],
    ['fever', { chief_complaint: 'fever' }, true],
    ['sốt cao 3 ngày', { chief_complaint: 'sốt cao 3 ngày' }, true],
    ['ill with fever (contains a term, is not one)', { chief_complaint: 'ill with fever' }, true],
    ['khám vì ho (contains a term, is not one)', { chief_complaint: 'khám vì ho' }, true],
    ['testicular pain (starts like a term)', { chief_complaint: 'testicular pain' }, true],
  ];
  it.each(cases)('%s', (_name, e, want) => expect(isInformative(e)).toBe(want));

  it('the list is stored normalised (each term is its own normal form) and has no duplicates', () => {
    for (const t of NON_INFORMATIVE_COMPLAINTS) expect(normalizeComplaint(t)).toBe(t);
    expect(new Set(NON_INFORMATIVE_COMPLAINTS).size).toBe(NON_INFORMATIVE_COMPLAINTS.length);
  });
});

describe('median (usual volume)', () => {
  it.each([
    [[], null],
    [[5], 5],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[0, 0, 0, 10], 0],
    [[10, 10, 0, 10, 10], 10],
  ] as [number[], number | null][])('median(%j) = %s', (xs, want) => expect(median(xs)).toBe(want));
  it('does not reorder its input', () => {
    const xs = [3, 1, 2];
    median(xs);
    expect(xs).toEqual([3, 1, 2]);
  });
});

describe('quantile', () => {
  it.each([
    [[], 0.95, null],
    [[7], 0.95, 7],
    [[1, 2, 3, 4, 5], 0.5, 3],
    [[1, 2, 3, 4, 5], 1, 5],
    [[0, 10], 0.95, 9.5],
  ] as [number[], number, number | null][])('quantile(%j, %s) = %s', (xs, q, want) => expect(quantile(xs, q)).toBe(want));
});

describe('the silence rule', () => {
  const t0 = Date.UTC(2026, 10, 1);
  const hoursFrom = (offsets: number[]) => offsets.map((o) => t0 + o * H);
  it('a 24/7 hospital (every hour) gets the 6 h floor', () => {
    expect(usualGapMs(hoursFrom(Array.from({ length: 24 * 7 }, (_, i) => i)))).toBe(SILENCE_RULE.floorMs);
  });
  it('a day-time hospital (07–18 every day) learns its nightly pause (13 h)', () => {
    const hours = Array.from({ length: 14 }, (_, d) => Array.from({ length: 12 }, (_, h) => d * 24 + 7 + h)).flat();
    expect(usualGapMs(hoursFrom(hours))).toBe(13 * H);
  });
  it('events inside the same hour count as one active hour (a batch hides no pause)', () => {
    const hours = [0, 0.1, 0.2, 0.3, 0.5, 12, 12.1, 12.2, 24, 24.5].map((o) => t0 + o * H);
    expect(usualGapMs(hours)).toBe(12 * H);
  });
  it('fewer than two active hours: the floor', () => {
    expect(usualGapMs([])).toBe(SILENCE_RULE.floorMs);
    expect(usualGapMs([t0])).toBe(SILENCE_RULE.floorMs);
  });
  it('silent only past the usual gap; never silent without any event', () => {
    const gap = 6 * H;
    expect(isSilent(t0, t0 + gap, gap)).toBe(false);
    expect(isSilent(t0, t0 + gap + 1, gap)).toBe(true);
    expect(isSilent(null, t0 + 100 * H, gap)).toBe(false);
  });
});

describe('qualityWindows', () => {
  it('the window ends today (Vietnam, UTC+07:00) and the baseline is the days before it', () => {
    // 2026-11-20 18:00 UTC is 2026-11-21 01:00 in Vietnam.
    const w = qualityWindows(Date.parse('2026-11-20T18:00:00Z'), 3);
    expect(w.window.map(dayNumberString)).toEqual(['2026-11-19', '2026-11-20', '2026-11-21']);
    expect(w.baseline.map(dayNumberString)).toEqual(['2026-11-16', '2026-11-17', '2026-11-18']);
  });
});
