import { Hl7Message, type Hl7Field, type Hl7Segment } from '@medplum/core';
import { ageOn, delimitersOf, hl7DateTime, unescapeHl7, type Delimiters } from './hl7-text.ts';
import { LOCAL_CODE_HL7_SYSTEM, LOCAL_CODE_PATTERN } from '../../schemas/code-tables/loinc-pathogens.ts';

/**
 * HL7 v2.5.1 ADT^A01/A03/A04/A08 and ORU^R01 → ews events, after the PHIN Messaging Guide for
 * Syndromic Surveillance (release 2.0): PID-8 sex, PID-7 birth date → age, PID-11 address →
 * commune, PV1-2 patient class → setting, PV1-19 visit number → event identity (every message
 * of one visit is the same event: an A08 update is a resend), DG1-3 diagnoses, OBX 8661-1
 * chief complaint, OBX 8310-5 temperature; ORU^R01: each OBX with a LOINC code and an
 * interpretable result (OBX-8 abnormal flag or OBX-5 value) → a lab event. Pure.
 */

/** HL7 table 0357 (message error condition codes) used here. */
export type Hl7ErrorCode = 100 | 101 | 102 | 103 | 200 | 201 | 203 | 207;

/** One thing wrong with a message: where (segment, its sequence among its kind, field), why, and its 0357 code. */
export interface Hl7Error {
  /** `PID-7`, `OBX-5`, `MSH-9`; '' for the message as a whole. */
  path: string;
  segment?: string | undefined;
  /** 1 for the first segment of its name. */
  sequence?: number | undefined;
  field?: number | undefined;
  code: Hl7ErrorCode;
  message: string;
}

/** What the ACK repeats of the message's header. */
export interface Hl7Header {
  sendingApplication: string;
  sendingFacility: string;
  receivingApplication: string;
  receivingFacility: string;
  controlId: string;
  /** `ADT^A01`. */
  type: string;
  trigger: string;
  version: string;
  delimiters: Delimiters;
}

export interface Hl7MapOptions {
  /**
   * PID-11 (XAD) components tried in order for the commune code: 9 (county/parish code) by
   * default, then 5 (zip or postal code). EWS_HL7_COMMUNE_COMPONENTS.
   */
  communeComponents: readonly number[];
}

export const DEFAULT_MAP_OPTIONS: Readonly<Hl7MapOptions> = Object.freeze({ communeComponents: Object.freeze([9, 5]) });

export type Hl7Mapping =
  /** Not an HL7 message (no MSH, or the library refused it). */
  | { kind: 'unparseable'; message: string }
  /** Refused before mapping: an unsupported type, trigger or version, or a header field missing (AR). */
  | { kind: 'refused'; header: Hl7Header; hospitalId: string; errors: Hl7Error[] }
  /** Parsed, but the fields do not make events (AE). */
  | { kind: 'invalid'; header: Hl7Header; hospitalId: string; eventId?: string | undefined; errors: Hl7Error[] }
  /** Events in the shape of the JSON contract (patient_id included: ingest pseudonymises it). */
  | { kind: 'events'; header: Hl7Header; hospitalId: string; events: Record<string, unknown>[]; errors: Hl7Error[] };

export const SUPPORTED: Readonly<Record<string, readonly string[]>> = Object.freeze({
  ADT: ['A01', 'A03', 'A04', 'A08'],
  ORU: ['R01'],
});

export const CHIEF_COMPLAINT_LOINC = '8661-1';
export const TEMPERATURE_LOINC = '8310-5';

/** The segments of a message text: CR is the HL7 separator; LF and CRLF are accepted as senders use them. */
export const segmentsOf = (text: string) => text.split(/\r\n|\r|\n/).filter((s) => s.length > 0);

/** The repetitions of a field; none when the segment is shorter (the library then has no field). */
const components = (seg: Hl7Segment, n: number): string[][] => (seg.getField(n) as Hl7Field | undefined)?.components ?? [];

/** Maps one message (its text, without MLLP framing); never throws (a message the library trips on is unparseable). */
export function mapHl7(text: string, options: Readonly<Hl7MapOptions> = DEFAULT_MAP_OPTIONS): Hl7Mapping {
  try {
    return mapUnsafe(text, options);
  } catch (err) {
    return { kind: 'unparseable', message: `the message could not be read: ${(err as Error).message.slice(0, 200)}` };
  }
}

function mapUnsafe(text: string, options: Readonly<Hl7MapOptions>): Hl7Mapping {
  const segments = segmentsOf(text.replace(/^\uFEFF/, ''));
  if (!segments[0]?.startsWith('MSH') || segments[0].length < 9)
    return {
      kind: 'unparseable',
      message:
        'not an HL7 v2 message: it must begin with an MSH segment / không phải bản tin HL7 v2: bản tin phải bắt đầu bằng phân đoạn MSH',
    };
  let msg: Hl7Message;
  try {
    msg = Hl7Message.parse(segments.join('\r'));
  } catch (err) {
    return { kind: 'unparseable', message: `the HL7 library could not parse the message: ${(err as Error).message}` };
  }
  const d = delimitersOf(segments[0]);
  const v = (f: Hl7Field | undefined, component = 1, sub = 0, rep = 0) => unescapeHl7(f?.getComponent(component, sub, rep) ?? '', d).trim();
  const msh = msg.header;
  const header: Hl7Header = {
    sendingApplication: v(msh.getField(3)),
    sendingFacility: v(msh.getField(4)),
    receivingApplication: v(msh.getField(5)),
    receivingFacility: v(msh.getField(6)),
    controlId: v(msh.getField(10)),
    type: `${v(msh.getField(9))}^${v(msh.getField(9), 2)}`,
    trigger: v(msh.getField(9), 2),
    version: v(msh.getField(12)),
    delimiters: d,
  };
  const hospitalId = header.sendingFacility;
  const refused: Hl7Error[] = [];
  const family = v(msh.getField(9));
  if (header.controlId === '')
    refused.push(err('MSH', 10, 101, 'MSH-10 (message control id) is required / cần MSH-10 (mã điều khiển bản tin)'));
  if (hospitalId === '')
    refused.push(err('MSH', 4, 101, 'MSH-4 (sending facility: the hospital id) is required / cần MSH-4 (cơ sở gửi: mã bệnh viện)'));
  if (!Object.hasOwn(SUPPORTED, family))
    refused.push(
      err(
        'MSH',
        9,
        200,
        `message type ${header.type} is not accepted: send ADT^A01/A03/A04/A08 or ORU^R01 / không nhận loại bản tin ${header.type}`,
      ),
    );
  else if (!SUPPORTED[family]!.includes(header.trigger))
    refused.push(
      err(
        'MSH',
        9,
        201,
        `trigger event ${header.type} is not accepted (${family}: ${SUPPORTED[family]!.join(', ')}) / không nhận sự kiện ${header.type}`,
      ),
    );
  if (!/^2\.\d+(\.\d+)?$/.test(header.version))
    refused.push(
      err('MSH', 12, 203, `version '${header.version}' is not accepted: send HL7 v2 (2.5.1) / không nhận phiên bản '${header.version}'`),
    );
  if (refused.length > 0) return { kind: 'refused', header, hospitalId, errors: refused };

  const ctx = { msg, v, options, d };
  return family === 'ADT' ? mapAdt(ctx, header, hospitalId) : mapOru(ctx, header, hospitalId);
}

interface Ctx {
  msg: Hl7Message;
  v: (f: Hl7Field | undefined, component?: number, sub?: number, rep?: number) => string;
  options: Readonly<Hl7MapOptions>;
  d: Delimiters;
}

function err(segment: string, field: number, code: Hl7ErrorCode, message: string, sequence = 1): Hl7Error {
  return { path: `${segment}-${field}`, segment, sequence, field, code, message };
}

/** The fields both kinds share: patient, sex, age, commune; errors for those that cannot be mapped. */
function patientFields(
  ctx: Ctx,
  pid: Hl7Segment,
  occurred: { iso: string; date: { year: number; month: number; day: number } } | undefined,
) {
  const { v } = ctx;
  const errors: Hl7Error[] = [];
  const out: Record<string, unknown> = {};
  // PID-3: the first identifier of type MR (medical record number), else the first one.
  const ids = components(pid, 3);
  const reps = ids.map((_, i) => ({ id: v(pid.getField(3), 1, 0, i), type: v(pid.getField(3), 5, 0, i) })).filter((r) => r.id !== '');
  const patient = reps.find((r) => r.type === 'MR') ?? reps[0];
  if (patient) out['patient_id'] = patient.id;
  else errors.push(err('PID', 3, 101, 'PID-3 (patient identifier list) is required / cần PID-3 (mã người bệnh)'));

  const sex = v(pid.getField(8));
  const mapped = SEX[sex.toUpperCase()];
  if (mapped) out['sex'] = mapped;
  else
    errors.push(
      err(
        'PID',
        8,
        103,
        `PID-8 (administrative sex) '${sex}' is not one of M, F, O, U, A, N (HL7 table 0001) / PID-8 (giới tính) không hợp lệ`,
      ),
    );

  const birthText = v(pid.getField(7));
  if (birthText !== '') {
    const birth = hl7DateTime(birthText, 4);
    if (!birth)
      errors.push(
        err('PID', 7, 102, `PID-7 (date of birth) '${birthText}' is not an HL7 date YYYY[MM[DD]] / PID-7 (ngày sinh) không phải ngày HL7`),
      );
    else if (occurred) {
      const age = ageOn(birth.date, occurred.date);
      if (age < 0 || age > 130)
        errors.push(
          err('PID', 7, 102, `PID-7 (date of birth) '${birthText}' gives an age of ${age} years: must be 0–130 / tuổi ${age} không hợp lệ`),
        );
      else out['age_years'] = age;
    }
  }

  // PID-11: the first repetition (the patient's home address, as PHIN asks), the configured components in order.
  const commune = ctx.options.communeComponents.map((c) => v(pid.getField(11), c)).find((c) => c !== '');
  if (commune === undefined)
    errors.push(
      err(
        'PID',
        11,
        101,
        `PID-11 (patient address) has no commune code in component ${ctx.options.communeComponents.join(' or ')} / PID-11 (địa chỉ) không có mã xã ở thành phần ${ctx.options.communeComponents.join(' hoặc ')}`,
      ),
    );
  else if (!/^\d{5}$/.test(commune))
    errors.push(
      err(
        'PID',
        11,
        102,
        `PID-11 commune code '${commune.slice(0, 40)}' is not a 5-digit administrative code / mã xã không phải mã 5 chữ số`,
      ),
    );
  else out['commune_code'] = commune;
  return { out, errors };
}

const SEX: Record<string, string> = { M: 'male', F: 'female', O: 'other', A: 'other', U: 'unknown', N: 'unknown', '': 'unknown' };

const SETTING: Record<string, string> = {
  E: 'emergency',
  I: 'inpatient',
  O: 'outpatient',
  P: 'outpatient',
  R: 'outpatient',
  B: 'inpatient',
};

/** The first time found among candidates [segment, field] (PV1-44 admit time, EVN-2, MSH-7). */
function timeOf(ctx: Ctx, candidates: readonly (readonly [Hl7Segment | undefined, string, number])[]) {
  for (const [seg, name, field] of candidates) {
    const text = seg ? ctx.v(seg.getField(field)) : '';
    if (text === '') continue;
    const t = hl7DateTime(text);
    if (!t)
      return {
        error: err(
          name,
          field,
          102,
          `${name}-${field} '${text.slice(0, 40)}' is not an HL7 date-time YYYYMMDD[HHMM[SS]][+ZZZZ] / không phải thời điểm HL7`,
        ),
      };
    return { time: t };
  }
  const [, name, field] = candidates[0]!;
  return {
    error: err(
      name,
      field,
      101,
      `no event time: ${candidates.map(([, n, f]) => `${n}-${f}`).join(', ')} all empty / không có thời điểm sự kiện`,
    ),
  };
}

function mapAdt(ctx: Ctx, header: Hl7Header, hospitalId: string): Hl7Mapping {
  const { msg, v } = ctx;
  const pid = msg.getSegment('PID');
  const pv1 = msg.getSegment('PV1');
  const errors: Hl7Error[] = [];
  if (!pid) errors.push({ path: 'PID', segment: 'PID', code: 100, message: 'the PID segment is required / cần phân đoạn PID' });
  if (!pv1) errors.push({ path: 'PV1', segment: 'PV1', code: 100, message: 'the PV1 segment is required / cần phân đoạn PV1' });
  if (!pid || !pv1) return { kind: 'invalid', header, hospitalId, errors };

  const visit = v(pv1.getField(19));
  if (visit === '') errors.push(err('PV1', 19, 101, 'PV1-19 (visit number: the event identity) is required / cần PV1-19 (số lượt khám)'));
  const when = timeOf(ctx, [
    [pv1, 'PV1', 44],
    [msg.getSegment('EVN'), 'EVN', 2],
    [msg.header, 'MSH', 7],
  ]);
  if (when.error) errors.push(when.error);
  const patient = patientFields(ctx, pid, when.time);
  errors.push(...patient.errors);

  const patientClass = v(pv1.getField(2)).toUpperCase();
  const setting = SETTING[patientClass];
  if (!setting)
    errors.push(
      err(
        'PV1',
        2,
        103,
        `PV1-2 (patient class) '${patientClass.slice(0, 10)}' is not one of E, I, O (HL7 table 0004) / PV1-2 (loại người bệnh) không hợp lệ`,
      ),
    );

  const diagnoses: string[] = [];
  msg.getAllSegments('DG1').forEach((dg1, i) => {
    const field = dg1.getField(3);
    for (let rep = 0; rep < components(dg1, 3).length; rep++) {
      const code = v(field, 1, 0, rep);
      const system = v(field, 3, 0, rep).toUpperCase();
      if (code === '') continue;
      if (system !== '' && !ICD10_SYSTEMS.has(system)) continue;
      if (!/^[A-Za-z][0-9]{2}(\.?[0-9A-Za-z]{1,4})?$/.test(code))
        errors.push(
          err('DG1', 3, 102, `DG1-3 '${code.slice(0, 20)}' is not an ICD-10 code such as A90 or J11.1 / không phải mã ICD-10`, i + 1),
        );
      else if (!diagnoses.includes(code.toUpperCase())) diagnoses.push(code.toUpperCase());
    }
  });

  const complaints: string[] = [];
  let temperature: number | undefined;
  msg.getAllSegments('OBX').forEach((obx, i) => {
    const code = v(obx.getField(3));
    if (code === CHIEF_COMPLAINT_LOINC) complaints.push(...obxTexts(ctx, obx));
    else if (code === TEMPERATURE_LOINC) {
      const value = Number(v(obx.getField(5)));
      const unit = v(obx.getField(6)).toLowerCase();
      if (!Number.isFinite(value)) errors.push(err('OBX', 5, 102, 'OBX-5 body temperature must be a number / nhiệt độ phải là số', i + 1));
      else temperature = unit === '[degf]' || unit === 'degf' ? Math.round(((value - 32) * 50) / 9) / 10 : value;
    }
  });

  if (errors.length > 0) return { kind: 'invalid', header, hospitalId, eventId: visit || undefined, errors };
  const event: Record<string, unknown> = {
    schema: 'ews.encounter.v1',
    event_id: visit,
    hospital_id: hospitalId,
    occurred_at: when.time!.iso,
    ...patient.out,
    setting,
    diagnoses,
  };
  if (complaints.length > 0) event['chief_complaint'] = complaints.join('; ');
  if (temperature !== undefined) event['temperature_c'] = temperature;
  return { kind: 'events', header, hospitalId, events: [event], errors: [] };
}

const ICD10_SYSTEMS = new Set(['I10', 'I10C', 'ICD10', 'ICD-10', 'ICD10CM', 'I10P', 'ICD10VN']);

/** The text of an OBX value: CWE/CE → the text (component 2), else the code; TX/ST/FT → each repetition. */
function obxTexts(ctx: Ctx, obx: Hl7Segment): string[] {
  const type = ctx.v(obx.getField(2)).toUpperCase();
  const value = obx.getField(5);
  const out: string[] = [];
  for (let rep = 0; rep < components(obx, 5).length; rep++) {
    const text = type === 'CWE' || type === 'CE' ? ctx.v(value, 2, 0, rep) || ctx.v(value, 1, 0, rep) : rawField(ctx, value, rep);
    if (text !== '') out.push(text);
  }
  return out;
}

/** A whole repetition of a text field (components rejoined: free text may hold a ^ sent unescaped). */
function rawField(ctx: Ctx, f: Hl7Field, rep: number): string {
  const comps = (f as Hl7Field | undefined)?.components[rep] ?? [];
  return comps
    .map((c) => unescapeHl7(c, ctx.d))
    .join(' ')
    .trim();
}

const POSITIVE = new Set(['POS', 'POSITIVE', 'DETECTED', 'REACTIVE', 'DƯƠNG TÍNH', '10828004', '260373001', 'A', 'AA', 'H', 'HH']);
const NEGATIVE = new Set(['NEG', 'NEGATIVE', 'NOT DETECTED', 'NON-REACTIVE', 'NONREACTIVE', 'ÂM TÍNH', '260385009', '260415000', 'N']);
const INDETERMINATE = new Set(['IND', 'INDETERMINATE', 'EQUIVOCAL', 'INCONCLUSIVE', 'KHÔNG XÁC ĐỊNH', '82334004', '419984006']);

function interpret(s: string): string | undefined {
  const k = s.trim().toUpperCase();
  if (POSITIVE.has(k)) return 'positive';
  if (NEGATIVE.has(k)) return 'negative';
  if (INDETERMINATE.has(k)) return 'indeterminate';
  return undefined;
}

function mapOru(ctx: Ctx, header: Hl7Header, hospitalId: string): Hl7Mapping {
  const { msg, v } = ctx;
  const pid = msg.getSegment('PID');
  if (!pid)
    return {
      kind: 'invalid',
      header,
      hospitalId,
      errors: [{ path: 'PID', segment: 'PID', code: 100, message: 'the PID segment is required / cần phân đoạn PID' }],
    };
  const errors: Hl7Error[] = [];
  const events: Record<string, unknown>[] = [];
  const pv1 = msg.getSegment('PV1');
  let obr: Hl7Segment | undefined;
  let labs = 0;
  let firstId: string | undefined;
  msg.segments.forEach((seg) => {
    if (seg.name === 'OBR') obr = seg;
    if (seg.name !== 'OBX') return;
    const seq = msg.segments.filter((s) => s.name === 'OBX').indexOf(seg) + 1;
    const code = v(seg.getField(3));
    const system = v(seg.getField(3), 3).toUpperCase();
    // LN (LOINC), or 99EWS: the local codes of AI chest X-ray findings (loinc-pathogens.ts LOCAL_CODES).
    const isLocal = system === LOCAL_CODE_HL7_SYSTEM;
    if ((system !== 'LN' && !isLocal) || code === CHIEF_COMPLAINT_LOINC || code === TEMPERATURE_LOINC) return;
    labs++;
    const local: Hl7Error[] = [];
    if (isLocal && !LOCAL_CODE_PATTERN.test(code))
      local.push(err('OBX', 3, 102, `OBX-3 '${code.slice(0, 20)}' is not a local code such as EWS-CXR-TB / không phải mã nội bộ`, seq));
    else if (!isLocal && !/^\d{1,7}-\d$/.test(code))
      local.push(err('OBX', 3, 102, `OBX-3 '${code.slice(0, 20)}' is not a LOINC code such as 94500-6 / không phải mã LOINC`, seq));
    const type = v(seg.getField(2)).toUpperCase();
    const valueText = type === 'CWE' || type === 'CE' ? [v(seg.getField(5)), v(seg.getField(5), 2)] : [v(seg.getField(5))];
    const result = [...valueText.map(interpret), interpret(v(seg.getField(8)))].find((r) => r !== undefined);
    if (!result)
      local.push(
        err(
          'OBX',
          5,
          103,
          'OBX-5/OBX-8: no result to read: send a coded result (POS, NEG, IND; SNOMED CT) or an abnormal flag (A, N) / không đọc được kết quả xét nghiệm',
          seq,
        ),
      );
    const order = obr ? v(obr.getField(3)) || v(obr.getField(2)) : '';
    const base = order || (pv1 ? v(pv1.getField(19)) : '') || header.controlId;
    const sub = v(seg.getField(4));
    const eventId = `${base}/${code}${sub ? `/${sub}` : ''}`;
    firstId ??= eventId;
    const when = timeOf(ctx, [
      [seg, 'OBX', 14],
      [obr, 'OBR', 7],
      [msg.header, 'MSH', 7],
    ]);
    if (when.error) local.push({ ...when.error, sequence: when.error.segment === 'OBX' ? seq : 1 });
    const patient = patientFields(ctx, pid, when.time);
    local.push(...patient.errors);
    if (local.length > 0) {
      for (const e of local)
        if (!errors.some((x) => x.path === e.path && x.sequence === e.sequence && x.message === e.message)) errors.push(e);
      return;
    }
    events.push({
      schema: 'ews.lab.v1',
      event_id: eventId,
      hospital_id: hospitalId,
      occurred_at: when.time!.iso,
      ...patient.out,
      test_code: code,
      result,
    });
  });
  if (labs === 0)
    errors.push({
      path: 'OBX-3',
      segment: 'OBX',
      field: 3,
      code: 101,
      message: 'no OBX with a LOINC code (OBX-3 coding system LN) / không có OBX mang mã LOINC',
    });
  if (events.length === 0) return { kind: 'invalid', header, hospitalId, eventId: firstId, errors };
  return { kind: 'events', header, hospitalId, events, errors };
}

/** MSH-8 (security) of a message text, read without parsing the rest: the hospital key over plain MLLP. */
export function securityOf(text: string): string | undefined {
  const first = segmentsOf(text.slice(0, 8192))[0] ?? '';
  if (!first.startsWith('MSH')) return undefined;
  const d = delimitersOf(first);
  // MSH-1 is the field separator itself: MSH-8 is the 7th field after the segment name.
  const key = first.split(d.field)[7]?.trim();
  return key ? key : undefined;
}
