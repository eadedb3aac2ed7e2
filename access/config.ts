import { z } from 'zod';
import { envBool, envInt } from '../platform/config.ts';

/** Settings of people's sign-in and sessions (composed in cli/config.ts). */
export const accessConfigSchema = z.object({
  /** A session ends this many hours after sign-in, however active. Default 12. */
  EWS_SESSION_TTL_HOURS: envInt(12, 1, 24 * 30),
  /** A session unused for this many minutes ends. Default 60. */
  EWS_SESSION_IDLE_MINUTES: envInt(60, 1, 7 * 24 * 60),
  /**
   * Always mark the session cookie Secure. Set it behind a reverse proxy that terminates TLS:
   * the service does not trust X-Forwarded-Proto (a client could send it), so without this the
   * cookie is Secure only when the service itself answers over TLS. Default false.
   */
  EWS_SESSION_COOKIE_SECURE: envBool(false),
  /** Password of the demo's users (`ews demo`); unset → one is generated and printed at start. At least 10 characters. */
  EWS_DEMO_PASSWORD: z.string().min(10, 'must be at least 10 characters').optional(),
});

export type AccessConfig = z.output<typeof accessConfigSchema>;
