import { z } from 'zod';
import { envBool, envInt } from '../platform/config.ts';
import { parseKeyRing } from './pseudonymise.ts';

/** Settings of the hospital edge (composed into the root schema in cli/config.ts). */
export const ingestConfigSchema = z.object({
  /**
   * Secret key for patient-identifier pseudonymisation (HMAC-SHA256), at least 32 characters.
   * Unset → a random key is created once in EWS_DATA_DIR/pseudonym.key (one process only:
   * `ews serve --role ingest|processor` refuses to start without it).
   */
  EWS_PSEUDONYM_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  /**
   * The pseudonymisation key ring, `id:secret,id:secret` (ids [A-Za-z0-9]{1,16}, secrets ≥ 32
   * characters): the first makes new pseudonyms (`<id>:<hex>` in `patient_key`), the others
   * stay for linking pseudonyms made before a rotation. Instead of EWS_PSEUDONYM_KEY (which is a
   * ring of one key with id `k1`); not both.
   */
  EWS_PSEUDONYM_KEYS: z
    .string()
    .superRefine((s, ctx) => {
      try {
        parseKeyRing(s);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    })
    .optional(),
  /** Event identities remembered by ingest for duplicate answers (~16 B each). Default 20 million. */
  EWS_DEDUP_CAPACITY: envInt(20_000_000, 1000, 1_000_000_000),
  /**
   * Days before its receive time an event may have happened; an older one is refused (and
   * dead-lettered) at ingest and by the count processor. Default 3650 (ten years: a late backfill, not a typo).
   */
  EWS_EVENT_MAX_PAST_DAYS: envInt(3650, 1, 36_500),
  /** Days after its receive time an event may lie (clock skew). Default 1. */
  EWS_EVENT_MAX_FUTURE_DAYS: envInt(1, 0, 365),
  /**
   * Requests a minute each authenticated hospital may make to POST /v1/events; more answer 429
   * with Retry-After. Default 6000 (far above a hospital's feed, the benchmark and the demo's
   * history loading); 0: no limit.
   */
  EWS_INGEST_RATE_LIMIT_PER_MINUTE: envInt(6000, 0, 10_000_000),
  /**
   * Where FHIR ingest reads a Patient's commune code, in order, comma-separated: `extension`
   * (the address's, else the Patient's, extension `urn:ews:commune-code`) and `district`
   * (`address.district`). Default `extension,district`.
   */
  EWS_FHIR_COMMUNE_FROM: z
    .string()
    .default('extension,district')
    .transform((s) => s.split(',').map((x) => x.trim()))
    .pipe(
      z
        .array(z.enum(['extension', 'district'], { message: 'each must be extension or district' }))
        .min(1)
        .refine((a) => new Set(a).size === a.length, 'must not name a source twice'),
    ),
  /** The hospital API key `ews produce` sends as (instead of --key, which shows in the process list). */
  EWS_HOSPITAL_KEY: z.string().min(1).optional(),
  /**
   * TCP port of the HL7 v2 MLLP listener (ADT^A01/A03/A04/A08, ORU^R01); unset: no listener
   * (POST /hl7v2 still answers). 0 picks a free port.
   */
  EWS_MLLP_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** Interface of the MLLP listener. Default 127.0.0.1. */
  EWS_MLLP_HOST: z.string().default('127.0.0.1'),
  /**
   * MLLP over TLS with EWS_TLS_CERT/KEY (and hospital client certificates with EWS_TLS_CLIENT_CA).
   * Default false: plain MLLP, the hospital key in MSH-8, for a private network or VPN only.
   */
  EWS_MLLP_TLS: envBool(false),
  /** An MLLP connection with nothing received for this many ms is closed. Default 300000 (5 min). */
  EWS_MLLP_IDLE_TIMEOUT_MS: envInt(300_000, 100, 86_400_000),
  /** Largest HL7 message over MLLP in bytes; a longer frame is answered AR. Default 1 MiB. */
  EWS_MLLP_MAX_MESSAGE_BYTES: envInt(1024 * 1024, 1024, 64 * 1024 * 1024),
  /**
   * PID-11 (address) components that hold the commune code, tried in order, comma-separated.
   * Default `9,5`: county/parish code, else zip or postal code.
   */
  EWS_HL7_COMMUNE_COMPONENTS: z
    .string()
    .default('9,5')
    .transform((s, ctx) => {
      const parts = s.split(',').map((x) => Number(x.trim()));
      if (parts.length === 0 || parts.some((n) => !Number.isInteger(n) || n < 1 || n > 14)) {
        ctx.addIssue({ code: 'custom', message: 'must be XAD component numbers 1–14, comma-separated, e.g. 9,5' });
        return z.NEVER;
      }
      return parts;
    }),
});
