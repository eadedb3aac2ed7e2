import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestHeaders, registerHospital, startTestPipeline, TEST_HOSPITAL, adminHeaders } from '../../helpers/pipeline.ts';
import { testPseudonym } from '../../helpers/privacy.ts';
import {
  brokenLine,
  CONTROL,
  eventObject,
  eventSpec,
  mutation,
  nonObject,
  Obj,
  Raw,
  serialise,
  type EventSpec,
  type Fix,
  type J,
  type Mutation,
  type TimeCase,
} from './arbitraries.ts';
import {
  checkAgainstPlan,
  checkAnswerShape,
  checkErrorShape,
  checkStored,
  compareLetters,
  expectedBodyLetter,
  expectedLetter,
  keptOfItem,
  type DeadLetterRow,
  type IngestAnswer,
  type PlannedItem,
  type StoredEvent,
} from './oracle.ts';

/**
 * The guard of issue 8: generated bodies through `POST /v1/events` on a real pipeline (chDB +
 * embedded log). Properties: never a 5xx or a hang; every answer in the documented shape and
 * bounded in size; each valid event accepted and stored once, on its local day, and counted
 * once; each refused one dead-lettered with the bytes received. FUZZ_RUNS sets the number of
 * generated inputs (events and bodies; default 10,000); fast-check prints the seed and the
 * shrunk counterexample on failure (replay with FUZZ_SEED=… FUZZ_PATH=…).
 */

const INPUTS = Number(process.env['FUZZ_RUNS'] ?? 10_000);
const SEED = process.env['FUZZ_SEED'] === undefined ? undefined : Number(process.env['FUZZ_SEED']);
const PATH = process.env['FUZZ_PATH'];

/**
 * Events per body: each body waits for the processors to store it, and the embedded log's
 * consumer gathers a batch for up to 500 ms, so few large bodies keep the run short. Lengths
 * are drawn up to MAX_BATCH (fast-check's bias gives a mean of 0.40–0.47 of it; resends and
 * broken lines sometimes have nothing to stand for), so 10,000 inputs are ~63 bodies of
 * events (≥ 10,000 events) and 600 whole bodies.
 */
const MAX_BATCH = Number(process.env['FUZZ_MAX_BATCH'] ?? 400);
const BODY_SHARE = 0.06;
const BATCH_RUNS = Math.max(1, Math.ceil((INPUTS * (1 - BODY_SHARE)) / 150));
const BODY_RUNS = Math.max(1, Math.ceil(INPUTS * BODY_SHARE));
/** Events the batch bodies must reach, so that with the whole bodies the file makes at least INPUTS inputs. */
const BATCH_TARGET = INPUTS - BODY_RUNS;
const REQUEST_TIMEOUT_MS = 20_000;
const SETTLE_TIMEOUT_MS = 30_000;

type P = Awaited<ReturnType<typeof startTestPipeline>>;
let p: P;
let communes: string[];
const NOW = Date.now();
/** Expected count per `series|commune|day` of everything accepted during the file. */
const expectedCounts = new Map<string, number>();
/** Bytes of accepted events and the hospital that sent them, resent later to check duplicate (or, by another hospital, mismatch) answers. */
const acceptedBytes: { bytes: Buffer; hospital: string }[] = [];
let inputs = 0;
let run = 0;
let lastAnswerAt = 0;

beforeAll(async () => {
  p = await startTestPipeline();
  communes = p.units.all().map((u) => u.code);
});
afterAll(async () => {
  await p?.cleanup();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer after ${ms} ms (hang)`)), ms)),
  );
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const localDay = (ms: number) => new Date(Math.floor((ms + 7 * 3_600_000) / 86_400_000) * 86_400_000).toISOString().slice(0, 10);

/** Sends one body; rows written because of it are those received at or after `since`. */
async function send(body: Buffer, contentType: string | undefined, hospital: string = TEST_HOSPITAL) {
  // Each body is sent by one hospital, registered the first time it sends.
  if (!Object.hasOwn(p.keys, hospital)) await registerHospital(p, hospital);
  // Rows of this request are told apart from earlier ones by their receive time (ms).
  while (Date.now() <= lastAnswerAt) await sleep(1);
  const since = Date.now();
  const res = await within(
    REQUEST_TIMEOUT_MS,
    'POST /v1/events',
    p.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: contentType === undefined ? ingestHeaders(p, hospital) : { ...ingestHeaders(p, hospital), 'content-type': contentType },
      payload: body,
    }),
  );
  lastAnswerAt = Date.now();
  return { res, since };
}

async function lettersSince(since: number): Promise<DeadLetterRow[]> {
  const rs = await p.store.query({
    query: `SELECT lower(hex(SHA256(raw))) AS sha, raw_bytes, raw_truncated, reason_code, length(reason) AS reason_len, length(details) AS details_len
            FROM dead_letters WHERE received_at >= fromUnixTimestamp64Milli({since:Int64})`,
    query_params: { since },
    format: 'JSONEachRow',
  });
  return (await rs.json<DeadLetterRow & { raw_bytes: string | number }>()).map((r) => ({ ...r, raw_bytes: Number(r.raw_bytes) }));
}

/** The events stored since `since`, once the processors have read the log to its end. */
async function eventsSince(since: number): Promise<StoredEvent[]> {
  // The log's lag, not settle(): settle also waits for the detection runs new counts start,
  // which the final check awaits once instead of after every body.
  await within(
    SETTLE_TIMEOUT_MS,
    'counting',
    (async () => {
      while (p.lag() > 0) await sleep(5);
    })(),
  );
  const rs = await p.store.query({
    query: `SELECT hospital_id, event_id, commune_code, toString(day) AS day, count() AS n FROM events
            WHERE received_at >= fromUnixTimestamp64Milli({since:Int64}) GROUP BY hospital_id, event_id, commune_code, day`,
    query_params: { since },
    format: 'JSONEachRow',
  });
  return (await rs.json<StoredEvent & { n: string | number }>()).map((r) => ({ ...r, n: Number(r.n) }));
}

// ---------------------------------------------------------------------------------------
// Batches of generated events (JSON arrays and NDJSON)

type ItemGen =
  | { t: 'event'; spec: EventSpec; mut: Mutation; foreign: boolean }
  | { t: 'probe'; a: EventSpec; b: EventSpec; sep: string }
  | { t: 'non-object'; value: J; fix?: Fix }
  | { t: 'broken'; line: string | { cut: number }; spec: EventSpec }
  | { t: 'dup'; of: number }
  | { t: 'resend'; of: number };

interface BatchGen {
  /** The hospital that sends the body (authenticated by its key); its events name it unless `foreign`. */
  hospital: string;
  ndjson: boolean;
  items: ItemGen[];
  contentType: number;
  crlf: boolean;
  blankLines: number[];
  ws: string;
  single: boolean;
}

function batchArb(): fc.Arbitrary<BatchGen> {
  const spec = eventSpec(NOW, communes);
  const mut = mutation(NOW);
  const item: fc.Arbitrary<ItemGen> = fc.oneof(
    {
      weight: 20,
      // One event in 25 names another hospital than the sender: refused for itself (HOSPITAL_MISMATCH).
      arbitrary: fc.record({ t: fc.constant('event' as const), spec, mut, foreign: fc.nat(24).map((n) => n === 0) }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        t: fc.constant('probe' as const),
        a: spec,
        b: spec,
        sep: fc.constantFrom('|', ':', '/', ' ', '-', '.', '\\', '\u2028', '\u0000', '\u001f', '\t'),
      }),
    },
    { weight: 2, arbitrary: nonObject.map((n): ItemGen => ({ t: 'non-object', ...n })) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('broken' as const), line: brokenLine, spec }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('dup' as const), of: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('resend' as const), of: fc.nat() }) },
  );
  return fc.record({
    // The sender is a registered hospital: ids with invisible characters cannot be registered.
    hospital: spec.map((s) => s.hospital).filter((h) => !/[\p{Cc}\p{Cf}\p{Cs}]/u.test(h)),
    ndjson: fc.boolean(),
    items: fc.array(item, { minLength: 1, maxLength: MAX_BATCH, size: 'max' }),
    contentType: fc.nat(),
    crlf: fc.boolean(),
    blankLines: fc.array(fc.nat(), { maxLength: 3 }),
    ws: fc.constantFrom('', ' ', '\n', '\t', '\r\n  '),
    single: fc.boolean(),
  });
}

function applyMutation(obj: Obj, m: Mutation, prefix: string): { verdict: PlannedItem['verdict']; fix?: Fix; time?: TimeCase } {
  const at = (k: string) => obj.entries.findIndex(([key]) => key === k);
  const put = (k: string, v: J) => {
    const i = at(k);
    if (i >= 0) obj.entries[i] = [k, v];
    else obj.entries.push([k, v]);
  };
  switch (m.kind) {
    case 'none':
      return { verdict: 'valid' };
    case 'set': {
      // A control character in an id: unique per run so that, if it were accepted, it is not a resend.
      put(m.key, m.fix === 'id-control-chars' && m.key === 'event_id' ? prefix + (m.value as string) : m.value);
      return { verdict: m.verdict, ...(m.fix ? { fix: m.fix } : {}) };
    }
    case 'lone':
      put('event_id', new Raw(`"${prefix}lone${m.escape}"`));
      return { verdict: 'either' };
    case 'drop':
      obj.entries.splice(0, obj.entries.length, ...obj.entries.filter(([k]) => k !== m.key));
      return { verdict: 'invalid' };
    case 'extra':
      obj.entries.push([m.key, m.value]);
      return { verdict: 'invalid', ...(m.fix ? { fix: m.fix } : {}) };
    case 'extras':
      for (const k of m.keys) obj.entries.push([k, 1]);
      return { verdict: 'invalid', fix: m.fix };
    case 'duplicate-key':
      obj.entries.push(obj.entries[at(m.key)]!);
      return { verdict: 'either' };
    case 'time':
      put('occurred_at', m.time.text);
      return { verdict: m.time.verdict, ...(m.time.fix ? { fix: m.time.fix } : {}), time: m.time };
  }
}

function identityOf(spec: EventSpec, hospital_id: string, event_id: string, time: TimeCase) {
  return time.ms === undefined
    ? undefined
    : {
        hospital_id,
        event_id,
        commune_code: spec.commune,
        day: localDay(time.ms),
        series: spec.lab ? ('_tests' as const) : ('_visits' as const),
      };
}

/** Turns a generated batch into bytes and a plan, with identities unique to this execution. */
function materialise(g: BatchGen, runNo: number): { body: Buffer; contentType: string; plan: PlannedItem[] } {
  const plan: PlannedItem[] = [];
  const texts: string[] = [];
  const add = (text: string, item: Omit<PlannedItem, 'bytes'>) => {
    texts.push(text);
    plan.push({ ...item, bytes: Buffer.from(text, 'utf8') });
  };
  g.items.forEach((it, i) => {
    const prefix = `f${runNo}.${i}.`;
    switch (it.t) {
      case 'event': {
        const named = it.foreign ? it.spec.hospital : g.hospital;
        const obj = eventObject(it.spec, named, prefix + it.spec.idSuffix);
        const mutated = applyMutation(obj, it.mut, prefix);
        const { time } = mutated;
        // An event that would be valid but names another hospital than the sender is refused.
        const foreign = mutated.verdict !== 'invalid' && hospitalOf(obj) !== g.hospital;
        const verdict = foreign ? 'invalid' : mutated.verdict;
        const fix = foreign && mutated.verdict === 'valid' ? 'hospital-mismatch' : mutated.fix;
        const eventId = it.mut.kind === 'lone' ? `${prefix}lone${JSON.parse(`"${it.mut.escape}"`) as string}` : prefix + it.spec.idSuffix;
        const why = `${it.mut.kind === 'none' ? 'valid event' : it.mut.why}${foreign ? `, naming ${named} sent by ${g.hospital}` : ''}`;
        add(serialise(obj, it.spec.spaced), {
          verdict,
          fix,
          why,
          identity: verdict === 'invalid' ? undefined : identityOf(it.spec, named, eventId, time ?? it.spec.time),
        });
        return;
      }
      case 'probe': {
        // (h, e) pairs that would collide if the identity were h + sep + e. One body comes from
        // one hospital, so the second (another hospital) is refused as a mismatch here; both
        // accepted from their own hospitals is checked by 'identity probes across hospitals' below.
        const control = CONTROL.test(it.sep);
        const pair: [EventSpec, string, string][] = [
          [it.a, g.hospital, `${prefix}A${it.sep}B`],
          [it.b, `${g.hospital}${it.sep}${prefix}A`, 'B'],
        ];
        pair.forEach(([spec, h, e], k) => {
          const mismatch = k === 1 && !control;
          add(serialise(eventObject(spec, h, e)), {
            verdict: control || mismatch ? 'invalid' : 'valid',
            fix: control ? 'id-control-chars' : mismatch ? 'hospital-mismatch' : undefined,
            why: `identity probe ${JSON.stringify([h, e])}`,
            identity: control || mismatch ? undefined : identityOf(spec, h, e, spec.time),
          });
        });
        return;
      }
      case 'non-object':
        add(serialise(it.value), { verdict: 'invalid', fix: it.fix, why: `non-object ${serialise(it.value).slice(0, 30)}` });
        return;
      case 'broken': {
        if (!g.ndjson) return;
        let line: string;
        if (typeof it.line === 'string') line = it.line;
        else {
          const full = serialise(eventObject(it.spec, g.hospital, prefix + it.spec.idSuffix));
          line = full.slice(0, Math.max(1, Math.floor(it.line.cut * full.length)));
        }
        add(line.replace(/\r+$/, ''), { verdict: 'invalid', why: `broken line ${JSON.stringify(line.slice(0, 30))}` });
        return;
      }
      case 'dup': {
        const earlier = plan.filter((x) => x.verdict === 'valid');
        if (earlier.length === 0) return;
        add(earlier[it.of % earlier.length]!.bytes.toString('utf8'), { verdict: 'duplicate', why: 'resend within the body' });
        return;
      }
      case 'resend': {
        if (acceptedBytes.length === 0) return;
        const earlier = acceptedBytes[it.of % acceptedBytes.length]!;
        // Another hospital's accepted event: not a duplicate but a claim on its identity, refused.
        const mine = earlier.hospital === g.hospital;
        add(earlier.bytes.toString('utf8'), {
          verdict: mine ? 'duplicate' : 'invalid',
          fix: mine ? undefined : 'hospital-mismatch',
          why: mine ? 'resend of an earlier body' : `resend of ${earlier.hospital}'s event by ${g.hospital}`,
        });
        return;
      }
    }
  });
  if (texts.length === 0) add('{}', { verdict: 'invalid', why: 'empty object' });
  if (g.ndjson) {
    const nl = g.crlf ? '\r\n' : '\n';
    const lines = [...texts];
    for (const b of g.blankLines) lines.splice(b % (lines.length + 1), 0, ['', ' ', '\t'][b % 3]!);
    const types = ['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-ndjson; charset=utf-8'];
    return { body: Buffer.from(lines.join(nl) + (g.crlf ? nl : ''), 'utf8'), contentType: types[g.contentType % types.length]!, plan };
  }
  const types = ['application/json', 'application/json; charset=utf-8'];
  const text = g.single && texts.length === 1 && texts[0]!.startsWith('{') ? texts[0]! : `[${g.ws}${texts.join(`${g.ws},${g.ws}`)}${g.ws}]`;
  return { body: Buffer.from(text, 'utf8'), contentType: types[g.contentType % types.length]!, plan };
}

function recordAccepted(plan: readonly PlannedItem[], accepted: readonly number[], hospital: string) {
  for (const i of accepted) {
    const id = plan[i]!.identity!;
    const k = `${id.series}|${id.commune_code}|${id.day}`;
    expectedCounts.set(k, (expectedCounts.get(k) ?? 0) + 1);
    acceptedBytes.push({ bytes: plan[i]!.bytes, hospital });
  }
}

/** Sends one planned batch and checks the answer, the dead letters and the stored events. */
async function checkBatch(body: Buffer, contentType: string, plan: PlannedItem[], hospital: string): Promise<void> {
  const { res, since } = await send(body, contentType, hospital);
  const fail = (problems: string[]) => {
    if (problems.length > 0) throw new Error(`${res.statusCode} ${problems.join('\n')}\nanswer: ${res.body.slice(0, 1000)}`);
  };
  // 403 when every event names another hospital: the usual answer is then the error's details.
  const allForeign = plan.every((x) => x.verdict === 'invalid');
  if (res.statusCode !== 200 && !(res.statusCode === 403 && allForeign))
    fail([`status ${res.statusCode} for a body of ${plan.length} items`]);
  const answer =
    res.statusCode === 403 ? res.json<{ error: { code: string; details: IngestAnswer } }>().error.details : res.json<IngestAnswer>();
  fail(checkAnswerShape(answer, plan.length, res.rawPayload.length));
  const { problems, accepted } = checkAgainstPlan(plan, answer);
  fail(problems);
  fail(checkMismatches(plan, answer, res.statusCode));
  const letters = await lettersSince(since);
  const refused = answer.rejected.map((r) => ({
    ...expectedLetter(keptOfItem(plan[r.index]!.bytes)),
    why: `item ${r.index} (${plan[r.index]!.why})`,
  }));
  fail(compareLetters(refused, letters, { compareBytes: true }));
  const stored = await eventsSince(since);
  fail(checkStored(plan, accepted, stored));
  recordAccepted(plan, accepted, hospital);
}

/** Items naming another hospital are refused as HOSPITAL_MISMATCH; the answer is 403 exactly when all rejections are such. */
function checkMismatches(plan: readonly PlannedItem[], answer: IngestAnswer, status: number): string[] {
  const problems: string[] = [];
  const codeOf = new Map(answer.rejected.map((r) => [r.index, (r as { code?: string }).code]));
  plan.forEach((x, i) => {
    if (x.fix === 'hospital-mismatch' && codeOf.get(i) !== 'HOSPITAL_MISMATCH')
      problems.push(`item ${i} (${x.why}) not refused as HOSPITAL_MISMATCH (${String(codeOf.get(i))})`);
  });
  const all = answer.rejected.length === plan.length && [...codeOf.values()].every((c) => c === 'HOSPITAL_MISMATCH');
  if (all !== (status === 403)) problems.push(`status ${status} but ${all ? 'every' : 'not every'} event was a mismatch`);
  return problems;
}

/** A plain valid encounter of hospital `h` with event id `e`, occurring at `at`. */
function probeEvent(h: string, e: string, at: number) {
  return {
    schema: 'ews.encounter.v1',
    event_id: e,
    hospital_id: h,
    occurred_at: new Date(at).toISOString(),
    commune_code: '09187',
    patient_id: 'P',
    sex: 'male',
    setting: 'outpatient',
    diagnoses: ['A90'],
  };
}

/** The hospital_id an event object names (its last spelling, as JSON.parse reads it), if a string. */
function hospitalOf(obj: Obj): string | undefined {
  const entry = obj.entries.findLast(([k]) => k === 'hospital_id');
  if (!entry) return undefined;
  const v = entry[1];
  if (typeof v === 'string') return v;
  if (v instanceof Raw) {
    try {
      const parsed: unknown = JSON.parse(v.text);
      return typeof parsed === 'string' ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------
// Whole bodies: bytes, truncations, nesting, encodings, media types

type BodyGen =
  | { t: 'bytes'; bytes: Uint8Array; ct: number }
  | { t: 'text'; text: string; ct: number }
  | { t: 'truncated'; specs: EventSpec[]; cut: number }
  | { t: 'deep'; n: number; open: '[' | '{"a":'; ndjson: boolean }
  | { t: 'utf8'; specs: EventSpec[]; bad: number[]; at: number }
  | { t: 'empty'; ws: string; ndjson: boolean }
  | { t: 'scalar'; text: string }
  | { t: 'media'; specs: EventSpec[]; ct: string | undefined }
  | { t: 'bom'; specs: EventSpec[] };

const ANY_TYPES = [
  'application/json',
  'application/x-ndjson',
  'text/plain',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'APPLICATION/JSON',
  'application/jsonx',
  'multipart/form-data; boundary=x',
  '',
  ';;;',
  'application/json; charset="utf-8"; x',
];
/** Byte sequences that are not UTF-8: stray continuation, overlong, surrogate, truncated, out of range. */
const BAD_UTF8 = [
  [0x80],
  [0xff],
  [0xc0, 0xaf],
  [0xc3, 0x28],
  [0xed, 0xa0, 0x80],
  [0xf0, 0x9f, 0x98],
  [0xf4, 0x90, 0x80, 0x80],
  [0xe2, 0x82],
];

function bodyArb(): fc.Arbitrary<BodyGen> {
  const specs = fc.array(eventSpec(NOW, communes), { minLength: 1, maxLength: 5 });
  const arms: fc.Arbitrary<BodyGen>[] = [
    fc.record({ t: fc.constant('bytes' as const), bytes: fc.uint8Array({ maxLength: 2048 }), ct: fc.nat() }),
    fc.record({ t: fc.constant('text' as const), text: fc.string({ unit: 'binary', maxLength: 500 }), ct: fc.nat() }),
    fc.record({ t: fc.constant('truncated' as const), specs, cut: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }) }),
    fc.record({ t: fc.constant('empty' as const), ws: fc.constantFrom('', ' ', '\n', '\r\n\t '), ndjson: fc.boolean() }),
    fc.record({ t: fc.constant('scalar' as const), text: fc.constantFrom('42', '"x"', 'null', 'true', '-0', '1e309', '"\\u0000"') }),
    fc.record({
      t: fc.constant('media' as const),
      specs,
      ct: fc.constantFrom('text/plain', 'application/xml', 'application/x-www-form-urlencoded', undefined),
    }),
    fc.record({ t: fc.constant('bom' as const), specs }),
  ];
  arms.push(
    fc.record({
      t: fc.constant('deep' as const),
      n: fc.integer({ min: 1_000, max: 200_000 }),
      open: fc.constantFrom('[' as const, '{"a":' as const),
      ndjson: fc.boolean(),
    }),
  );
  arms.push(
    fc.record({
      t: fc.constant('utf8' as const),
      specs,
      bad: fc.constantFrom(...BAD_UTF8),
      at: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
    }),
  );
  return fc.oneof(...arms);
}

/** The events of a whole-body case as a JSON array, with their identities. */
function eventsBody(specs: readonly EventSpec[], runNo: number): { text: string; plan: PlannedItem[] } {
  const plan: PlannedItem[] = [];
  const texts = specs.map((s, i) => {
    const id = `w${runNo}.${i}.${s.idSuffix}`;
    // Whole bodies are sent by the test hospital: their events name it.
    const text = serialise(eventObject(s, TEST_HOSPITAL, id));
    plan.push({ bytes: Buffer.from(text), verdict: 'valid', why: 'valid event', identity: identityOf(s, TEST_HOSPITAL, id, s.time) });
    return text;
  });
  return { text: `[${texts.join(',')}]`, plan };
}

/** What a whole-body case must answer: statuses allowed, and whether nothing may be stored. */
function planBody(
  g: BodyGen,
  runNo: number,
): { body: Buffer; ct: string | undefined; statuses: number[]; plan?: PlannedItem[]; fix?: Fix } {
  switch (g.t) {
    case 'bytes':
      return { body: Buffer.from(g.bytes), ct: ANY_TYPES[g.ct % ANY_TYPES.length], statuses: [] };
    case 'text':
      return { body: Buffer.from(g.text), ct: ANY_TYPES[g.ct % ANY_TYPES.length], statuses: [] };
    case 'truncated': {
      const b = Buffer.from(eventsBody(g.specs, runNo).text);
      return { body: b.subarray(0, Math.max(1, Math.floor(g.cut * b.length))), ct: 'application/json', statuses: [400] };
    }
    case 'deep': {
      const close = g.open === '[' ? ']' : '}';
      return {
        body: Buffer.from(g.open.repeat(g.n) + (g.open === '[' ? '' : '1') + close.repeat(g.n)),
        ct: g.ndjson ? 'application/x-ndjson' : 'application/json',
        statuses: [200, 400, 413],
        fix: 'deep-nesting',
      };
    }
    case 'utf8': {
      const b = Buffer.from(eventsBody(g.specs, runNo).text);
      // Inside a string value, so the body would be valid JSON if decoded with U+FFFD.
      const quotes = [...b.keys()].filter((i) => b[i] === 0x22);
      const at = (quotes[Math.floor(g.at * quotes.length)] ?? 1) + 1;
      return {
        body: Buffer.concat([b.subarray(0, at), Buffer.from(g.bad), b.subarray(at)]),
        ct: 'application/json',
        statuses: [400],
        fix: 'invalid-utf8',
      };
    }
    case 'empty':
      return { body: Buffer.from(g.ws), ct: g.ndjson ? 'application/x-ndjson' : 'application/json', statuses: [400] };
    case 'scalar':
      return { body: Buffer.from(g.text), ct: 'application/json', statuses: [400] };
    case 'media':
      return { body: Buffer.from(eventsBody(g.specs, runNo).text), ct: g.ct, statuses: [415] };
    case 'bom': {
      const { text, plan } = eventsBody(g.specs, runNo);
      return { body: Buffer.from(`\ufeff${text}`), ct: 'application/json', statuses: [200, 400], plan };
    }
  }
}

async function checkBody(g: BodyGen, runNo: number): Promise<void> {
  const planned = planBody(g, runNo);
  const { res, since } = await send(planned.body, planned.ct);
  const problems: string[] = [];
  const status = res.statusCode;
  if (status < 200 || status >= 500) problems.push(`status ${status}`);
  if (planned.statuses.length > 0 && !planned.statuses.includes(status))
    problems.push(`status ${status}, expected ${planned.statuses.join('/')}`);
  if (!String(res.headers['content-type'] ?? '').startsWith('application/json'))
    problems.push(`content-type ${String(res.headers['content-type'])}`);
  let answer: unknown;
  try {
    answer = res.json();
  } catch {
    problems.push('answer is not JSON');
  }
  const letters = await lettersSince(since);
  if (status === 200 && answer !== undefined) {
    problems.push(...checkAnswerShape(answer, Math.max(1, planned.body.length / 100), res.rawPayload.length));
    const a = answer as IngestAnswer;
    problems.push(
      ...compareLetters(
        Array.from({ length: a.rejected?.length ?? 0 }, () => ({ sha: '', raw_bytes: 0, raw_truncated: false, why: '' })),
        letters,
        { compareBytes: false },
      ),
    );
    if (planned.plan) {
      // All of a BOM-prefixed body is accepted, or none of it.
      if (a.accepted !== planned.plan.length) problems.push(`accepted ${a.accepted} of ${planned.plan.length}`);
      // Not waited for here (a processor batch takes up to 500 ms): the final exact count covers them.
      if (problems.length === 0)
        recordAccepted(
          planned.plan,
          planned.plan.map((_, i) => i),
          TEST_HOSPITAL,
        );
    } else if (a.accepted !== 0) problems.push(`accepted ${a.accepted} events of a body that holds none`);
  } else if (answer !== undefined) {
    problems.push(...checkErrorShape(answer, res.rawPayload.length));
    const code = (answer as { error?: { code?: string } }).error?.code;
    problems.push(
      ...compareLetters([{ ...expectedBodyLetter(planned.body, status === 413), why: `the body (${status})` }], letters, {
        compareBytes: true,
      }),
    );
    if (letters.length === 1 && letters[0]!.reason_code !== code)
      problems.push(`dead letter code ${letters[0]!.reason_code}, answer ${code}`);
  }
  if (problems.length > 0) throw new Error(`${problems.join('\n')}\nanswer: ${res.body.slice(0, 1000)}`);
}

// ---------------------------------------------------------------------------------------

/**
 * Each run of a property is bounded, shrinking included (a shrink step of a large body waits
 * for the processors): when the time is up fast-check reports the smallest failing input found
 * so far, with its seed and path, instead of the test timing out while it keeps sending.
 */
const params = (numRuns: number) => ({
  numRuns,
  interruptAfterTimeLimit: 240_000,
  markInterruptAsFailure: true,
  ...(SEED === undefined ? {} : { seed: SEED }),
  ...(PATH === undefined ? {} : { path: PATH }),
});

describe('POST /v1/events under generated input (fast-check)', () => {
  it(`batches of valid, invalid and undecidable events (~${BATCH_RUNS} bodies, until ${BATCH_TARGET} events)`, async () => {
    const started = Date.now();
    const property = fc.asyncProperty(batchArb(), async (g) => {
      const { body, contentType, plan } = materialise(g, ++run);
      inputs += plan.length;
      await checkBatch(body, contentType, plan, g.hospital);
    });
    // Body lengths are drawn, so a seed may fall short of the events the file promises (CI,
    // 2026-12-02: 9,188 of them): further rounds, each with a seed of its own (printed on
    // failure), run until it is reached.
    let bodies = 0;
    for (let round = 0; round === 0 || inputs < BATCH_TARGET; round++) {
      const runs = round === 0 ? BATCH_RUNS : Math.max(1, Math.ceil((BATCH_TARGET - inputs) / 100));
      // Later rounds: no replay path (it names round 0's runs), and a seed of their own.
      const { path: _path, ...later } = params(runs);
      await fc.assert(property, round === 0 ? params(runs) : { ...later, ...(SEED === undefined ? {} : { seed: SEED + round }) });
      bodies += runs;
    }
    console.info(`fuzz: ${bodies} batch bodies, ${inputs} events, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 600_000);

  it(`whole bodies: bytes, truncations, nesting, encodings, media types (${BODY_RUNS} bodies)`, async () => {
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(bodyArb(), async (g) => {
        inputs++;
        await checkBody(g, ++run);
      }),
      params(BODY_RUNS),
    );
    console.info(`fuzz: ${BODY_RUNS} whole bodies, ${((Date.now() - started) / 1000).toFixed(1)} s; ${inputs} inputs in all`);
  }, 600_000);

  it('identity probes across hospitals: (h, e) pairs that would collide as h + sep + e are distinct events', async () => {
    const day = localDay(NOW);
    for (const [i, sep] of ['|', ':', '/', ' ', '-', '.', '\\', '\u2028'].entries()) {
      const a = `probe${run}-${i}`;
      const b = `${a}${sep}B`;
      for (const [h, e] of [
        [a, `B${sep}C`],
        [b, 'C'],
      ] as const) {
        const ev = { ...probeEvent(h, e, NOW), commune_code: '09187' };
        const { res } = await send(Buffer.from(JSON.stringify([ev])), 'application/json', h);
        expect(res.json(), `${h} / ${e}`).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
        expectedCounts.set(`_visits|09187|${day}`, (expectedCounts.get(`_visits|09187|${day}`) ?? 0) + 1);
      }
    }
  });

  // Found by seed -1366367582 (CI, 2026-12-02): a sender named "toString" was taken for a
  // registered one because the test's key table had a prototype. Kept as a fixed case.
  it('hospitals named like Object.prototype members register, send and are counted like any other', async () => {
    const day = localDay(NOW);
    for (const h of ['toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf']) {
      const { res } = await send(Buffer.from(JSON.stringify([probeEvent(h, `proto-${run}`, NOW)])), 'application/json', h);
      expect(res.json(), h).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
      expectedCounts.set(`_visits|09187|${day}`, (expectedCounts.get(`_visits|09187|${day}`) ?? 0) + 1);
    }
  });

  it('generated at least FUZZ_RUNS inputs', () => {
    expect(inputs).toBeGreaterThanOrEqual(INPUTS);
  });

  it('counted each accepted event exactly once, per commune and local day', async () => {
    await within(SETTLE_TIMEOUT_MS, 'counting', p.settle());
    const rs = await p.store.query({
      query: `SELECT syndrome, commune_code, toString(day) AS day, uniqExactMerge(events) AS n FROM syndrome_counts
              WHERE syndrome IN ('_visits', '_tests') GROUP BY syndrome, commune_code, day`,
      format: 'JSONEachRow',
    });
    const found = new Map(
      (await rs.json<{ syndrome: string; commune_code: string; day: string; n: string }>()).map((r) => [
        `${r.syndrome}|${r.commune_code}|${r.day}`,
        Number(r.n),
      ]),
    );
    expect(expectedCounts.size).toBeGreaterThan(100);
    expect(Object.fromEntries(found)).toEqual(Object.fromEntries(expectedCounts));
  });

  it('left no prototype polluted', () => {
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(Object.getOwnPropertyNames(Object.getPrototypeOf({})).sort());
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  it('still counts a plain valid event within seconds afterwards', async () => {
    const started = Date.now();
    const day = localDay(started);
    const before = expectedCounts.get(`_visits|09187|${day}`) ?? 0;
    const ev = {
      schema: 'ews.encounter.v1',
      event_id: `after-${started}`,
      hospital_id: 'BV-TEST',
      occurred_at: new Date(started).toISOString(),
      commune_code: '09187',
      patient_id: 'P',
      sex: 'male',
      setting: 'outpatient',
      diagnoses: ['A90'],
    };
    const res = await p.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...ingestHeaders(p), 'content-type': 'application/json' },
      payload: JSON.stringify([ev]),
    });
    expect(res.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    await within(10_000, 'counting a plain event', p.settle());
    const counts = await p.app.inject({ headers: adminHeaders, url: `/v1/counts?syndrome=_visits&from=${day}&to=${day}&commune=09187` });
    expect(counts.json<{ rows: { count: number }[] }>().rows[0]!.count).toBe(before + 1);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('the fuzz oracle fails on a wrong answer (negative controls)', () => {
  const id = { hospital_id: 'H', event_id: 'E', commune_code: '09187', day: '2026-11-20', series: '_visits' as const };
  const plan: PlannedItem[] = [
    { bytes: Buffer.from('{"a":1}'), verdict: 'valid', why: 'valid', identity: id },
    { bytes: Buffer.from('{"b":1}'), verdict: 'invalid', why: 'invalid' },
    { bytes: Buffer.from('{"a":1}'), verdict: 'duplicate', why: 'dup' },
  ];
  const right: IngestAnswer = {
    accepted: 1,
    duplicates: 1,
    rejected: [{ index: 1, event_id: null, errors: [{ path: '', message: 'x' }] }],
  };

  it('accepts the right answer', () => {
    expect(checkAgainstPlan(plan, right)).toEqual({ problems: [], accepted: [0] });
    expect(checkStored(plan, [0], [{ ...id, n: 1 }])).toEqual([]);
    expect(
      compareLetters(
        [{ ...expectedLetter(plan[1]!.bytes), why: '' }],
        [{ ...expectedLetter(plan[1]!.bytes), reason_code: 'V', reason_len: 1, details_len: 1 }],
        { compareBytes: true },
      ),
    ).toEqual([]);
  });

  it.each([
    [
      'a valid event rejected',
      { ...right, accepted: 0, rejected: [...right.rejected, { index: 0, event_id: null, errors: [{ path: '', message: 'x' }] }] },
    ],
    ['an invalid event accepted', { ...right, accepted: 2, rejected: [] }],
    ['a duplicate answered as accepted', { ...right, accepted: 2, duplicates: 0 }],
  ])('catches %s', (_name, answer) => {
    expect(checkAgainstPlan(plan, answer).problems).not.toEqual([]);
  });

  it('catches a double count, a wrong day, a lost event and an extra one', () => {
    expect(checkStored(plan, [0], [{ ...id, n: 2 }])).not.toEqual([]);
    expect(checkStored(plan, [0], [{ ...id, day: '2026-11-21', n: 1 }])).not.toEqual([]);
    expect(checkStored(plan, [0], [])).not.toEqual([]);
    expect(
      checkStored(
        plan,
        [0],
        [
          { ...id, n: 1 },
          { ...id, event_id: 'X', n: 1 },
        ],
      ),
    ).not.toEqual([]);
  });

  it('catches a dead letter that keeps the raw patient_id or unscrubbed text', () => {
    const ev = Buffer.from('{"hospital_id":"H","patient_id":"P-1","chief_complaint":"sốt, gọi 0912345678"}');
    const want = [{ ...expectedLetter(keptOfItem(ev)), why: '' }];
    expect(keptOfItem(ev).toString()).toBe(
      `{"hospital_id":"H","patient_id":"${testPseudonym('H', 'P-1')}","chief_complaint":"sốt, gọi [phone]"}`,
    );
    const row = (b: Buffer) => ({ ...expectedLetter(b), reason_code: 'V', reason_len: 1, details_len: 1 });
    expect(compareLetters(want, [row(ev)], { compareBytes: true })).not.toEqual([]);
    const body = Buffer.from('[{"patient_id": "P-1", "x": 1}');
    expect(compareLetters([{ ...expectedBodyLetter(body, false), why: '' }], [row(body)], { compareBytes: true })).not.toEqual([]);
    expect(
      compareLetters([{ ...expectedBodyLetter(body, false), why: '' }], [row(Buffer.from('[{"patient_id": "[patient]", "x": 1}'))], {
        compareBytes: true,
      }),
    ).toEqual([]);
  });

  it('catches a missing, re-serialised or uncapped dead letter and an unbounded answer', () => {
    const want = [{ ...expectedLetter(Buffer.from('{"b": 1e309}')), why: '' }];
    expect(compareLetters(want, [], { compareBytes: true })).not.toEqual([]);
    expect(
      compareLetters(want, [{ ...expectedLetter(Buffer.from('{"b":null}')), reason_code: 'V', reason_len: 1, details_len: 1 }], {
        compareBytes: true,
      }),
    ).not.toEqual([]);
    expect(
      compareLetters(want, [{ ...want[0]!, reason_code: 'V', reason_len: 2_000_000, details_len: 1 }], { compareBytes: true }),
    ).not.toEqual([]);
    const echo = { ...right, rejected: [{ index: 1, event_id: 'x'.repeat(2_000_000), errors: [{ path: '', message: 'x' }] }] };
    expect(checkAnswerShape(echo, 3, JSON.stringify(echo).length)).not.toEqual([]);
    expect(checkErrorShape({ message: 'x' }, 10)).not.toEqual([]);
  });
});
