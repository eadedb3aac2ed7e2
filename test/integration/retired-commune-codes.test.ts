import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, encounter, ingestHeaders, postAndSettle, startTestPipeline, type TestPipeline } from '../helpers/pipeline.ts';

// Issue 12: an event coded with a pre-2025 commune code (Decision 124/2004) is counted under the
// post-2025 commune it was merged into (Decision 19/2025), through the real pipeline (chDB), so
// a backfilled history keeps one continuous series. The mapping below is a test mapping in the
// format of schemas/units/example-code-map.csv (09188, 09189 → 09187), not the official table.
const NOW = Date.parse('2026-11-25T12:00:00+07:00');
const OLD_DAYS = ['2025-06-02', '2025-06-03', '2025-06-04']; // before the reform: old codes
const NEW_DAYS = ['2025-07-02', '2025-07-03']; // after it: the new code

const count = async (p: TestPipeline, commune: string, from: string, to: string) => {
  const res = await p.app.inject({ headers: adminHeaders, url: `/v1/counts?syndrome=dengue&from=${from}&to=${to}&commune=${commune}` });
  return { status: res.statusCode, rows: res.statusCode === 200 ? res.json<{ rows: { date: string; count: number }[] }>().rows : [] };
};

const history = () => [
  ...OLD_DAYS.flatMap((d, i) => [
    encounter({ event_id: `old-a-${i}`, occurred_at: `${d}T09:00:00+07:00`, commune_code: '09188', diagnoses: ['A90'] }),
    encounter({ event_id: `old-b-${i}`, occurred_at: `${d}T10:00:00+07:00`, commune_code: '09189', diagnoses: ['A90'] }),
  ]),
  ...NEW_DAYS.flatMap((d, i) => [
    encounter({ event_id: `new-${i}`, occurred_at: `${d}T09:00:00+07:00`, commune_code: '09187', diagnoses: ['A90'] }),
  ]),
];

describe('retired commune codes: counted under the new commune, through the real pipeline', () => {
  let dir: string;
  let mapped: TestPipeline;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ews-codemap-'));
    const map = join(dir, 'code-map.csv');
    writeFileSync(map, 'old_code,new_code,share,note\n09188,09187,,test\n09189,09187,,test\n');
    mapped = await startTestPipeline({ clock: { now: () => NOW }, env: { EWS_UNITS_MAP_CSV: map } });
    await postAndSettle(mapped, history());
  });
  afterAll(async () => {
    await mapped?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('old-coded events land on the new commune, day by day: the series spans the change without a gap', async () => {
    const { status, rows } = await count(mapped, '09187', '2025-06-01', '2025-07-03');
    expect(status).toBe(200);
    const byDay = new Map(rows.map((r) => [r.date, r.count]));
    for (const d of OLD_DAYS) expect(byDay.get(d), d).toBe(2);
    for (const d of NEW_DAYS) expect(byDay.get(d), d).toBe(1);
    expect(rows.reduce((n, r) => n + r.count, 0)).toBe(OLD_DAYS.length * 2 + NEW_DAYS.length);
  });

  it('the retired codes are not communes of their own: reading them is refused, and the accepted count is on the metric', async () => {
    expect((await count(mapped, '09188', '2025-06-01', '2025-07-03')).status).toBe(400);
    const metrics = await mapped.app.inject({ url: '/metrics', headers: adminHeaders });
    expect(metrics.body).toMatch(/^ews_ingest_retired_commune_codes_total 6$/m);
  });

  it('a resend of an old-coded event counts once', async () => {
    await postAndSettle(mapped, history().slice(0, 2));
    const { rows } = await count(mapped, '09187', OLD_DAYS[0]!, OLD_DAYS[0]!);
    expect(rows[0]?.count).toBe(2);
  });
});

// chDB binds one data directory per process: the control pipeline starts after the first one closed.
describe('retired commune codes without a mapping', () => {
  it('negative control: without the mapping the same old-coded events are refused, naming commune_code', async () => {
    const plain = await startTestPipeline({ clock: { now: () => NOW } });
    try {
      const res = await plain.app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { 'content-type': 'application/json', ...ingestHeaders(plain, 'BV-TEST') },
        payload: JSON.stringify(history().slice(0, 2)),
      });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json<{ accepted: number; rejected: { errors: { path: string }[] }[] }>();
      expect(body.accepted).toBe(0);
      expect(body.rejected.map((r) => r.errors[0]?.path)).toEqual(['commune_code', 'commune_code']);
    } finally {
      await plain.cleanup();
    }
  });
});
