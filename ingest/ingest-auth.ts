import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { Counter } from 'prom-client';
import { AppError } from '../platform/errors.ts';
import type { HospitalKeyVerifier } from './hospital-keys.ts';

/** Why a request to the ingest endpoints is not authenticated (the metric's `reason` label: a closed set). */
export type UnauthenticatedReason = 'missing' | 'unknown' | 'revoked' | 'expired';

/** The hospital a request comes from, and how it proved it. */
export type IngestIdentity = { hospitalId: string; via: 'key' | 'certificate' };

export type Authentication = { ok: true; identity: IngestIdentity } | { ok: false; reason: UnauthenticatedReason; error: AppError };

/** What the TLS layer says about the client: its certificate's names, when the certificate was verified against EWS_TLS_CLIENT_CA. */
export interface PeerCertificateView {
  subject?: { CN?: string | string[] } | undefined;
  /** Node's `subjectaltname`: `URI:urn:ews:hospital:BV-A, DNS:example.org`. */
  subjectaltname?: string | undefined;
}

/** The SAN URI prefix naming a hospital in a client certificate. */
export const HOSPITAL_URI_PREFIX = 'urn:ews:hospital:';

/** The token of an `Authorization: Bearer <token>` header; undefined when there is none (or another scheme). */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  return m?.[1];
}

/**
 * The hospital a verified client certificate names: a SAN URI `urn:ews:hospital:<id>` when it
 * has one (exactly one; two different ones name nobody), else its subject CN. Undefined when it names none.
 */
export function hospitalOfCertificate(cert: PeerCertificateView | undefined): string | undefined {
  if (!cert) return undefined;
  const uris = (cert.subjectaltname ?? '')
    .split(/,\s*/)
    .filter((n) => n.startsWith(`URI:${HOSPITAL_URI_PREFIX}`))
    .map((n) => n.slice(`URI:${HOSPITAL_URI_PREFIX}`.length));
  const distinct = [...new Set(uris)];
  if (distinct.length > 1) return undefined;
  if (distinct.length === 1) return distinct[0] || undefined;
  const cn = cert.subject?.CN;
  const name = Array.isArray(cn) ? (cn.length === 1 ? cn[0] : undefined) : cn;
  return name ? name : undefined;
}

/** The 401 answer for a reason, in English and Vietnamese, saying what to do. */
export function unauthenticatedError(reason: UnauthenticatedReason, certificateHospital?: string): AppError {
  const details = { reason, ...(certificateHospital === undefined ? {} : { certificate_hospital_id: certificateHospital }) };
  const message = certificateHospital !== undefined ? certificateMessage(reason, certificateHospital) : KEY_MESSAGES[reason];
  return new AppError('UNAUTHENTICATED', message, { details });
}

const KEY_MESSAGES: Record<UnauthenticatedReason, string> = {
  missing:
    "a hospital API key is required: send 'Authorization: Bearer <key>' (issued by ews hospitals add) / " +
    "cần khóa API của bệnh viện: gửi 'Authorization: Bearer <khóa>' (cấp bằng ews hospitals add)",
  unknown: 'the hospital API key is not recognised / khóa API của bệnh viện không được nhận ra',
  revoked: "the hospital's API key has been revoked / khóa API của bệnh viện đã bị thu hồi",
  expired:
    'this API key was replaced by a rotation and its grace period is over: use the new key / ' +
    'khóa API này đã được thay bằng khóa mới và đã hết thời gian ân hạn: dùng khóa mới',
};

function certificateMessage(reason: UnauthenticatedReason, id: string): string {
  return reason === 'revoked'
    ? `the client certificate names hospital ${id}, which has been revoked / chứng thư số của bệnh viện ${id}, bệnh viện này đã bị thu hồi`
    : `the client certificate names hospital ${id}, which is not registered / chứng thư số của bệnh viện ${id}, bệnh viện này chưa được đăng ký`;
}

export interface IngestAuthDeps {
  keys: HospitalKeyVerifier;
  metrics: Registry;
  log: Logger;
}

/**
 * Who is posting: a verified client certificate naming a registered hospital stands for its
 * key; otherwise the bearer key, verified from the cache. Refusals are counted by reason and
 * logged without the key.
 */
export function createIngestAuthenticator(deps: IngestAuthDeps) {
  const refused = new Counter({
    name: 'ews_ingest_unauthenticated_total',
    help: 'Ingest requests refused with 401 (not dead-lettered), by reason',
    labelNames: ['reason'],
    registers: [deps.metrics],
  });
  const refuse = (reason: UnauthenticatedReason, fields: Record<string, unknown>, certificateHospital?: string): Authentication => {
    refused.inc({ reason });
    // A revoked or expired key is a hospital to call; missing and unknown ones may be anyone's noise.
    if (reason === 'revoked' || reason === 'expired') deps.log.warn({ reason, ...fields }, 'ingest request refused: not authenticated');
    else deps.log.debug({ reason, ...fields }, 'ingest request refused: not authenticated');
    return { ok: false, reason, error: unauthenticatedError(reason, certificateHospital) };
  };
  return {
    async authenticate(request: { authorization: string | undefined; certificate?: PeerCertificateView | undefined; ip: string }) {
      const named = hospitalOfCertificate(request.certificate);
      if (named !== undefined) {
        const standing = await deps.keys.standing(named);
        if (standing === 'active') return { ok: true, identity: { hospitalId: named, via: 'certificate' } } satisfies Authentication;
        return refuse(standing, { ip: request.ip, hospital_id: named, via: 'certificate' }, named);
      }
      const verdict = await deps.keys.verify(bearerToken(request.authorization));
      if (verdict.ok) return { ok: true, identity: { hospitalId: verdict.hospitalId, via: 'key' } } satisfies Authentication;
      return refuse(verdict.reason, { ip: request.ip, via: 'key' });
    },
  };
}

export type IngestAuthenticator = ReturnType<typeof createIngestAuthenticator>;
