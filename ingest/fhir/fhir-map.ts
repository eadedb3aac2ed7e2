import type { Address, Bundle, BundleEntry, Condition, Encounter, Extension, Observation, Patient } from '@medplum/fhirtypes';
import { capText } from '../../schemas/dead-letter.ts';
import { LOCAL_CODE_SYSTEM } from '../../schemas/code-tables/loinc-pathogens.ts';
import { MAX_ECHO, type FieldError } from '../validate.ts';
import {
  ageAt,
  arr,
  codings,
  eventTime,
  identifierKey,
  isObject,
  reference,
  resourceType,
  str,
  view,
  type Untrusted,
} from './fhir-read.ts';
import { redactFhir } from './fhir-redact.ts';
import { scrubText } from '../scrub.ts';

/**
 * The FHIR R4 mapping core: a Bundle, Encounter or Observation (parsed JSON) → ews events or
 * field errors whose paths are FHIRPath-like expressions (`Bundle.entry[2].resource.subject`).
 * Pure: the authenticated hospital and the settings come in, plain data goes out; validation
 * against the event contract is ingest's (the paths of its errors are translated through `paths`).
 */

/** Where a Patient's commune code is read, in order (EWS_FHIR_COMMUNE_FROM). */
export type CommuneSource = 'extension' | 'district';
export const COMMUNE_EXTENSION = 'urn:ews:commune-code';
/** The identifier system, and the meta.source prefix, that name a hospital by its ews id. */
export const HOSPITAL_SYSTEM = 'urn:ews:hospital';
export const HOSPITAL_SOURCE_PREFIX = 'urn:ews:hospital:';

export interface FhirMapOptions {
  /** The hospital that authenticated: the events' hospital unless a resource names another. */
  hospital: string;
  communeFrom: readonly CommuneSource[];
  /**
   * Test only: `false` keeps a refused resource's identifying elements in its dead letter and
   * the patient's identifiers in the complaint (the FHIR privacy scan's negative control). Default true.
   */
  redact?: boolean | undefined;
}

export const BUNDLE_TYPES = ['transaction', 'batch', 'collection'] as const;
export type BundleType = (typeof BUNDLE_TYPES)[number];

/** An event mapped from one resource, and for each of its fields the FHIR element it came from. */
export interface Mapped {
  kind: 'event';
  event: Record<string, unknown>;
  paths: Readonly<Record<string, string>>;
}
/** A resource that could not be mapped; `raw` is what the dead letter keeps (redacted). */
export interface Unmapped {
  kind: 'error';
  errors: FieldError[];
  raw: string;
  event_id?: string | undefined;
  hospital_id?: string | undefined;
}
/** A resource that is no event of its own (Patient, Condition, …): read through references. */
export interface Companion {
  kind: 'companion';
  resourceType: string;
}
export type EntryResult = Mapped | Unmapped | Companion;

export type FhirMessage =
  | { kind: 'bundle'; type: BundleType; entries: EntryResult[] }
  | { kind: 'resource'; resourceType: 'Encounter' | 'Observation'; result: Mapped | Unmapped };

/** A message refused whole (not a resource of the expected type): 400 with these errors. */
export type FhirParse = { ok: true; message: FhirMessage } | { ok: false; errors: FieldError[] };

/** Most entries in one Bundle: each may be answered and dead-lettered on its own. */
export const MAX_BUNDLE_ENTRIES = 100_000;

const SETTINGS: Record<string, string> = {
  AMB: 'outpatient',
  EMER: 'emergency',
  IMP: 'inpatient',
  ACUTE: 'inpatient',
  NONAC: 'inpatient',
  VR: 'telehealth',
};
const ICD10_SYSTEMS = new Set([
  'http://hl7.org/fhir/sid/icd-10',
  'http://hl7.org/fhir/sid/icd-10-cm',
  'http://hl7.org/fhir/sid/icd-10-vn',
  'urn:oid:2.16.840.1.113883.6.3',
]);
const LOINC = 'http://loinc.org';
/** v3 ObservationInterpretation codes and SNOMED CT result concepts, to the contract's result. */
const RESULTS: Record<string, 'positive' | 'negative' | 'indeterminate'> = {
  POS: 'positive',
  DET: 'positive',
  A: 'positive',
  AA: 'positive',
  NEG: 'negative',
  ND: 'negative',
  N: 'negative',
  IND: 'indeterminate',
  E: 'indeterminate',
  '10828004': 'positive',
  '260373001': 'positive',
  '260385009': 'negative',
  '260415000': 'negative',
  '419984006': 'indeterminate',
  '82334004': 'indeterminate',
  positive: 'positive',
  negative: 'negative',
  indeterminate: 'indeterminate',
};
/** The table's own entry for a received code (never an Object.prototype member such as "constructor"). */
const own = <T>(table: Record<string, T>, key: unknown): T | undefined =>
  typeof key === 'string' && Object.hasOwn(table, key) ? table[key] : undefined;
const NOT_COUNTED = new Set(['cancelled', 'entered-in-error']);

/** One resource in context: its expression and the resources a reference may name. */
interface Located {
  resource: Record<string, unknown>;
  path: string;
  fullUrl?: string | undefined;
}

/**
 * Maps a parsed message posted to `POST /fhir` (`expected: 'Bundle'`) or `POST /fhir/<type>`.
 * Refuses it whole when it is not a resource of that type (a Bundle of another type, no
 * entries array); otherwise every Encounter and Observation is mapped or refused on its own.
 */
export function mapFhir(value: unknown, expected: 'Bundle' | 'Encounter' | 'Observation', options: FhirMapOptions): FhirParse {
  const type = resourceType(value);
  if (!isObject(value) || type !== expected)
    return whole(
      'resourceType',
      `must be "${expected}"${type === undefined ? '' : `, not "${capText(type, MAX_ECHO)}"`} / phải là "${expected}"`,
    );
  if (expected !== 'Bundle') {
    const located: Located = { resource: value, path: expected };
    const result = expected === 'Encounter' ? mapEncounter(located, [], options) : mapObservation(located, [], options);
    return { ok: true, message: { kind: 'resource', resourceType: expected, result } };
  }
  const bundle = value as Untrusted<Bundle>;
  const bundleType = str(bundle.type);
  if (!BUNDLE_TYPES.includes(bundleType as BundleType))
    return whole('Bundle.type', `must be transaction, batch or collection / phải là transaction, batch hoặc collection`);
  if (!Array.isArray(bundle.entry)) return whole('Bundle.entry', 'is required: an array of entries / bắt buộc: một mảng các mục');
  if (bundle.entry.length > MAX_BUNDLE_ENTRIES)
    return whole('Bundle.entry', `holds more than ${MAX_BUNDLE_ENTRIES} entries; send smaller Bundles / quá ${MAX_BUNDLE_ENTRIES} mục`);
  const entries: (Located | FieldError)[] = bundle.entry.map((e, i) => locateEntry(e, i, bundleType as BundleType));
  const all = entries.filter((e): e is Located => !('message' in e));
  return {
    ok: true,
    message: {
      kind: 'bundle',
      type: bundleType as BundleType,
      entries: entries.map((e) => {
        if ('message' in e) return { kind: 'error', errors: [e], raw: '{}' };
        const t = resourceType(e.resource);
        if (t === 'Encounter') return mapEncounter(e, all, options);
        if (t === 'Observation') return mapObservation(e, all, options);
        return { kind: 'companion', resourceType: t ?? '' };
      }),
    },
  };
}

const whole = (path: string, message: string): FhirParse => ({ ok: false, errors: [{ path, message }] });

function locateEntry(entry: unknown, i: number, type: BundleType): Located | FieldError {
  const path = `Bundle.entry[${i}]`;
  const e = view<BundleEntry>(entry);
  if (e === undefined) return { path, message: 'must be an object / phải là một đối tượng' };
  if (!isObject(e.resource) || resourceType(e.resource) === undefined)
    return { path: `${path}.resource`, message: 'is required: a resource with a resourceType / bắt buộc: một tài nguyên có resourceType' };
  if (type !== 'collection' && e.request !== undefined) {
    const method = str(view<NonNullable<BundleEntry['request']>>(e.request)?.method);
    if (method !== 'POST' && method !== 'PUT')
      return { path: `${path}.request.method`, message: 'must be POST or PUT: events are only added / chỉ nhận POST hoặc PUT' };
  }
  return { resource: e.resource, path: `${path}.resource`, fullUrl: str(e.fullUrl) };
}

/** The resource a reference names: `#id` among the contained resources, else a Bundle entry by fullUrl or `Type/id`. */
function resolve(ref: string | undefined, from: Located, bundle: readonly Located[], type: string): Located | undefined {
  if (ref === undefined) return undefined;
  if (ref.startsWith('#')) {
    const contained = arr(from.resource['contained']);
    const k = contained.findIndex((c) => resourceType(c) === type && isObject(c) && c['id'] === ref.slice(1));
    return k < 0 ? undefined : { resource: contained[k] as Record<string, unknown>, path: `${from.path}.contained[${k}]` };
  }
  return bundle.find(
    (b) =>
      resourceType(b.resource) === type &&
      (b.fullUrl === ref ||
        (typeof b.resource['id'] === 'string' && (ref === `${type}/${b.resource['id']}` || ref.endsWith(`/${type}/${b.resource['id']}`)))),
  );
}

/** Collects field errors and the paths of the fields that were set. */
class Draft {
  readonly errors: FieldError[] = [];
  readonly event: Record<string, unknown> = {};
  readonly paths: Record<string, string> = {};
  readonly related: Located[] = [];
  /** The patient's identifier values and family names: replaced in the complaint (ingest scrubs only the whole patient_id). */
  readonly personal: string[] = [];
  constructor(
    readonly at: Located,
    readonly redact: boolean,
  ) {}
  set(field: string, value: unknown, path: string): void {
    this.event[field] = value;
    this.paths[field] = path;
  }
  fail(path: string, message: string): undefined {
    this.errors.push({ path, message });
    return undefined;
  }
  result(): Mapped | Unmapped {
    if (this.errors.length === 0) return { kind: 'event', event: this.event, paths: this.paths };
    const raw = JSON.stringify(
      redactFhir(
        this.related.length === 0
          ? this.at.resource
          : {
              resourceType: 'Bundle',
              type: 'collection',
              entry: [this.at, ...this.related].map((r) => ({ fullUrl: r.fullUrl, resource: r.resource })),
            },
      ),
    );
    return {
      kind: 'error',
      errors: this.errors,
      raw,
      event_id: typeof this.event['event_id'] === 'string' ? this.event['event_id'] : undefined,
      hospital_id: typeof this.event['hospital_id'] === 'string' ? this.event['hospital_id'] : undefined,
    };
  }
}

/** Event id from the resource's first identifier with a value: `system|value`. */
function identity(d: Draft): void {
  const ids = arr(d.at.resource['identifier']);
  const k = ids.findIndex((i) => identifierKey(i) !== undefined);
  if (k < 0) {
    d.fail(
      `${d.at.path}.identifier`,
      'is required: an identifier (system and value) makes the event id / bắt buộc: định danh (system và value) là mã sự kiện',
    );
    return;
  }
  d.set('event_id', identifierKey(ids[k]), `${d.at.path}.identifier[${k}]`);
}

/** The hospital: the authenticated one, unless meta.source or `named` (an identifier of system urn:ews:hospital) names another. */
function hospital(d: Draft, options: FhirMapOptions, named: { ref: unknown; path: string }[]): void {
  for (const n of named) {
    const id = view<{ system: string; value: string }>(view<{ identifier: unknown }>(n.ref)?.identifier);
    if (str(id?.system) === HOSPITAL_SYSTEM && str(id?.value) !== undefined)
      return d.set('hospital_id', id!.value, `${n.path}.identifier.value`);
  }
  const source = str(view<{ source: string }>(d.at.resource['meta'])?.source);
  if (source?.startsWith(HOSPITAL_SOURCE_PREFIX))
    return d.set('hospital_id', source.slice(HOSPITAL_SOURCE_PREFIX.length), `${d.at.path}.meta.source`);
  d.set('hospital_id', options.hospital, d.at.path);
}

function status(d: Draft): void {
  const s = str(d.at.resource['status']);
  if (s !== undefined && NOT_COUNTED.has(s))
    d.fail(`${d.at.path}.status`, `is ${s}: such a resource is not counted / trạng thái ${s}: không được tính`);
}

/** patient_id, sex, commune_code (and the birth date) from the subject, a Patient in the Bundle or contained. */
function patient(d: Draft, bundle: readonly Located[], options: FhirMapOptions): string | undefined {
  const subjectPath = `${d.at.path}.subject`;
  const ref = reference(d.at.resource['subject']);
  if (ref === undefined) return d.fail(subjectPath, 'is required: a reference to the Patient / bắt buộc: tham chiếu tới Patient');
  const p = resolve(ref, d.at, bundle, 'Patient');
  if (p === undefined)
    return d.fail(
      subjectPath,
      'names no Patient of this Bundle (by fullUrl or Patient/id) nor a contained one / không tìm thấy Patient được tham chiếu',
    );
  if (p.path !== d.at.path && !p.path.startsWith(d.at.path)) d.related.push(p);
  const pat = p.resource as Untrusted<Patient>;
  const ids = arr(pat.identifier);
  const k = ids.findIndex((i) => identifierKey(i) !== undefined);
  if (k < 0) d.fail(`${p.path}.identifier`, 'is required: the patient identifier (system and value) / bắt buộc: mã bệnh nhân');
  else d.set('patient_id', identifierKey(ids[k]), `${p.path}.identifier[${k}]`);
  for (const i of ids) if (str(view<{ value: string }>(i)?.value)) d.personal.push((i as { value: string }).value);
  for (const n of arr(pat.name)) if (str(view<{ family: string }>(n)?.family)) d.personal.push((n as { family: string }).family);
  const gender = pat.gender === undefined ? 'unknown' : pat.gender;
  d.set('sex', gender, `${p.path}.gender`);
  commune(d, p, options.communeFrom);
  const birth = pat.birthDate;
  if (birth !== undefined && (typeof birth !== 'string' || !/^\d{4}(-\d{2}(-\d{2})?)?$/.test(birth)))
    return d.fail(`${p.path}.birthDate`, 'must be a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD) / phải là ngày FHIR');
  return typeof birth === 'string' ? `${p.path}.birthDate` : undefined;
}

function commune(d: Draft, p: Located, from: readonly CommuneSource[]): void {
  const addresses = arr(p.resource['address']);
  // The home address, else the first one that is not old.
  let k = addresses.findIndex((a) => view<Address>(a)?.use === 'home');
  if (k < 0) k = addresses.findIndex((a) => isObject(a) && view<Address>(a)?.use !== 'old');
  const addr = k < 0 ? undefined : view<Address>(addresses[k]);
  const aPath = `${p.path}.address[${k}]`;
  for (const source of from) {
    if (source === 'extension') {
      const found = extensionValue(addr?.extension, `${aPath}.extension`) ?? extensionValue(p.resource['extension'], `${p.path}.extension`);
      if (found) return d.set('commune_code', found.value, found.path);
    } else if (addr !== undefined && str(addr.district) !== undefined) {
      return d.set('commune_code', addr.district, `${aPath}.district`);
    }
  }
  const where = from.map((s) => (s === 'extension' ? `the extension ${COMMUNE_EXTENSION}` : 'address.district')).join(', then ');
  d.fail(k < 0 ? `${p.path}.address` : aPath, `holds no commune code (read from ${where}) / không có mã xã`);
}

function extensionValue(exts: unknown, path: string): { value: string; path: string } | undefined {
  const list = arr(exts);
  for (let i = 0; i < list.length; i++) {
    const e = view<Extension>(list[i]);
    if (e?.url !== COMMUNE_EXTENSION) continue;
    const v = str(e.valueCode) ?? str(e.valueString);
    return { value: v ?? '', path: `${path}[${i}].${e.valueCode !== undefined ? 'valueCode' : 'valueString'}` };
  }
  return undefined;
}

function occurred(d: Draft, value: unknown, path: string): string | undefined {
  if (value === undefined) return d.fail(path, 'is required: when it happened / bắt buộc: thời điểm');
  const t = typeof value === 'string' ? eventTime(value) : undefined;
  if (t === undefined)
    return d.fail(path, 'must be a FHIR dateTime with at least a day (2026-11-20 or 2026-11-20T09:30:00+07:00) / phải là ngày giờ FHIR');
  d.set('occurred_at', t, path);
  return t;
}

function age(d: Draft, birthPath: string | undefined, birth: unknown, at: string | undefined): void {
  if (birthPath === undefined || at === undefined || typeof birth !== 'string') return;
  const years = ageAt(birth, at);
  if (years === undefined) return;
  if (years < 0) d.fail(birthPath, 'is after the visit / sau ngày khám');
  else d.set('age_years', years, birthPath);
}

const birthOf = (d: Draft, bundle: readonly Located[]) =>
  resolve(reference(d.at.resource['subject']), d.at, bundle, 'Patient')?.resource['birthDate'];

function mapEncounter(at: Located, bundle: readonly Located[], options: FhirMapOptions): Mapped | Unmapped {
  const d = new Draft(at, options.redact !== false);
  const enc = at.resource as Untrusted<Encounter>;
  d.set('schema', 'ews.encounter.v1', at.path);
  identity(d);
  hospital(d, options, [{ ref: enc.serviceProvider, path: `${at.path}.serviceProvider` }]);
  status(d);
  const when = occurred(d, view<NonNullable<Encounter['period']>>(enc.period)?.start, `${at.path}.period.start`);
  const birthPath = patient(d, bundle, options);
  age(d, birthPath, birthOf(d, bundle), when);
  const cls = view<{ code: string }>(enc.class);
  const setting = own(SETTINGS, cls?.code);
  if (setting === undefined)
    d.fail(`${at.path}.class.code`, 'must be AMB, EMER, IMP (ACUTE, NONAC) or VR (v3 ActCode) / phải là AMB, EMER, IMP hoặc VR');
  else d.set('setting', setting, `${at.path}.class.code`);
  diagnoses(d, bundle);
  const reason = arr(enc.reasonCode).findIndex((r) => str(view<{ text: string }>(r)?.text) !== undefined);
  if (reason >= 0) {
    const text = (enc.reasonCode as { text: string }[])[reason]!.text;
    const complaint = d.redact ? d.personal.reduce((t, id) => scrubText(t, id), text) : text;
    d.set('chief_complaint', complaint, `${at.path}.reasonCode[${reason}].text`);
  }
  return d.result();
}

/** ICD-10 codes of the Conditions of this encounter: Encounter.diagnosis[].condition, and Bundle Conditions whose `encounter` names it. */
function diagnoses(d: Draft, bundle: readonly Located[]): void {
  const conditions: Located[] = [];
  arr(d.at.resource['diagnosis']).forEach((dx, i) => {
    const ref = reference(view<{ condition: unknown }>(dx)?.condition);
    const c = resolve(ref, d.at, bundle, 'Condition');
    if (ref !== undefined && c === undefined)
      d.fail(`${d.at.path}.diagnosis[${i}].condition`, 'names no Condition of this Bundle nor a contained one / không tìm thấy Condition');
    if (c) conditions.push(c);
  });
  for (const b of bundle) {
    if (resourceType(b.resource) !== 'Condition' || conditions.includes(b)) continue;
    const ref = reference(b.resource['encounter']);
    if (ref !== undefined && resolve(ref, b, bundle, 'Encounter') === d.at) conditions.push(b);
  }
  const codes: string[] = [];
  let path = `${d.at.path}.diagnosis`;
  for (const c of conditions) {
    if (!c.path.startsWith(d.at.path)) d.related.push(c);
    codings((c.resource as Untrusted<Condition>).code).forEach((coding, j) => {
      if (!ICD10_SYSTEMS.has(str(coding.system) ?? '')) return;
      const code = str(coding.code);
      const codePath = `${c.path}.code.coding[${j}].code`;
      if (code === undefined) return void d.fail(codePath, 'is required for an ICD-10 coding / bắt buộc với mã ICD-10');
      if (codes.length === 0) path = codePath;
      if (!codes.includes(code)) codes.push(code);
      // Each code's own path, so that a refused `diagnoses.3` points at its Condition.
      d.paths[`diagnoses.${codes.indexOf(code)}`] = codePath;
    });
  }
  d.set('diagnoses', codes, path);
}

function mapObservation(at: Located, bundle: readonly Located[], options: FhirMapOptions): Mapped | Unmapped {
  const d = new Draft(at, options.redact !== false);
  const obs = at.resource as Untrusted<Observation>;
  d.set('schema', 'ews.lab.v1', at.path);
  identity(d);
  hospital(
    d,
    options,
    arr(obs.performer).map((ref, i) => ({ ref, path: `${at.path}.performer[${i}]` })),
  );
  status(d);
  const period = view<{ start: string }>(obs.effectivePeriod);
  const [value, path] =
    obs.effectiveDateTime !== undefined
      ? [obs.effectiveDateTime, 'effectiveDateTime']
      : obs.effectiveInstant !== undefined
        ? [obs.effectiveInstant, 'effectiveInstant']
        : period?.start !== undefined
          ? [period.start, 'effectivePeriod.start']
          : [obs.issued, 'issued'];
  const when = occurred(d, value, `${at.path}.${path}`);
  const birthPath = patient(d, bundle, options);
  age(d, birthPath, birthOf(d, bundle), when);
  // A LOINC coding, else a local one (urn:ews:local: AI chest X-ray findings, loinc-pathogens.ts LOCAL_CODES).
  let loinc = codings(obs.code).findIndex((c) => str(c.system) === LOINC && str(c.code) !== undefined);
  if (loinc < 0) loinc = codings(obs.code).findIndex((c) => str(c.system) === LOCAL_CODE_SYSTEM && str(c.code) !== undefined);
  if (loinc < 0) d.fail(`${at.path}.code`, `needs a LOINC coding (system ${LOINC}) / cần mã LOINC`);
  else d.set('test_code', codings(obs.code)[loinc]!.code, `${at.path}.code.coding[${loinc}].code`);
  const result = resultOf(obs, at.path);
  if (result === undefined)
    d.fail(
      `${at.path}.interpretation`,
      'must say positive, negative or indeterminate (interpretation POS/NEG/IND… or valueCodeableConcept) / phải cho biết dương tính, âm tính hoặc không xác định',
    );
  else d.set('result', result.value, result.path);
  return d.result();
}

function resultOf(obs: Untrusted<Observation>, path: string): { value: string; path: string } | undefined {
  const interpretations = arr(obs.interpretation);
  for (let i = 0; i < interpretations.length; i++) {
    const cs = codings(interpretations[i]);
    const j = cs.findIndex((c) => own(RESULTS, c.code) !== undefined);
    if (j >= 0) return { value: own(RESULTS, cs[j]!.code)!, path: `${path}.interpretation[${i}].coding[${j}].code` };
  }
  const cs = codings(obs.valueCodeableConcept);
  const j = cs.findIndex((c) => own(RESULTS, c.code) !== undefined);
  if (j >= 0) return { value: own(RESULTS, cs[j]!.code)!, path: `${path}.valueCodeableConcept.coding[${j}].code` };
  const text = str(view<{ text: string }>(obs.valueCodeableConcept)?.text)?.trim().toLowerCase();
  const fromText = own(RESULTS, text);
  if (fromText !== undefined && text !== undefined && /^[a-z]+$/.test(text))
    return { value: fromText, path: `${path}.valueCodeableConcept.text` };
  return undefined;
}
