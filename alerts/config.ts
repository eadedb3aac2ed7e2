import { z } from 'zod';
import { envHttpUrl, envInt } from '../platform/config.ts';

/** Settings of the alert service (composed into the root schema in cli/config.ts). */
export const alertsConfigSchema = z.object({
  /**
   * Alerts need at least this many cases on the alarm day. Default 5: commune series are
   * sparse, and at 3–4 cases Poisson noise alone alarms somewhere almost daily.
   */
  EWS_ALERT_MIN_COUNT: envInt(5, 1, 10_000),
  /** Lowest signal level that opens an alert: red or yellow. Default red. */
  EWS_ALERT_MIN_LEVEL: z.enum(['red', 'yellow']).default('red'),
  /** Alerts are POSTed as JSON to this URL when set. */
  EWS_WEBHOOK_URL: envHttpUrl('https://alerts.example.org/hook').optional(),
});
