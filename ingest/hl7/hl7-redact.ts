import { delimitersOf } from './hl7-text.ts';
import { segmentsOf } from './hl7-map.ts';

/**
 * What a dead letter may keep of an HL7 message: the message with its identifying fields
 * blanked (then ingest scrubs the free text left, OBX-5 among it). Works on the text, segment
 * by segment, so that a message the library refused is redacted too. Pure.
 *
 * Blanked: MSH-8 (security: the hospital key over plain MLLP); PID-2/3/4 (identifiers), 5
 * (name), 6 (mother's maiden name), 9 (alias), 11 components 1–2 (street lines; city, district,
 * province and codes stay: they say where, not who), 12, 13, 14 (phones), 18 (account), 19
 * (SSN), 20 (driver's licence), 21 (mother's identifier), 23 (birth place); whole segments NK1
 * (next of kin), GT1 (guarantor), IN1/IN2/IN3 (insurance), PD1, MRG (previous identifiers), ROL.
 * Kept: what the mapping reads (PID-7 birth date, PID-8 sex, PV1, DG1, OBR, OBX).
 */
const FIELDS: Readonly<Record<string, readonly number[]>> = {
  PID: [2, 3, 4, 5, 6, 9, 12, 13, 14, 18, 19, 20, 21, 23],
  MSH: [8],
};
const WHOLE = new Set(['NK1', 'GT1', 'IN1', 'IN2', 'IN3', 'PD1', 'MRG', 'ROL']);
/** The marker a blanked field holds, so that a reader sees something was there. */
export const REDACTED = 'REDACTED';

export function redactHl7(text: string): string {
  const segments = segmentsOf(text);
  const d = delimitersOf(segments[0] ?? '');
  return segments
    .map((seg) => {
      const name = seg.slice(0, 3);
      const fields = seg.split(d.field);
      // MSH-1 is the separator: MSH field n is at index n-1 of the split, other segments' at index n.
      const at = (n: number) => (name === 'MSH' ? n - 1 : n);
      if (WHOLE.has(name)) return fields.map((f, i) => (i === 0 || f === '' ? f : REDACTED)).join(d.field);
      for (const n of FIELDS[name] ?? []) if (fields[at(n)]) fields[at(n)] = REDACTED;
      if (name === 'PID' && fields[11])
        fields[11] = fields[11]
          .split(d.repetition)
          .map((rep) =>
            rep
              .split(d.component)
              .map((c, i) => (i < 2 && c !== '' ? REDACTED : c))
              .join(d.component),
          )
          .join(d.repetition);
      return fields.join(d.field);
    })
    .join('\r');
}
