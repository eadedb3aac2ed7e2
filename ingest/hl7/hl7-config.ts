import { z } from 'zod';

/** HL7 v2 settings beside ingest/config.ts's EWS_MLLP_* (composed in cli/config.ts). */
export const hl7ConfigSchema = z.object({
  /**
   * Client certificates on MLLP over TLS (EWS_MLLP_TLS, EWS_TLS_CLIENT_CA). `requested` (the
   * default, as HTTPS): a certificate verified against EWS_TLS_CLIENT_CA names the hospital,
   * else the key in MSH-8 does. `required`: mutual TLS, the handshake is refused without a
   * certificate verified against EWS_TLS_CLIENT_CA.
   */
  EWS_MLLP_CLIENT_CERT: z.enum(['requested', 'required'], { message: 'must be requested or required' }).default('requested'),
});

/** The check of EWS_MLLP_CLIENT_CERT against the TLS variables (cli/config.ts checks EWS_MLLP_TLS needs a certificate). */
export function mllpTlsProblems(c: {
  EWS_MLLP_TLS: boolean;
  EWS_MLLP_CLIENT_CERT: 'requested' | 'required';
  EWS_TLS_CLIENT_CA?: unknown;
}): { variable: string; message: string }[] {
  if (c.EWS_MLLP_CLIENT_CERT === 'required' && !(c.EWS_MLLP_TLS && c.EWS_TLS_CLIENT_CA))
    return [
      {
        variable: 'EWS_MLLP_CLIENT_CERT',
        message: 'required client certificates need EWS_MLLP_TLS=true and EWS_TLS_CLIENT_CA (the CA of the hospitals’ certificates)',
      },
    ];
  return [];
}
