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
 * Kept: what the mapping reads (PID-7 birth date, PID-8 sex, PV1, DG1, OBR, OBX). What the
 * blanked fields held (identifiers, names, phones, of the patient and the next of kin) is
 * also replaced by [patient] wherever else it stands: clinicians write "BN <MRN>" or the
 * family name into a chief complaint (OBX-5) or a note, which no field rule reaches.
 */
const FIELDS: Readonly<Record<string, readonly number[]>> = {
  PID: [2, 3, 4, 5, 6, 9, 12, 13, 14, 18, 19, 20, 21, 23],
  MSH: [8],
};
const WHOLE = new Set(['NK1', 'GT1', 'IN1', 'IN2', 'IN3', 'PD1', 'MRG', 'ROL']);
/** The marker a blanked field holds, so that a reader sees something was there. */
export const REDACTED = 'REDACTED';

/** PID fields of type CX (extended identifier): PID-2, 3, 4, 18, 21. */
const CX = new Set([2, 3, 4, 18, 21]);
/** Values shorter than this are not searched for elsewhere: "A", "Van", a check digit would match everywhere. */
const MIN_SEARCHED = 4;

/** Every component value of the fields blanked (of PID and the whole segments): what else must not hold them. */
function blankedValues(segments: readonly string[], d: ReturnType<typeof delimitersOf>): string[] {
  const values = new Set<string>();
  for (const seg of segments) {
    const name = seg.slice(0, 3);
    if (name !== 'PID' && !WHOLE.has(name)) continue;
    const fields = seg.split(d.field);
    const picked = WHOLE.has(name)
      ? fields.slice(1).map((f) => [f, false] as const)
      : (FIELDS['PID'] ?? []).map((n) => [fields[n] ?? '', CX.has(n)] as const);
    for (const [f, idOnly] of picked)
      for (const rep of f.split(d.repetition))
        // An identifier (CX) is its first component: the rest names who assigned it (the hospital), not the patient.
        for (const c of idOnly ? rep.split(d.component).slice(0, 1) : rep.split(d.component))
          for (const sub of c.split(d.subcomponent)) if (sub.trim().length >= MIN_SEARCHED) values.add(sub.trim());
  }
  // Longest first, so "Nguyen Van An" is replaced before "Nguyen".
  return [...values].sort((a, b) => b.length - a.length);
}

/** The patient's and next of kin's identifiers, names and phones as the message holds them (longest first). */
export function personalValues(text: string): string[] {
  const segments = segmentsOf(text);
  return blankedValues(segments, delimitersOf(segments[0] ?? ''));
}

/** `s` with each of `values` replaced by [patient]: a chief complaint that names its patient. */
export const withoutPersonal = (s: string, values: readonly string[]) => values.reduce((t, v) => t.split(v).join('[patient]'), s);

export function redactHl7(text: string): string {
  const segments = segmentsOf(text);
  const d = delimitersOf(segments[0] ?? '');
  const elsewhere = blankedValues(segments, d);
  const unnamed = (seg: string) => withoutPersonal(seg, elsewhere);
  return segments
    .map((seg) => unnamed(seg))
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
