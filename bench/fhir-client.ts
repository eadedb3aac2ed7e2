// Load generator for the FHIR ingest benchmark (bench/fhir.ts), run as a child process so it
// does not share the server's event loop. Turns the demo simulator's events into FHIR R4
// Bundles (each event: its Patient, the Encounter with a Condition per ICD-10 code, or the
// Observation), pre-serialises them, then POSTs them to /fhir with N requests in flight and
// reports one JSON line. The key comes from EWS_HOSPITAL_KEY (not argv: not in ps).
import type { BundleEntry, Resource } from '@medplum/fhirtypes';
import { createRng } from '../simulator/random.ts';
import { generateDay } from '../simulator/model.ts';
import { loadDemoUnits } from '../cli/units.ts';

const [url, totalArg, perBundleArg, concurrencyArg, hospital, bundleType = 'batch'] = process.argv.slice(2);
const key = process.env['EWS_HOSPITAL_KEY'];
if (!key || !hospital)
  throw new Error('usage: fhir-client URL EVENTS EVENTS_PER_BUNDLE CONCURRENCY HOSPITAL [TYPE], with EWS_HOSPITAL_KEY set');
const total = Number(totalArg);
const perBundle = Number(perBundleArg);
const concurrency = Number(concurrencyArg);

const CLASS: Record<string, string> = { outpatient: 'AMB', emergency: 'EMER', inpatient: 'IMP', telehealth: 'VR' };
const RESULT: Record<string, string> = { positive: 'POS', negative: 'NEG', indeterminate: 'IND' };

function entriesOf(e: Record<string, unknown>, i: number): BundleEntry[] {
  const patientUrl = `urn:uuid:p-${i}`;
  const year = Number(String(e['occurred_at']).slice(0, 4));
  const age = typeof e['age_years'] === 'number' ? e['age_years'] : undefined;
  const patient: Resource = {
    resourceType: 'Patient',
    identifier: [{ system: 'urn:bench:mrn', value: String(e['patient_id']) }],
    gender: e['sex'] as 'male',
    ...(age === undefined ? {} : { birthDate: `${year - age}-01-01` }),
    address: [{ use: 'home', extension: [{ url: 'urn:ews:commune-code', valueCode: String(e['commune_code']) }] }],
  };
  const id = { system: 'urn:bench:event', value: String(e['event_id']) };
  const out: BundleEntry[] = [{ fullUrl: patientUrl, resource: patient }];
  if (e['schema'] === 'ews.lab.v1') {
    out.push({
      fullUrl: `urn:uuid:o-${i}`,
      resource: {
        resourceType: 'Observation',
        status: 'final',
        identifier: [id],
        code: { coding: [{ system: 'http://loinc.org', code: String(e['test_code']) }] },
        subject: { reference: patientUrl },
        effectiveDateTime: String(e['occurred_at']),
        interpretation: [{ coding: [{ code: RESULT[String(e['result'])]! }] }],
      },
    });
    return out;
  }
  const encUrl = `urn:uuid:e-${i}`;
  out.push({
    fullUrl: encUrl,
    resource: {
      resourceType: 'Encounter',
      status: 'finished',
      identifier: [id],
      class: { code: CLASS[String(e['setting'])] ?? 'AMB' },
      subject: { reference: patientUrl },
      period: { start: String(e['occurred_at']) },
      ...(typeof e['chief_complaint'] === 'string' ? { reasonCode: [{ text: e['chief_complaint'] }] } : {}),
    },
  });
  for (const code of (e['diagnoses'] as string[] | undefined) ?? [])
    out.push({
      resource: {
        resourceType: 'Condition',
        subject: { reference: patientUrl },
        encounter: { reference: encUrl },
        code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code }] },
      },
    });
  return out;
}

const units = loadDemoUnits().map((u) => ({ code: u.code, provinceCode: u.provinceCode, population: u.population }));
const rng = createRng(11);
const events: Record<string, unknown>[] = [];
for (let day = 20000; events.length < total; day++) {
  for (const e of generateDay(day, units, { scale: 1, outbreaks: [] }, rng)) {
    events.push({ ...e, hospital_id: hospital });
    if (events.length >= total) break;
  }
}
const bodies: string[] = [];
let entries = 0;
for (let i = 0; i < events.length; i += perBundle) {
  const entry = events.slice(i, i + perBundle).flatMap((e, k) => entriesOf(e, i + k));
  if (bundleType !== 'collection') for (const x of entry) x.request = { method: 'POST', url: x.resource!.resourceType };
  entries += entry.length;
  bodies.push(JSON.stringify({ resourceType: 'Bundle', type: bundleType, entry }));
}
const bytes = bodies.reduce((n, b) => n + Buffer.byteLength(b), 0);

let next = 0;
let stored = 0;
const started = performance.now();
async function worker(): Promise<void> {
  while (next < bodies.length) {
    const body = bodies[next++]!;
    const res = await fetch(`${url}/fhir`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json', authorization: `Bearer ${key}` },
      body,
    });
    const json = (await res.json()) as { entry?: { response: { status: string } }[] };
    if (!res.ok) throw new Error(`status ${res.status}: ${JSON.stringify(json).slice(0, 500)}`);
    stored += (json.entry ?? []).filter((x) => x.response.status.startsWith('201')).length;
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
const seconds = (performance.now() - started) / 1000;
process.stdout.write(JSON.stringify({ events: events.length, stored, seconds, bundles: bodies.length, entries, bytes }) + '\n');
