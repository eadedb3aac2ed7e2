/**
 * The per-hospital limit of HL7 v2 messages (EWS_INGEST_RATE_LIMIT_PER_MINUTE), shared by
 * POST /hl7v2 and MLLP: each message counts as one request, as each request does on
 * POST /v1/events (counted apart from it and from /fhir). A fixed window of one minute per
 * hospital, as @fastify/rate-limit's store keeps for the other routes. Pure but for the
 * clock it is given.
 */
export interface Hl7RateLimiter {
  /** Counts one message of `hospital`: allowed, or refused with the seconds until its window ends. */
  take(hospital: string): { ok: true } | { ok: false; retryAfterSeconds: number; limit: number };
}

const WINDOW_MS = 60_000;

/** `perMinute` 0: no limit. */
export function createHl7RateLimiter(perMinute: number, now: () => number): Hl7RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    take(hospital) {
      if (perMinute <= 0) return { ok: true };
      const t = now();
      let w = windows.get(hospital);
      if (!w || t - w.start >= WINDOW_MS) {
        // Windows ended are dropped as they are met again; one entry per registered hospital at most.
        w = { start: t, count: 0 };
        windows.set(hospital, w);
      }
      if (w.count >= perMinute)
        return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((w.start + WINDOW_MS - t) / 1000)), limit: perMinute };
      w.count++;
      return { ok: true };
    },
  };
}

/** MSA-3 of a message over the limit, in English and Vietnamese. */
export const rateLimitedReason = (limit: number, retryAfterSeconds: number) =>
  `more than ${limit} messages a minute from this hospital: send it again in ${retryAfterSeconds} s / ` +
  `quá ${limit} bản tin mỗi phút từ bệnh viện này: gửi lại sau ${retryAfterSeconds} giây`;
