/** What detectors emit and the alert service consumes: one evaluated (series, day). */
export type SignalLevel = 'red' | 'yellow' | 'none';

export interface Signal {
  syndrome: string;
  /**
   * Area of the series: a commune code, a province code when `area_level` is province, or the
   * centre commune of a space-time cluster.
   */
  commune_code: string;
  area_level: 'commune' | 'province' | 'cluster';
  /** Communes of a space-time cluster (centre first), and the days it spans up to `day`. */
  cluster_communes?: string[];
  cluster_days?: number;
  /** Series granularity; for weekly series `day` is the Monday of the ISO week. */
  granularity: 'day' | 'week';
  /** Local day (or week start) evaluated, YYYY-MM-DD. */
  day: string;
  /** Detector id, e.g. `ears_c2`. */
  algorithm: string;
  params: Record<string, unknown>;
  observed: number;
  expected: number | null;
  /** Threshold the observed count is compared with (R's `upperbound`). */
  upperbound: number | null;
  p_value: number | null;
  /** Detector-specific standardised statistic (e.g. Farrington's (y − fit)/(upper − fit)). */
  score: number | null;
  alarm: boolean;
  level: SignalLevel;
}
