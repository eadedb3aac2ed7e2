import type { AlertLevel, AreaLevel, LifecycleStatus, Outcome } from '../../schemas/alert-lifecycle.ts';

/**
 * What a weekly bulletin shows (the form provinces send up each week): plain data, gathered by
 * gather.ts from the stores and turned into a document by bulletin-html.ts. No I/O here.
 */

export type BulletinLang = 'vi' | 'en';
export const BULLETIN_LANGS: readonly BulletinLang[] = ['vi', 'en'];

/** A name in both languages. */
export interface Bilingual {
  vi: string;
  en: string;
}

/**
 * How the expected count of a syndrome was computed: the mean of the same ISO week in the
 * previous years that have data, or — with no such year — the mean of the 8 weeks before.
 */
export type ExpectedBasis = { kind: 'previous_years'; years: number[] } | { kind: 'previous_weeks'; weeks: number };

export interface SyndromeRow {
  id: string;
  name: Bilingual;
  /** Distinct events of the week in the province. */
  count: number;
  /** Null when there is no basis at all (no earlier data). */
  expected: number | null;
  /** count / expected; null when expected is null or 0. */
  ratio: number | null;
  /** Above the threshold (BulletinThreshold). */
  flagged: boolean;
}

/** A syndrome is flagged when its ratio is at least `ratio` and its count at least `minCount`; with expected 0, any count ≥ minCount; never without an expected. */
export interface BulletinThreshold {
  ratio: number;
  minCount: number;
}

export interface BulletinAlert {
  id: string;
  /** Syndrome family id and name. */
  family: string;
  familyName: Bilingual;
  level: AlertLevel;
  /** Status as of the bulletin's issue. */
  status: LifecycleStatus;
  area: { level: AreaLevel; code: string; name: string; communes: string[] };
  /** ISO instants. */
  openedAt: string;
  closedAt: string | null;
  firstDay: string;
  lastDay: string;
  /** Highest observed count of its evidence, and the expected value beside it. */
  observed: number;
  expected: number | null;
  /** How it ended: an outcome of the lifecycle, `discarded`, or null while active. */
  outcome: Outcome | 'discarded' | null;
  outcomeNotes: string;
}

export interface MapCommune {
  code: string;
  name: string;
  lat: number;
  lon: number;
  /** The highest level of the week's alerts naming the commune (or its province); none without. */
  level: AlertLevel | 'none';
}

export interface HospitalCompleteness {
  id: string;
  name: string;
  /** Days of the week (of 7) with at least one event occurring on it. */
  daysWithData: number;
  /** Events occurring in the week. */
  events: number;
  /** The usual week: the mean of the 4 weeks before; null without any. */
  usualEvents: number | null;
  /** events / usualEvents; null when usual is null or 0. */
  ratio: number | null;
}

export interface BulletinData {
  province: { code: string; name: string };
  week: { label: string; from: string; to: string };
  /** ISO instant the bulletin was made. */
  issuedAt: string;
  expectedBasis: ExpectedBasis;
  threshold: BulletinThreshold;
  /** Flagged first, then by count (largest first); syndromes with no count and no expected left out. */
  syndromes: SyndromeRow[];
  /** Alerts opened in the week, and alerts closed (or discarded) in the week. */
  opened: BulletinAlert[];
  closed: BulletinAlert[];
  /** The province's communes with their alert level, for the dot map. */
  communes: MapCommune[];
  hospitals: HospitalCompleteness[];
}
