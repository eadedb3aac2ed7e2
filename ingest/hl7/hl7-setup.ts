import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Clock } from '../../platform/clock.ts';
import { tlsSettings } from '../../platform/tls-config.ts';
import type { z } from 'zod';
import type { tlsConfigSchema } from '../../platform/tls-config.ts';
import type { ingestConfigSchema } from '../config.ts';
import type { IngestAuthenticator } from '../ingest-auth.ts';
import type { IngestService } from '../ingest-service.ts';
import { createHl7Ingest } from './hl7-ingest.ts';
import { registerHl7Routes } from './hl7-routes.ts';
import { createMllpServer, type MllpServer } from './mllp-server.ts';
import type { hl7ConfigSchema } from './hl7-config.ts';
import { createHl7RateLimiter } from './hl7-rate-limit.ts';

/**
 * HL7 v2 ingest from the configuration: POST /hl7v2 on the HTTP API, and the MLLP listener
 * when EWS_MLLP_PORT is set (not yet listening: the caller listens with the HTTP API), over
 * TLS with EWS_MLLP_TLS (client certificates as EWS_MLLP_CLIENT_CERT says), both under the
 * per-hospital limit EWS_INGEST_RATE_LIMIT_PER_MINUTE (one allowance for HL7 v2 messages).
 */
export function startHl7Ingest(d: {
  app: FastifyInstance;
  ingest: IngestService;
  auth: IngestAuthenticator;
  config: Readonly<z.output<typeof ingestConfigSchema> & z.output<typeof tlsConfigSchema> & z.output<typeof hl7ConfigSchema>>;
  log: Logger;
  metrics: Registry;
  clock: Clock;
  /** Test only (the privacy scan's negative control): false keeps refused messages unredacted. */
  redact?: boolean | undefined;
}): { mllp: MllpServer | undefined } {
  const { config } = d;
  const log = d.log.child({ module: 'hl7' });
  const hl7 = createHl7Ingest({
    ingest: d.ingest,
    clock: d.clock,
    metrics: d.metrics,
    log,
    map: { communeComponents: config.EWS_HL7_COMMUNE_COMPONENTS },
    redact: d.redact,
  });
  // One allowance per hospital for its HL7 v2 messages, whichever the transport.
  const limiter = createHl7RateLimiter(config.EWS_INGEST_RATE_LIMIT_PER_MINUTE, () => d.clock.now());
  registerHl7Routes(d.app, hl7, d.auth, limiter);
  if (config.EWS_MLLP_PORT === undefined) return { mllp: undefined };
  const mllp = createMllpServer({
    hl7,
    auth: d.auth,
    log,
    metrics: d.metrics,
    port: config.EWS_MLLP_PORT,
    host: config.EWS_MLLP_HOST,
    tls: config.EWS_MLLP_TLS ? tlsSettings(config) : undefined,
    clientCert: config.EWS_MLLP_CLIENT_CERT,
    limiter,
    idleMs: config.EWS_MLLP_IDLE_TIMEOUT_MS,
    maxMessageBytes: config.EWS_MLLP_MAX_MESSAGE_BYTES,
  });
  return { mllp };
}
