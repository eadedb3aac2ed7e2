import { z } from 'zod';
import { envBool, envCron, envInt, envNumber } from '../platform/config.ts';
import { DETECTED_SERIES } from './classify/index.ts';
import { parseDetectorSpec } from './detect/series-detectors.ts';

/**
 * Settings of classification, counting and detection (composed into the root schema in
 * cli/config.ts). EWS_DETECTORS is parsed here, once: the pipeline builds its detectors from
 * the parsed entries.
 */
export const processorsConfigSchema = z.object({
  /** EARS variant run on daily series: C1, C2 or C3. Default C2 (as ESSENCE). */
  EWS_EARS_METHOD: z.enum(['C1', 'C2', 'C3']).default('C2'),
  /** EARS baseline length in days. Default 7 (R earsC default). */
  EWS_EARS_BASELINE: envInt(7, 3, 56),
  /** EARS alpha: upperbound = mean + qnorm(1 − alpha) · sd. Default 0.001 (R earsC default). */
  EWS_EARS_ALPHA: envNumber(0.001, 1e-9, 0.5),
  /**
   * EARS minimum standard deviation. Default 1: commune series are sparse and a baseline of
   * seven zeros would otherwise alarm on a single case (R's default is 0).
   */
  EWS_EARS_MIN_SIGMA: envNumber(1, 0, 100),
  /** p-value below which a non-alarm signal is yellow. Default 0.01. */
  EWS_YELLOW_P: envNumber(0.01, 0, 0.5),
  /**
   * Seconds a count-processor batch may keep failing, or a backlog wait with no batch handled,
   * before /healthz reports the processor degraded. Default 60 (six retries at the longest backoff).
   */
  EWS_PROCESSOR_STALL_SECONDS: envInt(60, 1, 86_400),
  /** Days before today still evaluated (and alerted) when late counts arrive. Default 7. */
  EWS_DETECT_HORIZON_DAYS: envInt(7, 0, 365),
  /**
   * Days after which a day is closed and its counts finalized into `daily_counts` (trends read
   * them there); later events for it re-finalize it. Unset: EWS_DETECT_HORIZON_DAYS.
   */
  EWS_FINALIZE_HORIZON_DAYS: z.coerce.number().int().min(1).max(3650).optional(),
  /** Seconds between count finalizer runs (0: never). Default 300. */
  EWS_FINALIZE_INTERVAL_SECONDS: envInt(300, 0, 86_400),
  /**
   * Detectors and the series they run on, comma-separated `algorithm@granularity/area`:
   * ears@day|week/commune|province, essence|regression|ewma@day/… (CDC Rnssp),
   * farrington@week/… (R defaults, Farrington 1996), noufaily@week/… (Noufaily et al. 2013
   * settings); `:dengue+hfmd` limits an entry to some series. Parsed into entries.
   * Default `ears@day/commune,noufaily@week/province`.
   */
  EWS_DETECTORS: z
    .string()
    .default('ears@day/commune,noufaily@week/province')
    .transform((spec, ctx) => {
      try {
        return Object.freeze(parseDetectorSpec(spec, DETECTED_SERIES));
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  /** Years of history farringtonFlexible uses (b); lowered to the years available. Default 5. */
  EWS_FARRINGTON_B: envInt(5, 1, 20),
  /**
   * farringtonFlexible alpha (upper (1 − alpha) prediction bound). Default 0.01: R's 0.05
   * over dozens of weekly series would raise a false alert nearly every week.
   */
  EWS_FARRINGTON_ALPHA: envNumber(0.01, 1e-6, 0.5),
  /** Daily prospective space-time permutation scan over the communes (Kulldorff 2005). Default on. */
  EWS_SCAN: envBool(true),
  /** Monte Carlo replications of the scan (p-values no smaller than 1/(N+1)). Default 999. */
  EWS_SCAN_REPLICATIONS: envInt(999, 9, 99_999),
  /** Longest cluster in days. Default 7. */
  EWS_SCAN_MAX_DAYS: envInt(7, 1, 60),
  /** Days of the study period setting the scan's expectations. Default 90. */
  EWS_SCAN_STUDY_DAYS: envInt(90, 14, 730),
  /** Neighbours a cluster may add to its centre. Default 10. */
  EWS_SCAN_MAX_NEIGHBOURS: envInt(10, 0, 100),
  /** How far (km) from its centre a cluster may reach. Default 20. */
  EWS_SCAN_MAX_RADIUS_KM: envNumber(20, 1, 500),
  /**
   * A cluster is an alarm when its recurrence interval is at least this many days. Default
   * 365: over 15 syndromes a shorter one raises a chance cluster every week or two.
   */
  EWS_SCAN_RECURRENCE_DAYS: envInt(365, 2, 100_000),
  /** Schedule of the daily detection run (cron, Asia/Ho_Chi_Minh). Default 06:00 daily. */
  EWS_DETECT_CRON: envCron('0 6 * * *'),
  /** Schedule of the weekly detection run (cron, Asia/Ho_Chi_Minh). Default Monday 06:00. */
  EWS_DETECT_WEEKLY_CRON: envCron('0 6 * * 1'),
});
