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
});
