import { z } from 'zod';
import { envInt } from '../platform/config.ts';

/** The read API (dashboards/). */
export const dashboardsConfigSchema = z.object({
  /** Reads (counts, series, alerts, units, dead letters) per user per minute; over it 429 with Retry-After. Default 600; 0: no limit. */
  EWS_READ_RATE_LIMIT_PER_MINUTE: envInt(600, 0, 1_000_000),
});
