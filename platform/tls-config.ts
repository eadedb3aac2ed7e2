import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { z } from 'zod';

/** A PEM file named by a variable, read at start: a file that cannot be read, or is not PEM, stops start-up naming the variable. */
const pemFile = (what: string) =>
  z.string().transform((path, ctx) => {
    // Text, not a Buffer: the compiled configuration is deep-frozen, which a Buffer cannot be.
    let pem: string;
    try {
      pem = readFileSync(path, 'utf8');
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const why =
        e.code === 'ENOENT'
          ? 'no such file'
          : e.code === 'EACCES'
            ? 'permission denied'
            : e.code === 'EISDIR'
              ? 'is a directory'
              : e.message;
      ctx.addIssue({ code: 'custom', message: `cannot read ${what} '${path}': ${why}` });
      return z.NEVER;
    }
    if (!pem.includes('-----BEGIN ')) {
      ctx.addIssue({ code: 'custom', message: `'${path}' is not a PEM file (${what})` });
      return z.NEVER;
    }
    return { path, pem };
  });

/** TLS of the HTTP listener (platform/http.ts), optional: unset, the service speaks plain HTTP (a reverse proxy terminates TLS). */
export const tlsConfigSchema = z.object({
  /** PEM certificate (chain) of the server; with EWS_TLS_KEY the service serves HTTPS. */
  EWS_TLS_CERT: pemFile('the server certificate').optional(),
  /** PEM private key of EWS_TLS_CERT. */
  EWS_TLS_KEY: pemFile('the server private key').optional(),
  /**
   * PEM CA certificate(s) for hospital client certificates (mutual TLS): a client certificate is
   * requested, not required; one verified against these CAs naming a registered hospital
   * (SAN URI urn:ews:hospital:<id>, else subject CN) stands for its API key on ingest.
   */
  EWS_TLS_CLIENT_CA: pemFile('the client CA').optional(),
});

type TlsInput = z.output<typeof tlsConfigSchema>;

/** The TLS settings as the HTTP base takes them, or undefined for plain HTTP. */
export interface TlsSettings {
  cert: string;
  key: string;
  clientCa?: string | undefined;
}

/** The checks across the TLS variables (both of the pair, a CA only with them, the key matching the certificate). */
export function tlsProblems(c: TlsInput): { variable: string; message: string }[] {
  if (!c.EWS_TLS_CERT !== !c.EWS_TLS_KEY) {
    const missing = c.EWS_TLS_CERT ? 'EWS_TLS_KEY' : 'EWS_TLS_CERT';
    return [{ variable: missing, message: 'EWS_TLS_CERT and EWS_TLS_KEY go together: set both to serve HTTPS, or neither' }];
  }
  if (c.EWS_TLS_CLIENT_CA && !c.EWS_TLS_CERT)
    return [{ variable: 'EWS_TLS_CLIENT_CA', message: 'client certificates need TLS: set EWS_TLS_CERT and EWS_TLS_KEY too' }];
  if (!c.EWS_TLS_CERT || !c.EWS_TLS_KEY) return [];
  try {
    createSecureContext({
      cert: c.EWS_TLS_CERT.pem,
      key: c.EWS_TLS_KEY.pem,
      ...(c.EWS_TLS_CLIENT_CA ? { ca: c.EWS_TLS_CLIENT_CA.pem } : {}),
    });
  } catch (err) {
    return [{ variable: 'EWS_TLS_KEY', message: `cannot use the certificate and key: ${(err as Error).message}` }];
  }
  return [];
}

/** The HTTP base's TLS settings of a compiled configuration. */
export function tlsSettings(c: TlsInput): TlsSettings | undefined {
  if (!c.EWS_TLS_CERT || !c.EWS_TLS_KEY) return undefined;
  return { cert: c.EWS_TLS_CERT.pem, key: c.EWS_TLS_KEY.pem, clientCa: c.EWS_TLS_CLIENT_CA?.pem };
}
