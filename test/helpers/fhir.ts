/** FHIR R4 test messages: a Patient, an Encounter, an Observation, Conditions and Bundles, with overrides. */
import type { Bundle, BundleEntry, Condition, Encounter, Observation, Patient, Resource } from '@medplum/fhirtypes';

export const PATIENT_URL = 'urn:uuid:patient-1';

export function fhirPatient(over: Partial<Patient> = {}): Patient {
  return {
    resourceType: 'Patient',
    identifier: [{ type: { coding: [{ code: 'MR' }] }, system: 'urn:oid:1.2.704.1', value: 'MRN-100200' }],
    name: [{ family: 'Nguyễn', given: ['Thị', 'Lan'] }],
    telecom: [{ system: 'phone', value: '0912 345 678' }],
    gender: 'female',
    birthDate: '1990-05-12',
    address: [{ use: 'home', line: ['12 Trần Phú'], district: '09187', extension: [{ url: 'urn:ews:commune-code', valueCode: '09187' }] }],
    ...over,
  };
}

export function fhirEncounter(id: string, over: Partial<Encounter> = {}): Encounter {
  return {
    resourceType: 'Encounter',
    status: 'finished',
    identifier: [{ system: 'urn:ews:test:visit', value: id }],
    class: { code: 'AMB' },
    subject: { reference: PATIENT_URL },
    period: { start: '2026-11-20T09:30:00+07:00' },
    reasonCode: [{ text: 'sốt cao 3 ngày' }],
    ...over,
  };
}

export function fhirCondition(code: string, encounterUrl: string): Condition {
  return {
    resourceType: 'Condition',
    subject: { reference: PATIENT_URL },
    encounter: { reference: encounterUrl },
    code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code }] },
  };
}

export function fhirObservation(id: string, over: Partial<Observation> = {}): Observation {
  return {
    resourceType: 'Observation',
    status: 'final',
    identifier: [{ system: 'urn:ews:test:lab', value: id }],
    code: { coding: [{ system: 'http://loinc.org', code: '75377-2' }] },
    subject: { reference: PATIENT_URL },
    effectiveDateTime: '2026-11-20T10:00:00+07:00',
    interpretation: [{ coding: [{ code: 'POS' }] }],
    ...over,
  };
}

/** A Bundle of [fullUrl, resource] entries; transaction and batch entries carry a POST request. */
export function fhirBundle(type: 'transaction' | 'batch' | 'collection', entries: readonly [string, Resource][]): Bundle {
  return {
    resourceType: 'Bundle',
    type,
    entry: entries.map(([fullUrl, resource]): BundleEntry => ({
      fullUrl,
      resource,
      ...(type === 'collection' ? {} : { request: { method: 'POST', url: resource.resourceType } }),
    })),
  };
}

/** A Bundle of one patient, an encounter with a Condition, and an observation, ids suffixed by `tag`. */
export function visitBundle(type: 'transaction' | 'batch' | 'collection', tag: string, patient: Partial<Patient> = {}): Bundle {
  const enc = `urn:uuid:enc-${tag}`;
  return fhirBundle(type, [
    [PATIENT_URL, fhirPatient(patient)],
    [enc, fhirEncounter(`V-${tag}`)],
    [`urn:uuid:cond-${tag}`, fhirCondition('A90', enc)],
    [`urn:uuid:obs-${tag}`, fhirObservation(`L-${tag}`)],
  ]);
}
