import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pseudonymised } from '../helpers/privacy.ts';
import { encounter, lab, ndjson, startTestPipeline, ingestHeaders, adminHeaders } from '../helpers/pipeline.ts';

/**
 * Input that used to stop or fool ingest (issue 8): implausible event times, deep nesting,
 * huge echoed values, ids that could share an identity, bytes that are not UTF-8, and what
 * the dead letters of refused input hold. Through fastify `inject` on a real pipeline.
 */
type P = Awaited<ReturnType<typeof startTestPipeline>>;
let p: P;
// Received on 2026-11-25 at noon in Hanoi.
const NOW = Date.parse('2026-11-25T12:00:00+07:00');

beforeAll(async () => {
  p = await startTestPipeline({ clock: { now: () => NOW }, hospitals: ['BV-TEST', 'BV-A', 'BV-AB'] });
});
afterAll(async () => {
  await p?.cleanup();
});

interface Answer {
  accepted: number;
  duplicates: number;
  rejected: { index: number; event_id: string | null; errors: { path: string; message: string }[] }[];
}

const post = (payload: string | Buffer, contentType = 'application/json', hospital = 'BV-TEST') =>
  p.app.inject({ method: 'POST', url: '/v1/events', headers: { ...ingestHeaders(p, hospital), 'content-type': contentType }, payload });

let n = 0;
const uid = (prefix: string) => `${prefix}-${++n}`;

interface Letter {
  reason_code: string;
  reason: string;
  event_id: string;
  hex: string;
  raw_bytes: number;
  raw_truncated: boolean;
  reason_len: number;
  details_len: number;
}

/** Dead letters whose raw payload contains `marker` (or all of them). */
async function letters(marker?: string): Promise<Letter[]> {
  const rs = await p.store.query({
    query: `SELECT reason_code, reason, event_id, hex(raw) AS hex, raw_bytes, raw_truncated,
                   length(reason) AS reason_len, length(details) AS details_len
            FROM dead_letters ${marker === undefined ? '' : 'WHERE position(raw, {marker:String}) > 0'} ORDER BY received_at`,
    query_params: { marker: marker ?? '' },
    format: 'JSONEachRow',
  });
  return (await rs.json<Letter>()).map((l) => ({
    ...l,
    raw_bytes: Number(l.raw_bytes),
    reason_len: Number(l.reason_len),
    details_len: Number(l.details_len),
  }));
}
const hexOf = (s: string | Buffer) => Buffer.from(s).toString('hex').toUpperCase();

describe('event times outside the plausible window', () => {
  it.each([
    ['1900 (was counted on 1970-01-01)', '1900-01-01T08:00:00+07:00', /outside the years 1900–2299|3650 days before/],
    ['the early 1970s', '1971-03-01T08:00:00+07:00', /3650 days before/],
    ['eleven years back', '2015-11-20T08:00:00+07:00', /3650 days before/],
    ['after 2286', '2287-01-01T00:00:00Z', /after the time it was received/],
    ['2149-06-07 (was counted on 2149-06-06)', '2149-06-07T00:00:00Z', /after the time it was received/],
    ['year 0000', '0000-01-01T00:00:00Z', /outside the years 1900–2299/],
    ['year 9999', '9999-12-31T23:59:59Z', /outside the years 1900–2299/],
    ['two days ahead', '2026-11-27T13:00:00+07:00', /1 day\(s\) after/],
  ])('refuses %s naming occurred_at, dead-letters it, keeps the valid event', async (_name, occurredAt, why) => {
    const bad = encounter({ event_id: uid('time'), occurred_at: occurredAt });
    const res = await post(JSON.stringify([encounter({ event_id: uid('ok') }), bad]));
    expect(res.statusCode).toBe(200);
    const a = res.json<Answer>();
    expect(a.accepted).toBe(1);
    expect(a.rejected).toHaveLength(1);
    expect(a.rejected[0]!.errors).toEqual([{ path: 'occurred_at', message: expect.stringMatching(why) }]);
    const [letter] = await letters(bad['event_id'] as string);
    expect(letter).toMatchObject({ reason_code: 'VALIDATION_FAILED', reason: expect.stringMatching(/^occurred_at: /) });
    // The bytes received, but for patient_id: its pseudonym (ingest/README.md, privacy).
    expect(letter!.hex).toBe(hexOf(JSON.stringify(pseudonymised(bad))));
  });

  it('accepts the edges of the window: ten years back and one day ahead', async () => {
    const res = await post(
      JSON.stringify([
        encounter({ event_id: uid('edge'), occurred_at: new Date(NOW - 3650 * 86_400_000 + 1000).toISOString() }),
        encounter({ event_id: uid('edge'), occurred_at: new Date(NOW + 86_400_000 - 1000).toISOString() }),
      ]),
    );
    expect(res.json()).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
  });
});

describe('deep nesting', () => {
  const deepArray = (d: number) => '['.repeat(d) + ']'.repeat(d);
  const deepObject = (d: number) => '{"a":'.repeat(d) + '1' + '}'.repeat(d);

  it('refuses an element nested thousands of levels deep alone, keeps the valid events and dead-letters it', async () => {
    const deep = `{"schema":"ews.encounter.v1","event_id":"deep","chief_complaint":${deepObject(5000)}}`;
    const ok1 = JSON.stringify(encounter({ event_id: uid('deep-ok') }));
    const ok2 = JSON.stringify(lab({ event_id: uid('deep-ok') }));
    const res = await post(`[${ok1},${deep},${ok2}]`);
    expect(res.statusCode).toBe(200);
    const a = res.json<Answer>();
    expect(a.accepted).toBe(2);
    expect(a.rejected).toEqual([
      { index: 1, event_id: null, errors: [{ path: '', message: expect.stringMatching(/nested 5001 levels deep.*at most 64/) }] },
    ]);
    const [letter] = await letters('"event_id":"deep"');
    expect(letter).toMatchObject({ reason_code: 'BODY_UNPARSEABLE', raw_bytes: Buffer.byteLength(deep) });
    expect(letter!.hex).toBe(hexOf(deep));
  });

  it.each([
    ['a JSON array of arrays', () => `[${deepArray(100_000)}]`],
    ['a single deep object', () => deepObject(100_000)],
  ])('answers %s nested 100,000 deep without a 500', async (_name, body) => {
    const res = await post(body());
    expect(res.statusCode).toBe(200);
    expect(res.json<Answer>().rejected[0]!.errors[0]!.message).toMatch(/levels deep/);
  });

  it('refuses a deep NDJSON line alone', async () => {
    const ok = encounter({ event_id: uid('nd-deep') });
    const res = await post(`${JSON.stringify(ok)}\n${deepArray(10_000)}\n`, 'application/x-ndjson');
    const a = res.json<Answer>();
    expect(a.accepted).toBe(1);
    expect(a.rejected[0]).toMatchObject({ index: 1, errors: [{ message: expect.stringMatching(/line 2 is nested 10000 levels deep/) }] });
  });

  it('refuses an event nesting 65 levels in a field, accepts the valid ones', async () => {
    const res = await post(
      JSON.stringify([encounter({ event_id: uid('d65'), diagnoses: JSON.parse(deepArray(64)) }), encounter({ event_id: uid('d65') })]),
    );
    const a = res.json<Answer>();
    expect(a.accepted).toBe(1);
    expect(a.rejected[0]!.errors[0]!.message).toMatch(/nested 65 levels/);
  });

  it('answers 400 and dead-letters a deep body that is not JSON at all', async () => {
    const body = '['.repeat(200_017);
    const res = await post(body);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'BODY_UNPARSEABLE', message: expect.any(String), details: null } });
    const found = (await letters()).filter((l) => l.raw_bytes === body.length);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ reason_code: 'BODY_UNPARSEABLE', raw_truncated: true });
  });
});

describe('what is echoed and stored is capped', () => {
  it('a 2 MB unknown key does not come back as 2 MB, nor is it stored in full', async () => {
    const key = 'k'.repeat(2_000_000);
    const ev = { ...encounter({ event_id: uid('bigkey') }), [key]: 1 };
    const res = await post(JSON.stringify([ev]));
    expect(res.statusCode).toBe(200);
    expect(res.body.length).toBeLessThan(2000);
    const a = res.json<Answer>();
    expect(a.rejected[0]!.errors[0]!.message).toMatch(/^unknown field\(s\): k{200}… \(2000000 characters\)$/);
    const [letter] = await letters(ev.event_id as string);
    expect(letter!.reason_len + letter!.details_len).toBeLessThan(2000);
    // The payload itself is kept, at its cap.
    expect(letter).toMatchObject({ raw_truncated: true, raw_bytes: Buffer.byteLength(JSON.stringify(pseudonymised(ev))) });
    expect(letter!.hex.length / 2).toBe(64 * 1024);
  });

  it('an over-long event_id is echoed and stored as its first 200 characters', async () => {
    const id = 'i'.repeat(1_000_000);
    const res = await post(JSON.stringify([encounter({ event_id: id })]));
    const a = res.json<Answer>();
    expect(res.body.length).toBeLessThan(2000);
    expect(a.rejected[0]!.event_id!.length).toBeLessThanOrEqual(230);
    expect(a.rejected[0]!.event_id!.startsWith('i'.repeat(200))).toBe(true);
    const stored = await p.store.query({
      query: "SELECT max(length(event_id)) AS n FROM dead_letters WHERE startsWith(event_id, 'iiii')",
      format: 'JSONEachRow',
    });
    expect(Number((await stored.json<{ n: string }>())[0]!.n)).toBeLessThanOrEqual(230);
  });

  it.each([
    ['a JSON array', `[${Array(100_001).fill('1').join(',')}]`, 'application/json'],
    ['NDJSON', Array(100_001).fill('1').join('\n'), 'application/x-ndjson'],
  ])('refuses %s of more than 100,000 events as a whole (the answer would grow with each)', async (_name, body, type) => {
    const res = await post(body, type);
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ error: { code: 'BODY_TOO_LARGE', message: expect.stringMatching(/at most 100000/), details: null } });
    expect((await letters()).filter((l) => l.raw_bytes === body.length)).toHaveLength(1);
  });

  it('reports at most 20 errors per event', async () => {
    const junk = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`diagnoses_${i}`, i]));
    const ev = {
      schema: 'ews.encounter.v1',
      event_id: 5,
      hospital_id: [],
      occurred_at: 1,
      commune_code: 2,
      patient_id: {},
      sex: 'x',
      setting: 'y',
      diagnoses: Array.from({ length: 40 }, () => 'bad'),
    };
    const res = await post(JSON.stringify([{ ...ev, ...junk }]));
    const errors = res.json<Answer>().rejected[0]!.errors;
    expect(errors.length).toBe(20);
    expect(errors[19]!.message).toMatch(/more errors not shown/);
    const unknown = errors.find((e) => e.message.startsWith('unknown field'));
    if (unknown) expect(unknown.message).toMatch(/and 490 more$/);
  });
});

describe('event identities', () => {
  it.each([
    ['event_id', { event_id: 'E\u0000X' }],
    ['event_id', { event_id: 'E\u001fX' }],
    ['hospital_id', { hospital_id: 'BV\u007f' }],
    ['hospital_id', { hospital_id: 'BV\u0085' }],
    ['patient_id', { patient_id: 'P\u0000' }],
    ['event_id', { event_id: 'E\ud800' }],
  ])('refuses a control character or unpaired surrogate in %s', async (path, over) => {
    const res = await post(JSON.stringify([encounter({ event_id: uid('cc'), ...over })]));
    const a = res.json<Answer>();
    expect(a.accepted).toBe(0);
    expect(a.rejected[0]!.errors).toContainEqual({ path, message: expect.stringMatching(/control characters/) });
  });

  it('two ids that joined with NUL were one key are both refused, never a duplicate of each other', async () => {
    const first = await post(JSON.stringify([encounter({ hospital_id: 'H\u0000X', event_id: 'E' })]));
    const second = await post(JSON.stringify([encounter({ hospital_id: 'H', event_id: 'X\u0000E' })]));
    expect(first.json<Answer>()).toMatchObject({ accepted: 0, duplicates: 0 });
    expect(second.json<Answer>()).toMatchObject({ accepted: 0, duplicates: 0 });
  });

  it('ids whose concatenations are equal are two events, in the answer and in the count', async () => {
    const day = '2026-11-21';
    // Each hospital sends its own events (one body comes from one authenticated hospital).
    const fromA = await post(
      JSON.stringify([
        encounter({
          hospital_id: 'BV-A',
          event_id: 'B:1',
          occurred_at: `${day}T09:00:00+07:00`,
          commune_code: '09190',
          diagnoses: ['A90'],
        }),
        encounter({ hospital_id: 'BV-A', event_id: 'B\u00001', occurred_at: `${day}T09:00:00+07:00`, commune_code: '09190' }),
      ]),
      'application/json',
      'BV-A',
    );
    const fromAB = await post(
      JSON.stringify([
        encounter({
          hospital_id: 'BV-AB',
          event_id: ':1',
          occurred_at: `${day}T09:00:00+07:00`,
          commune_code: '09190',
          diagnoses: ['A90'],
        }),
      ]),
      'application/json',
      'BV-AB',
    );
    expect(fromA.json<Answer>()).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(fromAB.json<Answer>()).toMatchObject({ accepted: 1, duplicates: 0 });
    await p.settle();
    const counts = await p.app.inject({ headers: adminHeaders, url: `/v1/counts?syndrome=_visits&from=${day}&to=${day}&commune=09190` });
    expect(counts.json<{ rows: { count: number }[] }>().rows[0]!.count).toBe(2);
    // Negative control: an identity formed by concatenation would count them once.
    const rs = await p.store.query({
      query:
        "SELECT uniqExact(concat(hospital_id, event_id)) AS joined, uniqExact(hospital_id, event_id) AS pairs FROM events WHERE commune_code = '09190'",
      format: 'JSONEachRow',
    });
    const [row] = await rs.json<{ joined: string | number; pairs: string | number }>();
    expect([Number(row!.joined), Number(row!.pairs)]).toEqual([1, 2]);
  });

  it('refuses a body that is not UTF-8 (400) and dead-letters the bytes received', async () => {
    const id = uid('utf8');
    const text = JSON.stringify([encounter({ event_id: `${id}-X` })]);
    const bytes = Buffer.from(text, 'utf8');
    // The X becomes 0xFF: decoding would fold it to U+FFFD, so two ids would become one.
    const at = bytes.indexOf(Buffer.from(`${id}-X`)) + id.length + 1;
    bytes[at] = 0xff;
    const res = await post(bytes);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: { code: 'BODY_NOT_UTF8', message: expect.stringMatching(/UTF-8/), details: null } });
    const found = (await letters(id)).filter((l) => l.reason_code === 'BODY_NOT_UTF8');
    expect(found).toHaveLength(1);
    // Bytes that could not be read as events are kept as received, patient_id masked as text.
    const kept = Buffer.from(bytes.toString('latin1').replace('"patient_id":"PATIENT-123"', '"patient_id":"[patient]"'), 'latin1');
    expect(found[0]!.hex).toBe(kept.toString('hex').toUpperCase());
  });
});

describe('dead letters hold the bytes received', () => {
  it('keeps a refused JSON element exactly as sent (1e309 stays 1e309, spacing and key order kept)', async () => {
    const id = uid('raw');
    const element = `{ "temperature_c" : 1e309, "schema":"ews.encounter.v1","event_id":"${id}" }`;
    const res = await post(`[${JSON.stringify(encounter({ event_id: uid('raw-ok') }))},\n  ${element}\n]`);
    expect(res.json<Answer>().accepted).toBe(1);
    const [letter] = await letters(id);
    expect(letter!.hex).toBe(hexOf(element));
  });

  it('keeps a refused NDJSON line exactly as sent', async () => {
    const id = uid('rawnd');
    const line = `{"event_id":"${id}","temperature_c":1.50}`;
    await post(ndjson([encounter({ event_id: uid('nd-ok') })]) + '\n' + line + '\n', 'application/x-ndjson');
    const [letter] = await letters(id);
    expect(letter!.hex).toBe(hexOf(line));
  });

  it('a 415 stores the payload', async () => {
    const id = uid('u415');
    const res = await post(`event_id=${id}`, 'application/x-www-form-urlencoded');
    expect(res.statusCode).toBe(415);
    const [letter] = await letters(id);
    expect(letter).toMatchObject({ reason_code: 'UNSUPPORTED_MEDIA_TYPE', raw_bytes: `event_id=${id}`.length });
    expect(letter!.hex).toBe(hexOf(`event_id=${id}`));
  });

  it('a body without a Content-Type is a 415 with its payload stored', async () => {
    const id = uid('noct');
    const res = await p.app.inject({
      method: 'POST',
      url: '/v1/events',
      payload: `[{"event_id":"${id}"}]`,
      headers: { ...ingestHeaders(p), 'content-type': '' },
    });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', details: null } });
    expect(await letters(id)).toHaveLength(1);
  });
});

describe('a refusal that cannot be recorded', () => {
  it('answers 503 in the error shape when the dead-letter table is gone, and records again once it is back', async () => {
    await p.store.command({ query: 'DETACH TABLE dead_letters' });
    try {
      const res = await post('{not json');
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ error: { code: 'STORE_UNAVAILABLE', message: expect.any(String), details: null } });
    } finally {
      await p.store.command({ query: 'ATTACH TABLE dead_letters' });
    }
    const id = uid('back');
    expect((await post(`{"event_id":"${id}"`)).statusCode).toBe(400);
    expect(await letters(id)).toHaveLength(1);
  });
});
