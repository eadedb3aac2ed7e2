import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, startTestPipeline } from '../helpers/pipeline.ts';
import { createEmbeddedLog } from '../../platform/event-log/embedded.ts';
import { createLogger } from '../../platform/logger.ts';
import { TOPICS } from '../../schemas/topics.ts';

/**
 * Regression of issue 8, "one valid event stops all counting, for good": a log record whose
 * event time is valid RFC 3339 but far from the present (the early 1970s, after 2286) sat in
 * front of every later event, its batch retried every 10 s forever while /healthz said ok.
 * Ingest refuses such times now, so the records are appended to the event log directly, as any
 * producer of the log could; the pipeline then starts on that log.
 */
describe('far-past and far-future event times on the log', () => {
  type P = Awaited<ReturnType<typeof startTestPipeline>>;
  let dir: string;
  let p: P;
  const received = '2026-11-25T04:00:00.000Z';
  const logged = (event_id: string, occurred_at: string) => ({
    key: '09187',
    value: JSON.stringify({
      event: {
        schema: 'ews.encounter.v1',
        event_id,
        hospital_id: 'BV-FAR',
        occurred_at,
        commune_code: '09187',
        patient_key: 'pk',
        sex: 'female',
        age_years: 30,
        setting: 'outpatient',
        diagnoses: ['A90'],
      },
      received_at: received,
    }),
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ews-far-'));
    const log = createEmbeddedLog({ dir: join(dir, 'log'), logger: createLogger({ level: 'silent' }) });
    await log.append(TOPICS.encounters, [
      logged('far-past', '1971-03-01T08:00:00+07:00'),
      logged('far-future', '2290-01-01T00:00:00Z'),
      logged('pre-epoch', '1969-12-31T23:59:59.999Z'),
      ...['n1', 'n2', 'n3'].map((id) => logged(id, '2026-11-24T09:00:00+07:00')),
    ]);
    await log.close();
    p = await startTestPipeline({ dir, clock: { now: () => Date.parse('2026-11-25T12:00:00+07:00') } });
  });
  afterAll(async () => {
    await p?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts the normal events within seconds, dead-letters the far ones with the reason, and stays healthy', async () => {
    const started = Date.now();
    let count = 0;
    while (Date.now() - started < 10_000) {
      const res = await p.app.inject({
        headers: adminHeaders,
        url: '/v1/counts?syndrome=dengue&from=2026-11-24&to=2026-11-24&commune=09187',
      });
      count = res.json<{ rows: { count: number }[] }>().rows[0]?.count ?? 0;
      if (count === 3) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(count).toBe(3);
    expect(Date.now() - started).toBeLessThan(10_000);

    const letters = await (
      await p.store.query({
        query:
          "SELECT source, toString(reason_code) AS code, reason FROM dead_letters WHERE source LIKE 'ews.encounters.v1/%' ORDER BY source",
        format: 'JSONEachRow',
      })
    ).json<{ source: string; code: string; reason: string }>();
    expect(letters.map((l) => l.code)).toEqual(['RECORD_INVALID', 'RECORD_INVALID', 'RECORD_INVALID']);
    expect(letters.map((l) => l.reason).sort()).toEqual([
      expect.stringMatching(/^event\.occurred_at: 1969-12-31T23:59:59\.999Z is more than 3650 days before/),
      expect.stringMatching(/^event\.occurred_at: 1971-03-01T08:00:00\+07:00 is more than 3650 days before/),
      expect.stringMatching(/^event\.occurred_at: 2290-01-01T00:00:00Z is more than 1 day\(s\) after/),
    ]);
    await p.settle();
    expect(p.lag()).toBe(0);

    const health = await p.app.inject({ url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok', checks: { store: true, processor: true } });
    const metrics = (await p.app.inject({ headers: adminHeaders, url: '/metrics' })).body;
    expect(metrics).toMatch(/^ews_processors_lag 0$/m);
    expect(metrics).toMatch(/^ews_processors_stalled_seconds 0$/m);
  });
});
