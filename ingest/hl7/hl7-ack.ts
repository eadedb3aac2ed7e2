import { DEFAULT_DELIMITERS, escapeHl7, type Delimiters } from './hl7-text.ts';
import type { Hl7ErrorCode, Hl7Header } from './hl7-map.ts';

/**
 * The ACK of a message (HL7 v2.5.1 original acknowledgement mode): MSH with sender and
 * receiver swapped, MSA-1 AA (accepted), AE (error in the content: do not resend unchanged) or
 * AR (rejected: unsupported type, not authenticated, or the service could not take it; may be
 * resent), MSA-2 the message's control id, MSA-3 the reason, and one ERR per error (ERR-2
 * location, ERR-3 code from table 0357, ERR-4 severity, ERR-8 the message). Pure.
 */

export type AckCode = 'AA' | 'AE' | 'AR';

export interface AckError {
  /** Where, as an ERL: segment, its sequence, field. */
  segment?: string | undefined;
  sequence?: number | undefined;
  field?: number | undefined;
  code: Hl7ErrorCode;
  message: string;
}

export interface AckInput {
  /** The header of the message acknowledged; undefined when it had none (unparseable). */
  header: Hl7Header | undefined;
  code: AckCode;
  /** MSA-3: the reason, in English and Vietnamese. */
  text: string;
  errors: readonly AckError[];
  /** MSH-7 of the ACK, epoch ms. */
  now: number;
  /** MSH-10 of the ACK. */
  controlId: string;
}

/** HL7 table 0357 names of the codes used. */
const CODE_NAMES: Record<Hl7ErrorCode, string> = {
  100: 'Segment sequence error',
  101: 'Required field missing',
  102: 'Data type error',
  103: 'Table value not found',
  200: 'Unsupported message type',
  201: 'Unsupported event code',
  203: 'Unsupported version id',
  207: 'Application internal error',
};

/** Longest MSA-3 and ERR-8 text. */
export const MAX_ACK_TEXT = 250;
/** Most ERR segments in one ACK. */
export const MAX_ACK_ERRORS = 20;

/** The ACK text, segments separated by CR. */
export function buildAck(a: AckInput): string {
  const h = a.header;
  const d: Delimiters = h?.delimiters ?? DEFAULT_DELIMITERS;
  const e = (s: string, max = 180) => escapeHl7(s.slice(0, max), d);
  const enc = `${d.component}${d.repetition}${d.escape}${d.subcomponent}`;
  const trigger = h?.trigger ?? '';
  const msh = [
    'MSH',
    enc,
    e(h?.receivingApplication || 'EWS'),
    e(h?.receivingFacility || 'EWS'),
    e(h?.sendingApplication ?? ''),
    e(h?.sendingFacility ?? ''),
    hl7Now(a.now),
    '',
    `ACK${d.component}${e(trigger, 3)}${d.component}ACK`,
    e(a.controlId, 20),
    'P',
    e(h?.version && /^2\.\d+(\.\d+)?$/.test(h.version) ? h.version : '2.5.1'),
  ].join(d.field);
  const msa = ['MSA', a.code, e(h?.controlId ?? '', 199), e(a.text, MAX_ACK_TEXT)].join(d.field);
  const errs = a.errors.slice(0, MAX_ACK_ERRORS).map((x) => {
    const where = x.segment
      ? [x.segment, String(x.sequence ?? 1), x.field === undefined ? '' : String(x.field)]
          .join(d.component)
          .replace(new RegExp(`\\${d.component}+$`), '')
      : '';
    const code = [String(x.code), e(CODE_NAMES[x.code]), 'HL70357'].join(d.component);
    const severity = a.code === 'AA' ? 'W' : 'E';
    return ['ERR', '', where, code, severity, '', '', '', e(x.message, MAX_ACK_TEXT)].join(d.field);
  });
  return [msh, msa, ...errs].join('\r') + '\r';
}

/** An HL7 DTM of an epoch-ms time, in Vietnam's time with its offset. */
export function hl7Now(ms: number): string {
  const t = new Date(ms + 7 * 3600_000).toISOString();
  return `${t.slice(0, 4)}${t.slice(5, 7)}${t.slice(8, 10)}${t.slice(11, 13)}${t.slice(14, 16)}${t.slice(17, 19)}+0700`;
}
