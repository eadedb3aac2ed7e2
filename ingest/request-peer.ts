import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../platform/errors.ts';
import { capText, DEAD_LETTER_RAW_CAP } from '../schemas/dead-letter.ts';
import type { PeerCertificateView } from './ingest-auth.ts';
import { readBody } from './read-body.ts';

/**
 * What every hospital edge (POST /v1/events, /fhir, /hl7v2, the MLLP listener) reads of the
 * connection and the request beyond its parsed body: one copy, so the four cannot drift.
 */

/** The client certificate, when the connection is TLS and it was verified against EWS_TLS_CLIENT_CA; else undefined. */
export function verifiedCertificate(socket: Socket): PeerCertificateView | undefined {
  const s = socket as Partial<TLSSocket>;
  if (s.authorized !== true || typeof s.getPeerCertificate !== 'function') return undefined;
  const cert = s.getPeerCertificate();
  return cert && Object.keys(cert).length > 0 ? cert : undefined;
}

/** Content-Length as the client declared it, when it is a whole number. */
export function declaredLength(req: FastifyRequest): number | undefined {
  const v = req.headers['content-length'];
  const n = v === undefined ? NaN : Number(v);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** The first 64 KiB of a body no parser read (a Content-Type the route does not take), for its dead letter. */
export async function unreadBody(req: FastifyRequest, limit: number): Promise<{ head: Buffer; bytes: number }> {
  if (req.raw.readableEnded || req.raw.readableDidRead) return { head: Buffer.alloc(0), bytes: 0 };
  const read = await readBody(req.raw, { limit, keep: DEAD_LETTER_RAW_CAP, declaredLength: declaredLength(req) }).catch(() => undefined);
  if (!read) return { head: Buffer.alloc(0), bytes: 0 };
  return read.ok ? { head: read.body, bytes: read.body.length } : { head: read.head, bytes: read.bytes };
}

/** A request header as a dead letter keeps it: at most 200 characters. */
export const capHeader = (v: string | undefined) => (v === undefined ? null : capText(v, 200));

/** What was received of a refused body: its beginning (at most 64 KiB) and how many bytes came. */
export interface Received {
  head: Buffer;
  bytes: number;
}

/**
 * Makes `scope` read bodies of `types` as bytes itself, at most `limit`: fastify's own reader
 * drops what it read on a 413, and the dead letter must keep the beginning of a body over the
 * limit. Answers the map where a refused request's received bytes are kept for its dead letter.
 * `batches` names what the client should send smaller ("batches", "Bundles").
 */
export function readBodiesAsBytes(
  scope: FastifyInstance,
  types: string[],
  limit: number,
  batches: string,
): WeakMap<FastifyRequest, Received> {
  const refused = new WeakMap<FastifyRequest, Received>();
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser(types, async (req: FastifyRequest, payload: IncomingMessage) => {
    const read = await readBody(payload, { limit, keep: DEAD_LETTER_RAW_CAP, declaredLength: declaredLength(req) });
    if (read.ok) return read.body;
    refused.set(req, { head: read.head, bytes: read.bytes });
    throw read.reason === 'too_large'
      ? new AppError('BODY_TOO_LARGE', `request body is larger than the limit of ${limit} bytes; send smaller ${batches}`)
      : new AppError('BAD_REQUEST', 'the body received is not as long as its Content-Length header says');
  });
  return refused;
}
