import { z } from 'zod';
import { envInt } from '../platform/config.ts';

/** Settings of the hospital edge (composed into the root schema in cli/config.ts). */
export const ingestConfigSchema = z.object({
  /**
   * Secret key for patient-identifier pseudonymisation (HMAC-SHA256), at least 32 characters.
   * Unset → a random key is created once in EWS_DATA_DIR/pseudonym.key (one process only:
   * `ews serve --role ingest|processor` refuses to start without it).
   */
  EWS_PSEUDONYM_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Event identities remembered by ingest for duplicate answers (~16 B each). Default 20 million. */
  EWS_DEDUP_CAPACITY: envInt(20_000_000, 1000, 1_000_000_000),
  /**
   * Days before its receive time an event may have happened; an older one is refused (and
   * dead-lettered) at ingest and by the count processor. Default 3650 (ten years: a late backfill, not a typo).
   */
  EWS_EVENT_MAX_PAST_DAYS: envInt(3650, 1, 36_500),
  /** Days after its receive time an event may lie (clock skew). Default 1. */
  EWS_EVENT_MAX_FUTURE_DAYS: envInt(1, 0, 365),
});
