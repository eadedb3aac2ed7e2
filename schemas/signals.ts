/** What detectors emit and the alert service consumes: one evaluated (series, day). */
export type SignalLevel = 'red' | 'yellow' | 'none';

export interface Signal {
  syndrome: string;
  commune_code: string;
  /** Local day evaluated, YYYY-MM-DD. */
  day: string;
  /** Detector id, e.g. `ears_c2`. */
  algorithm: string;
  params: Record<string, unknown>;
  observed: number;
  expected: number | null;
  /** Threshold the observed count is compared with (R's `upperbound`). */
  upperbound: number | null;
  p_value: number | null;
  alarm: boolean;
  level: SignalLevel;
}
