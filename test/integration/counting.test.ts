import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encounter, lab, startTestPipeline, ingestHeaders, adminHeaders } from '../helpers/pipeline.ts';
import { TOPICS } from '../../schemas/topics.ts';

type P = Awaited<ReturnType<typeof startTestPipeline>>;
const clock = { now: () => Date.parse('2026-11-25T12:00:00+07:00') };
let p: P;

const post = (events: unknown[]) =>
  p.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { ...ingestHeaders(p), 'content-type': 'application/json' },
    payload: JSON.stringify(events),
  });

async function counts(syndrome: string, commune = '09187', from = '2026-11-18', to = '2026-11-25') {
  const res = await p.app.inject({
    headers: adminHeaders,
    url: `/v1/counts?syndrome=${syndrome}&from=${from}&to=${to}&commune=${commune}`,
  });
  expect(res.statusCode).toBe(200);
  return Object.fromEntries(res.json<{ rows: { date: string; count: number }[] }>().rows.map((r) => [r.date, r.count]));
}

beforeAll(async () => {
  p = await startTestPipeline({ clock });
});
afterAll(async () => {
  await p?.cleanup();
});

describe('counting per commune, syndrome and local day', () => {
  it('counts by event time in Asia/Ho_Chi_Minh, once per event, into every matching syndrome', async () => {
    await post([
      encounter({ event_id: 'c1', occurred_at: '2026-11-24T08:00:00+07:00', diagnoses: ['A90'] }),
      // 23:30 UTC on the 23rd is 06:30 on the 24th in Hanoi.
      encounter({ event_id: 'c2', occurred_at: '2026-11-23T23:30:00Z', diagnoses: ['A91', 'R50.9'] }),
      encounter({ event_id: 'c3', occurred_at: '2026-11-24T23:59:00+07:00', diagnoses: [], chief_complaint: 'sốt xuất huyết' }),
      encounter({ event_id: 'c4', occurred_at: '2026-11-24T10:00:00+07:00', diagnoses: [], chief_complaint: 'không sốt, đau lưng' }),
      lab({ event_id: 'l1', occurred_at: '2026-11-24T09:00:00+07:00' }),
      lab({ event_id: 'l2', occurred_at: '2026-11-24T09:00:00+07:00', result: 'negative' }),
    ]);
    await p.settle();
    expect((await counts('dengue'))['2026-11-24']).toBe(3);
    expect((await counts('lab_dengue'))['2026-11-24']).toBe(1);
    expect((await counts('_visits'))['2026-11-24']).toBe(4);
    expect((await counts('_tests'))['2026-11-24']).toBe(2);
    const fever = await counts('fever_unspecified');
    // c2's R50.9 is coded fever and counts beside dengue; c4's "không sốt" is negated.
    expect(fever['2026-11-24']).toBe(1);
  });

  it('zero-fills the range', async () => {
    const c = await counts('dengue');
    expect(Object.keys(c)).toHaveLength(8);
    expect(c['2026-11-18']).toBe(0);
    const all = await p.app.inject({ headers: adminHeaders, url: '/v1/counts?syndrome=dengue&from=2026-11-24&to=2026-11-25' });
    const rows = all.json<{ rows: unknown[] }>().rows;
    expect(rows).toHaveLength(203 * 2);
    expect(rows[0]).toEqual({ commune_code: expect.any(String), date: '2026-11-24', syndrome: 'dengue', count: expect.any(Number) });
  });

  it('a resent event counts once, also when it differs only in transport (NDJSON vs JSON)', async () => {
    await post([encounter({ event_id: 'c1', occurred_at: '2026-11-24T08:00:00+07:00', diagnoses: ['A90'] })]);
    await p.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...ingestHeaders(p), 'content-type': 'application/x-ndjson' },
      payload: JSON.stringify(encounter({ event_id: 'c2', occurred_at: '2026-11-23T23:30:00Z', diagnoses: ['A91', 'R50.9'] })),
    });
    await p.settle();
    expect((await counts('dengue'))['2026-11-24']).toBe(3);
  });

  it('a late event updates its own day, not the day it arrived', async () => {
    await post([encounter({ event_id: 'late1', occurred_at: '2026-11-19T15:00:00+07:00', diagnoses: ['A09'] })]);
    await p.settle();
    const c = await counts('acute_diarrhoea');
    expect(c['2026-11-19']).toBe(1);
    expect(c['2026-11-25']).toBe(0);
  });

  it('rejects bad query parameters with the field named', async () => {
    const bad = await p.app.inject({ headers: adminHeaders, url: '/v1/counts?syndrome=scurvy&from=2026-11-01&to=2026-13-01' });
    expect(bad.statusCode).toBe(400);
    const body = bad.json<{ error: { code: string; details: { path: string }[] } }>();
    expect(body.error.code).toBe('BAD_QUERY');
    expect(body.error.details.map((d) => d.path).sort()).toEqual(['syndrome', 'to']);
  });
});

describe('exactly-once effect across a crash and replay', () => {
  it('replaying the whole log (offset lost after the write) changes no count', async () => {
    const before = await counts('dengue');
    const rawBefore = await rawRows();
    // A crash between the ClickHouse write and the offset commit: the committed offset is
    // older than the data written, so everything is consumed again on restart.
    await p.close();
    for (const topic of [TOPICS.encounters, TOPICS.labs]) writeFileSync(join(p.dir, 'log', `${topic}.ews-processors.offset`), '0');
    p = await startTestPipeline({ clock, dir: p.dir });
    await p.settle();
    // Negative control: the replay really wrote every event a second time…
    expect(await rawRows()).toBe(rawBefore * 2);
    // …and still no count moved.
    expect(await counts('dengue')).toEqual(before);
    // The restarted ingest still knows the stored events: a resend is a duplicate.
    const res = await post([encounter({ event_id: 'c1', occurred_at: '2026-11-24T08:00:00+07:00', diagnoses: ['A90'] })]);
    expect(res.json()).toMatchObject({ accepted: 0, duplicates: 1 });
  });
});

/** Physical rows in `events` before merges, to prove a replay happened. */
async function rawRows(): Promise<number> {
  const rs = await p.store.query({
    query: 'SELECT count() AS n FROM events SETTINGS do_not_merge_across_partitions_select_final = 0',
    format: 'JSONEachRow',
  });
  return Number((await rs.json<{ n: string }>())[0]!.n);
}
