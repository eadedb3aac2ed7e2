import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { ingestHeaders, startTestPipeline, type TestPipeline } from '../../helpers/pipeline.ts';
import { fhirCondition, fhirEncounter, fhirObservation, fhirPatient, PATIENT_URL } from '../../helpers/fhir.ts';

/**
 * Issue 12: generated input through the FHIR routes of a real pipeline (chDB + embedded log).
 * Bundles of resources built valid then mutated (an element replaced by any JSON value,
 * removed, a reference broken), arbitrary JSON values as entries, and whole bodies (bytes,
 * cut JSON, any JSON value, deep nesting, media types) to POST /fhir, /fhir/Encounter and
 * /fhir/Observation. Properties: never a 5xx or a hang; every answer a FHIR OperationOutcome
 * or response Bundle with one response per entry; every refusal dead-lettered with a reason.
 * FUZZ_RUNS sets the number of inputs (Bundle entries and whole bodies; default 10,000).
 */
const INPUTS = Number(process.env['FUZZ_RUNS'] ?? 10_000);
const SEED = process.env['FUZZ_SEED'] === undefined ? undefined : Number(process.env['FUZZ_SEED']);
const MAX_ENTRIES = 80;
const BODY_RUNS = Math.max(1, Math.ceil(INPUTS * 0.05));
const BUNDLE_TARGET = INPUTS - BODY_RUNS;

let p: TestPipeline;
let inputs = 0;
let lastAnswerAt = 0;
beforeAll(async () => {
  p = await startTestPipeline({ hospitals: ['BV-TEST', 'BV-OTHER'] });
});
afterAll(async () => {
  await p?.cleanup();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function send(url: string, body: Buffer, contentType: string) {
  while (Date.now() <= lastAnswerAt) await sleep(1);
  const since = Date.now();
  const res = await p.app.inject({ method: 'POST', url, headers: { ...ingestHeaders(p), 'content-type': contentType }, payload: body });
  lastAnswerAt = Date.now();
  return { res, since };
}

async function lettersSince(since: number): Promise<{ reason_code: string; reason: string }[]> {
  const rs = await p.store.query({
    query: 'SELECT reason_code, reason FROM dead_letters WHERE received_at >= fromUnixTimestamp64Milli({since:Int64})',
    query_params: { since },
    format: 'JSONEachRow',
  });
  return rs.json();
}

// ---------------------------------------------------------------------------------------
// Resources: built valid, then mutated

const json = fc.jsonValue({ maxDepth: 3 });
const key = fc.constantFrom(
  'identifier',
  'subject',
  'class',
  'period',
  'status',
  'code',
  'interpretation',
  'valueCodeableConcept',
  'effectiveDateTime',
  'reasonCode',
  'diagnosis',
  'gender',
  'birthDate',
  'address',
  'meta',
  'serviceProvider',
  'contained',
  'resourceType',
  'encounter',
  '__proto__',
  'constructor',
);
type Mut = { t: 'none' } | { t: 'set'; key: string; value: unknown } | { t: 'drop'; key: string };
const mutation: fc.Arbitrary<Mut> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ t: 'none' as const }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('set' as const), key, value: json }) },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('set' as const),
      key,
      value: fc.constantFrom<unknown>(
        { code: 'EMER' },
        { code: 'constructor' },
        [{ coding: [{ code: '__proto__' }] }],
        { reference: '#nobody' },
        { reference: 'Patient/none' },
        [{ extension: [{ url: 'urn:ews:commune-code', valueCode: '99999' }] }],
        { source: 'urn:ews:hospital:BV-OTHER' },
        { identifier: { system: 'urn:ews:hospital', value: 'BV-OTHER' } },
        '2026-11-20',
        '2099-01-01T00:00:00Z',
        '1890-01-01',
        'x'.repeat(300),
        [{ condition: { reference: 'urn:uuid:none' } }],
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('drop' as const), key }) },
);
const kind = fc.constantFrom('Encounter', 'Observation', 'Patient', 'Condition', 'json');
const entryGen = fc.record({ kind, mut: mutation, value: json, cls: fc.constantFrom('AMB', 'EMER', 'IMP', 'VR') });
type EntryGen = { kind: string; mut: Mut; value: unknown; cls: string };

function mutate(r: Record<string, unknown>, m: Mut): unknown {
  if (m.t === 'set') Object.defineProperty(r, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
  if (m.t === 'drop') delete r[m.key];
  return r;
}

function resourceOf(g: EntryGen, id: string): unknown {
  switch (g.kind) {
    case 'Encounter':
      return mutate({ ...fhirEncounter(id, { class: { code: g.cls } }) }, g.mut);
    case 'Observation':
      return mutate({ ...fhirObservation(id) }, g.mut);
    case 'Patient':
      return mutate({ ...fhirPatient() }, g.mut);
    case 'Condition':
      return mutate({ ...fhirCondition('A90', 'urn:uuid:e0') }, g.mut);
    default:
      return g.value;
  }
}

interface BundleGen {
  type: string;
  entries: EntryGen[];
  request: boolean;
  to: number;
}
const bundleArb: fc.Arbitrary<BundleGen> = fc.record({
  type: fc.constantFrom('batch', 'batch', 'collection', 'transaction', 'searchset'),
  entries: fc.array(entryGen, { minLength: 0, maxLength: MAX_ENTRIES, size: 'max' }),
  request: fc.boolean(),
  to: fc.nat(9),
});

let run = 0;
function materialise(g: BundleGen): { url: string; body: unknown; entries: number } {
  run++;
  // One in ten goes as a single resource to its own route.
  if (g.to === 0 && g.entries.length > 0) {
    const first = g.entries[0]!;
    const url = first.kind === 'Observation' ? '/fhir/Observation' : '/fhir/Encounter';
    const r = resourceOf(first.kind === 'Observation' ? first : { ...first, kind: 'Encounter' }, `fz${run}-0`);
    if (r && typeof r === 'object' && !Array.isArray(r))
      Object.assign(r, { contained: [{ ...fhirPatient(), id: 'p' }], subject: { reference: '#p' } });
    return { url, body: r, entries: 1 };
  }
  const entry = g.entries.map((e, i) => ({
    fullUrl: i === 0 ? PATIENT_URL : `urn:uuid:e${i}`,
    resource: i === 0 && e.kind !== 'json' ? fhirPatient() : resourceOf(e, `fz${run}-${i}`),
    ...(g.request ? { request: { method: i % 17 === 5 ? 'DELETE' : 'POST', url: 'x' } } : {}),
  }));
  return { url: '/fhir', body: { resourceType: 'Bundle', type: g.type, entry }, entries: Math.max(1, entry.length) };
}

function checkFhirBody(status: number, text: string): Resource {
  expect(status, text.slice(0, 500)).toBeLessThan(500);
  const body = JSON.parse(text) as Resource;
  expect(['OperationOutcome', 'Bundle']).toContain(body.resourceType);
  if (body.resourceType === 'OperationOutcome') {
    expect(body.issue.length).toBeGreaterThan(0);
    for (const i of body.issue) expect(typeof i.diagnostics).toBe('string');
  }
  return body;
}

async function checkBundle(g: BundleGen): Promise<void> {
  const m = materialise(g);
  inputs += m.entries;
  const { res, since } = await send(m.url, Buffer.from(JSON.stringify(m.body)), 'application/fhir+json');
  const body = checkFhirBody(res.statusCode, res.body);
  const letters = await lettersSince(since);
  for (const l of letters) expect(l.reason.length, JSON.stringify(l)).toBeGreaterThan(0);
  if (body.resourceType === 'Bundle') {
    expect(res.statusCode).toBe(200);
    const sent = (m.body as Bundle).entry ?? [];
    expect(body.entry).toHaveLength(sent.length);
    const refused = (body.entry ?? []).filter((e) => !/^20[01] /.test(e.response?.status ?? ''));
    // Every refused entry is dead-lettered, and nothing else is.
    expect(letters).toHaveLength(refused.length);
    for (const e of refused) expect((e.response!.outcome as OperationOutcome).issue.length).toBeGreaterThan(0);
  } else if (res.statusCode >= 400) {
    expect(letters.length, `${res.statusCode} ${res.body.slice(0, 300)}`).toBeGreaterThan(0);
  } else {
    expect([200, 201]).toContain(res.statusCode);
    expect(letters).toHaveLength(0);
  }
}

// ---------------------------------------------------------------------------------------
// Whole bodies

type BodyGen =
  | { t: 'bytes'; bytes: Uint8Array }
  | { t: 'cut'; g: BundleGen; at: number }
  | { t: 'json'; value: unknown }
  | { t: 'deep'; depth: number }
  | { t: 'type'; contentType: string };
const bodyArb: fc.Arbitrary<BodyGen> = fc.oneof(
  fc.record({ t: fc.constant('bytes' as const), bytes: fc.uint8Array({ minLength: 0, maxLength: 300 }) }),
  fc.record({ t: fc.constant('cut' as const), g: bundleArb, at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ t: fc.constant('json' as const), value: fc.jsonValue() }),
  fc.record({ t: fc.constant('deep' as const), depth: fc.integer({ min: 60, max: 5000 }) }),
  fc.record({
    t: fc.constant('type' as const),
    contentType: fc.constantFrom('text/plain', 'application/xml', 'application/fhir+xml', 'application/x-ndjson', ''),
  }),
);

async function checkBody(g: BodyGen): Promise<void> {
  inputs++;
  let body: Buffer;
  let type = 'application/fhir+json';
  switch (g.t) {
    case 'bytes':
      body = Buffer.from(g.bytes);
      break;
    case 'cut': {
      const text = JSON.stringify(materialise(g.g).body);
      body = Buffer.from(text.slice(0, Math.floor(g.at * text.length)));
      break;
    }
    case 'json':
      body = Buffer.from(JSON.stringify(g.value));
      break;
    case 'deep':
      body = Buffer.from(`{"resourceType":"Bundle","type":"batch","entry":${'['.repeat(g.depth)}${']'.repeat(g.depth)}}`);
      break;
    case 'type':
      body = Buffer.from(JSON.stringify(fhirEncounter('t')));
      type = g.contentType;
      break;
  }
  const url = ['/fhir', '/fhir/Encounter', '/fhir/Observation'][inputs % 3]!;
  const { res, since } = await send(url, body, type);
  const answer = checkFhirBody(res.statusCode, res.body);
  const letters = await lettersSince(since);
  if (res.statusCode >= 400) {
    expect(answer.resourceType).toBe('OperationOutcome');
    expect(letters.length, res.body.slice(0, 300)).toBeGreaterThan(0);
  }
  for (const l of letters) expect(l.reason.length).toBeGreaterThan(0);
}

const params = (numRuns: number, round = 0) => ({
  numRuns,
  interruptAfterTimeLimit: 400_000,
  markInterruptAsFailure: true,
  ...(SEED === undefined ? {} : { seed: SEED + round }),
});

describe('FHIR routes under generated input (fast-check)', () => {
  it(`Bundles and resources of valid and mutated entries (until ${BUNDLE_TARGET} entries)`, async () => {
    const started = Date.now();
    let bodies = 0;
    for (let round = 0; inputs < BUNDLE_TARGET; round++) {
      const runs = Math.max(1, Math.ceil((BUNDLE_TARGET - inputs) / (MAX_ENTRIES * 0.4)));
      await fc.assert(fc.asyncProperty(bundleArb, checkBundle), params(runs, round));
      bodies += runs;
    }
    console.info(`fhir fuzz: ${bodies} requests, ${inputs} entries, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 600_000);

  it(`whole bodies: bytes, cut JSON, any JSON value, deep nesting, media types (${BODY_RUNS} bodies)`, async () => {
    await fc.assert(fc.asyncProperty(bodyArb, checkBody), params(BODY_RUNS));
  }, 600_000);

  it('generated at least FUZZ_RUNS inputs, and left no prototype polluted', () => {
    expect(inputs).toBeGreaterThanOrEqual(INPUTS);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  it('still accepts a plain valid Bundle afterwards, and the property fails on a 5xx (negative control)', async () => {
    const b = {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [{ fullUrl: PATIENT_URL, resource: fhirPatient() }, { resource: fhirEncounter(`after-${Date.now()}`) }],
    };
    const { res } = await send('/fhir', Buffer.from(JSON.stringify(b)), 'application/fhir+json');
    expect(res.json<Bundle>().entry!.map((e) => e.response!.status)).toEqual(['200 OK', '201 Created']);
    expect(() => checkFhirBody(503, '{"resourceType":"OperationOutcome","issue":[{"diagnostics":"x"}]}')).toThrow();
    expect(() => checkFhirBody(200, '{"error":{}}')).toThrow();
  });
});
