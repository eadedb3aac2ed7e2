import type { CapabilityStatement } from '@medplum/fhirtypes';
import { COMMUNE_EXTENSION, HOSPITAL_SOURCE_PREFIX, HOSPITAL_SYSTEM, type CommuneSource } from './fhir-map.ts';

/** The CapabilityStatement `GET /fhir/metadata` answers: what this server accepts, and how it reads it. */
export function capabilityStatement(o: { version: string; date: string; communeFrom: readonly CommuneSource[] }): CapabilityStatement {
  const commune = o.communeFrom.map((s) => (s === 'extension' ? `the extension ${COMMUNE_EXTENSION}` : 'address.district')).join(', then ');
  const who =
    `The hospital is the authenticated one (API key or client certificate); a resource naming another ` +
    `(serviceProvider/performer identifier of system ${HOSPITAL_SYSTEM}, or meta.source ${HOSPITAL_SOURCE_PREFIX}<id>) is refused.`;
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: o.date,
    kind: 'instance',
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'application/json'],
    software: { name: 'syndromic-ews', version: o.version },
    implementation: {
      description:
        'Syndromic early warning (Bắc Ninh, Hưng Yên): FHIR R4 ingest of encounters and laboratory results. Nothing is read back; ' +
        'every resource becomes an ews event / Tiếp nhận FHIR R4: lượt khám và kết quả xét nghiệm.',
    },
    rest: [
      {
        mode: 'server',
        documentation:
          `POST a transaction, batch or collection Bundle to /fhir, or one Encounter or Observation. A transaction is refused ` +
          `whole (400) when any entry cannot be mapped or is refused by validation; a batch or collection answers per entry. ${who} ` +
          `The commune is read from the Patient's ${commune}. A resend or an update (same identifier system and value) is the same event.`,
        security: { cors: false, description: 'Authorization: Bearer <hospital API key>, or a client certificate (mTLS).' },
        interaction: [{ code: 'transaction' }, { code: 'batch' }],
        resource: [
          {
            type: 'Encounter',
            interaction: [{ code: 'create' }, { code: 'update' }],
            documentation:
              'class AMB → outpatient, EMER → emergency, IMP/ACUTE/NONAC → inpatient, VR → telehealth; identifier → event id; ' +
              'period.start → time; subject → Patient (gender, birthDate → age at the visit, address → commune); Conditions ' +
              '(Encounter.diagnosis or Condition.encounter) coded in ICD-10 → diagnoses; reasonCode.text → chief complaint.',
          },
          {
            type: 'Observation',
            interaction: [{ code: 'create' }, { code: 'update' }],
            documentation:
              'code (LOINC, or a local code of system urn:ews:local such as EWS-CXR-TB) → test; interpretation (POS/NEG/IND, DET/ND…) or valueCodeableConcept (SNOMED CT or text) → ' +
              'positive/negative/indeterminate; effective[x] or issued → time; subject → Patient.',
          },
          {
            type: 'Patient',
            documentation: 'Read through references only; names, identifiers, telecom and address lines are never stored.',
          },
          { type: 'Condition', documentation: 'Read through references only: its ICD-10 code.' },
        ],
      },
    ],
  };
}
