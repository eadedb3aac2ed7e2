import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encounter, lab, ndjson, startTestPipeline, ingestHeaders, adminHeaders } from '../helpers/pipeline.ts';
import { pseudonymised } from '../helpers/privacy.ts';
import { createDeadLetterStore } from '../../storage/dead-letters.ts';
import type { DeadLetterPage } from '../../storage/dead-letter-reads.ts';

type P = Awaited<ReturnType<typeof startTestPipeline>>;
// The answer is the storage module's page, as the route sends it.
type Page = DeadLetterPage;

// Receive times are set by the test: the letters of each step land at a known instant.
let now = Date.parse('2026-11-20T03:00:00Z');
let p: P;
const T = (iso: string) => (now = Date.parse(iso));

const post = (payload: string | Buffer, contentType = 'application/json', hospital = 'BV-A') =>
  p.app.inject({ method: 'POST', url: '/v1/events', headers: { ...ingestHeaders(p, hospital), 'content-type': contentType }, payload });
const get = (query: string) => p.app.inject({ headers: adminHeaders, url: `/v1/dead-letters${query}` });
const page = async (query: string) => {
  const res = await get(query);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Page>();
};

beforeAll(async () => {
  p = await startTestPipeline({ clock: { now: () => now }, hospitals: ['BV-A', 'BV-B'] });
  // 03:00 — BV-A sends NDJSON with two bad events and one unreadable line.
  T('2026-11-20T03:00:00Z');
  const a = ndjson([
    encounter({ event_id: 'a1', hospital_id: 'BV-A' }),
    encounter({ event_id: 'a2', hospital_id: 'BV-A', commune_code: '99999' }),
    encounter({ event_id: 'a3', hospital_id: 'BV-A', sex: 'M' }),
  ]);
  expect((await post(`${a}\n{not json\n`, 'application/x-ndjson')).json()).toMatchObject({ accepted: 1 });
  // 04:00 — BV-B sends a whole batch with the wrong content type: refused whole (415).
  T('2026-11-20T04:00:00Z');
  const batch = JSON.stringify([lab({ event_id: 'b1', hospital_id: 'BV-B' }), lab({ event_id: 'b2', hospital_id: 'BV-B' })], null, 2);
  expect((await post(batch, 'text/plain', 'BV-B')).statusCode).toBe(415);
  // 05:00 — a body that is not UTF-8.
  T('2026-11-20T05:00:00Z');
  expect((await post(Buffer.from([0x5b, 0x22, 0xff, 0xfe, 0x22, 0x5d]))).statusCode).toBe(400);
  // 06:00 — a processor's refusal, through the table's write port (another source).
  T('2026-11-20T06:00:00Z');
  await createDeadLetterStore(p.store).record(
    [{ source: 'ews.encounters.v1/0/42', reason_code: 'RECORD_INVALID', reason: 'not a log record', raw: '{"x":1}' }],
    now,
  );
  // 07:00 — BV-A again: 30 refused events in one body (one receive instant for all).
  T('2026-11-20T07:00:00Z');
  const many = Array.from({ length: 30 }, (_, i) => encounter({ event_id: `m${i}`, hospital_id: 'BV-A', age_years: -1 }));
  expect((await post(JSON.stringify(many))).json()).toMatchObject({ accepted: 0 });
});
afterAll(async () => {
  await p?.cleanup();
});

describe('GET /v1/dead-letters', () => {
  it('answers every dead letter, oldest first, with its reason and the bytes received', async () => {
    const { rows, next } = await page('');
    expect(next).toBeNull();
    expect(rows).toHaveLength(2 + 1 + 1 + 1 + 1 + 30);
    expect(rows.map((r) => r.received_at)).toEqual([...rows.map((r) => r.received_at)].sort());
    const a2 = rows.find((r) => r.event_id === 'a2')!;
    expect(a2).toMatchObject({
      source: 'http:/v1/events',
      reason_code: 'VALIDATION_FAILED',
      hospital_id: 'BV-A',
      received_at: '2026-11-20T03:00:00.000Z',
      raw_encoding: 'utf8',
      raw_truncated: false,
    });
    expect(a2.reason).toMatch(/unknown commune code 99999/);
    expect(a2.details).toEqual([expect.objectContaining({ path: 'commune_code' })]);
    expect(JSON.parse(a2.raw)).toEqual(pseudonymised(encounter({ event_id: 'a2', hospital_id: 'BV-A', commune_code: '99999' })));
    expect(rows.find((r) => r.raw === '{not json')?.reason_code).toBe('BODY_UNPARSEABLE');
  });

  it('answers bytes that are not UTF-8 as base64, byte for byte', async () => {
    const { rows } = await page('?from=2026-11-20T05:00:00Z&to=2026-11-20T05:00:01Z');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.raw_encoding).toBe('base64');
    expect([...Buffer.from(rows[0]!.raw, 'base64')]).toEqual([0x5b, 0x22, 0xff, 0xfe, 0x22, 0x5d]);
    expect(rows[0]!.raw_bytes).toBe(6);
  });

  it.each([
    ['source', '?source=ews.encounters.v1%2F0%2F42', 1],
    ['reason code', '?reason_code=UNSUPPORTED_MEDIA_TYPE', 1],
    ['hospital', '?hospital_id=BV-A', 32],
    ['hospital and code', '?hospital_id=BV-A&reason_code=VALIDATION_FAILED&limit=1000', 32],
    ['time range (from inclusive, to exclusive)', '?from=2026-11-20T04:00:00Z&to=2026-11-20T06:00:00Z', 2],
    ['time range with an offset', '?from=2026-11-20T13:00:00%2B07:00', 31],
    ['nothing', '?hospital_id=BV-NONE', 0],
    ['a leap day and fractional seconds', '?from=2024-02-29T23:59:59.123456789-12:00&to=2026-11-20T03:00:00.001Z', 3],
  ])('filters by %s', async (_name, query, n) => {
    const { rows } = await page(query);
    expect(rows).toHaveLength(n);
    if (query.includes('hospital_id=BV-A')) expect(new Set(rows.map((r) => r.hospital_id))).toEqual(new Set(['BV-A']));
  });

  it('pages by (received_at, id) with a next cursor, also inside one receive instant', async () => {
    const all = (await page('?limit=1000')).rows.map((r) => r.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: Page = await page(`?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.rows.length).toBeLessThanOrEqual(4);
      seen.push(...res.rows.map((r) => r.id));
      cursor = res.next;
      pages++;
    } while (cursor);
    expect(pages).toBe(Math.ceil(all.length / 4));
    expect(seen).toEqual(all);
    expect(new Set(seen).size).toBe(all.length);
    // Rows written after a page was read come on later pages, never shifting earlier ones.
    const first = await page('?limit=30&hospital_id=BV-A');
    T('2026-11-20T08:00:00Z');
    await post(JSON.stringify([encounter({ event_id: 'late', hospital_id: 'BV-A', sex: 'X' })]));
    const rest = await page(`?limit=30&hospital_id=BV-A&cursor=${first.next}`);
    expect(rest.rows).toHaveLength(3);
    expect(rest.rows.at(-1)!.event_id).toBe('late');
    expect(rest.next).toBeNull();
    const ids = [...first.rows, ...rest.rows].map((r) => r.event_id);
    expect(new Set(ids).size).toBe(33);
    expect(ids.sort()).toEqual(['a2', 'a3', 'late', ...Array.from({ length: 30 }, (_, i) => `m${i}`)].sort());
  });

  it('defaults to 100 rows a page', async () => {
    T('2026-11-20T09:00:00Z');
    await post(JSON.stringify(Array.from({ length: 120 }, (_, i) => encounter({ event_id: `d${i}`, setting: 'home' }))));
    const first = await page('');
    expect(first.rows).toHaveLength(100);
    expect(first.next).not.toBeNull();
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['limit=ten', 'limit'],
    ['from=yesterday', 'from'],
    ['to=2026-11-20', 'to'],
    ['from=2026-11-21T00:00:00Z&to=2026-11-20T00:00:00Z', 'to'],
    ['from=2026-02-30T00:00:00Z', 'from'],
    ['from=2025-02-29T00:00:00Z', 'from'],
    ['to=2026-11-20T24:00:00Z', 'to'],
    ['cursor=abc', 'cursor'],
    ['format=xml', 'format'],
    ['hospital=BV-A', 'hospital'],
    ['reason_code=%20', 'reason_code'],
  ])('answers 400 to %s, naming the parameter', async (query, path) => {
    const res = await get(`?${query}`);
    expect(res.statusCode).toBe(400);
    const body = res.json<{ error: { code: string; message: string; details: { path: string; message: string }[] } }>();
    expect(body.error.code).toBe('BAD_QUERY');
    expect(body.error.message).toContain(path);
    expect(body.error.details.map((d) => d.path)).toContain(path);
  });

  it('format=ndjson gives the payloads to replay; POSTed again, the refused batch is accepted', async () => {
    const res = await get('?reason_code=UNSUPPORTED_MEDIA_TYPE&format=ndjson');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = res.body.trimEnd().split('\n');
    // The 415 body was a pretty-printed array: one line per event.
    expect(lines.map((l) => (JSON.parse(l) as { event_id: string }).event_id)).toEqual(['b1', 'b2']);
    const replay = await post(res.body, 'application/x-ndjson', 'BV-B');
    expect(replay.json()).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    // Lines of refused events are their bytes as received, patient_id pseudonymised; base64-only payloads are left out.
    const a = await get('?hospital_id=BV-A&reason_code=VALIDATION_FAILED&limit=2&format=ndjson');
    const lines2 = a.body.trimEnd().split('\n');
    expect(lines2.map((l) => (JSON.parse(l) as { event_id: string }).event_id).sort()).toEqual(['a2', 'a3']);
    expect(lines2).toContain(JSON.stringify(pseudonymised(encounter({ event_id: 'a3', hospital_id: 'BV-A', sex: 'M' }))));
    expect(a.headers['ews-next-cursor']).toMatch(/^\d+_[0-9a-f-]{36}$/);
    const bin = await get('?from=2026-11-20T05:00:00Z&to=2026-11-20T05:00:01Z&format=ndjson');
    expect(bin.body).toBe('');
    expect(bin.headers['ews-skipped']).toBe('1');
  });

  it('every read is in the audit log: who, the filters and how many rows (event-level rows are audited)', async () => {
    const before = await p.access.audit.list({ action: 'dead_letters.read', limit: 500 });
    const res = await get('?reason_code=VALIDATION_FAILED&limit=2');
    expect(res.statusCode).toBe(200);
    const after = await p.access.audit.list({ action: 'dead_letters.read', limit: 500 });
    expect(after.records.length).toBe(before.records.length + 1);
    expect(after.records[0]).toMatchObject({
      actor: 'admin-token',
      via: 'admin_token',
      details: { filters: { reason_code: 'VALIDATION_FAILED' }, format: 'json', rows: res.json<{ rows: unknown[] }>().rows.length },
    });
    // A refused read (no credentials) reads nothing and records nothing.
    expect((await p.app.inject({ url: '/v1/dead-letters' })).statusCode).toBe(401);
    expect((await p.access.audit.list({ action: 'dead_letters.read', limit: 500 })).records.length).toBe(after.records.length);
  });
});
