import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encounter, ingestHeaders, ndjson, type TestPipeline } from '../helpers/pipeline.ts';
import { startMailPipeline, type MailPipeline } from '../helpers/alert-pipeline.ts';
import type { TestSmtpServer } from '../helpers/smtp-server.ts';
import type { LifecycleAlert } from '../../schemas/alert-lifecycle.ts';

// Issue 11: a hospital silent for longer than its usual gap opens ONE data-quality alert in the
// lifecycle (alerts/data-quality-alerts.ts), routed to its province's officers by the existing
// routing (a real SMTP server receives the e-mails), and the system ends it once the hospital
// sends again. Negative control: a hospital of the other province, within its usual gap, raises
// nothing. The clock is the test's; Vietnam time (UTC+07:00).
let now = Date.parse('2026-11-20T08:00:00+07:00');
const at = (vnLocal: string) => (now = Date.parse(`${vnLocal}+07:00`));
let running: MailPipeline | undefined;
let p: TestPipeline;
let smtp: TestSmtpServer;
const headers: Record<string, Record<string, string>> = {};

type Inbox = { alerts: LifecycleAlert[] };
const inbox = async (who: string): Promise<LifecycleAlert[]> => {
  const res = await p.app.inject({ url: '/v1/alert-inbox', headers: headers[who] ?? {} });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Inbox>().alerts.filter((a) => a.family === '_data_quality');
};

async function post(hospital: string, id: string): Promise<void> {
  const res = await p.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { ...ingestHeaders(p, hospital), 'content-type': 'application/x-ndjson' },
    payload: ndjson([encounter({ event_id: id, hospital_id: hospital, occurred_at: new Date(now).toISOString() })]),
  });
  expect(res.statusCode, res.body).toBe(200);
  await p.settle();
}

beforeAll(async () => {
  running = await startMailPipeline({
    now: () => now,
    demoOfficers: true,
    cases: () => [],
    before: async (pl) => {
      for (const [id, provinceCode] of [
        ['BV-BN-DQ', '24'],
        ['BV-HY-DQ', '33'],
      ] as const) {
        pl.keys[id] = (await pl.hospitals.add({ id, name: `Bệnh viện ${id}`, provinceCode })).key;
      }
      await pl.hospitalKeys.refresh();
      for (const [username, role, province] of [
        ['bn.dm', 'data_manager', '24'],
        ['hy.dm', 'data_manager', '33'],
      ] as const) {
        await pl.access.users.add({ username, role, jurisdiction: { level: 'province', province } });
        headers[username] = { authorization: `Bearer ${(await pl.access.users.issueToken(username)).token}` };
      }
    },
  });
  ({ p, smtp } = running);
  // Both send at 08:00; Hưng Yên also at 13:00. With so few active hours the usual gap is the 6-hour floor.
  at('2026-11-20T08:00:00');
  await post('BV-BN-DQ', 'bn-1');
  await post('BV-HY-DQ', 'hy-1');
  at('2026-11-20T13:00:00');
  await post('BV-HY-DQ', 'hy-2');
}, 120_000);
afterAll(() => running?.close());

describe('a silent hospital raises a data-quality alert', () => {
  it('nothing while every hospital is within its usual gap (negative control)', async () => {
    at('2026-11-20T13:30:00');
    expect(await p.silentHospitals.runOnce()).toEqual([]);
    expect(await inbox('bn.dm')).toEqual([]);
    expect(await inbox('hy.dm')).toEqual([]);
  });

  it('Bắc Ninh silent for 7 hours (> 6): one alert in its province inbox, e-mailed to its officers only', async () => {
    at('2026-11-20T15:00:00');
    expect(await p.silentHospitals.runOnce()).toEqual(['BV-BN-DQ']);
    const [alert, ...more] = await inbox('bn.dm');
    expect(more).toEqual([]);
    expect(alert).toMatchObject({
      family: '_data_quality',
      criterion: '_data_quality|province:24|hospital:BV-BN-DQ',
      area: { level: 'province', code: '24', communes: [] },
      status: 'open',
      level: 'yellow',
    });
    expect(alert!.evidence).toEqual([
      expect.objectContaining({ source: 'rule', algorithm: 'silent_hospital', series: '_data_quality', observed: 7, threshold: 6 }),
    ]);
    // Hưng Yên, 2 hours after its last event, raised nothing and sees nothing of Bắc Ninh's.
    expect(await inbox('hy.dm')).toEqual([]);
    await expect.poll(() => smtp.envelopes.flat().length, { timeout: 15_000 }).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 500));
    // The province officer; the head (bn.truong) hears of red alerts only; nobody of Hưng Yên.
    expect(smtp.envelopes.flat().sort()).toEqual(['bn.tinh@example.vn']);
    expect(smtp.received[0]!.text).toContain('Chất lượng dữ liệu');
  });

  it('still silent at the next checks: no second alert, no second e-mail', async () => {
    const mails = smtp.received.length;
    for (const t of ['2026-11-20T15:10:00', '2026-11-20T18:00:00']) {
      at(t);
      expect(await p.silentHospitals.runOnce()).toEqual(['BV-BN-DQ']);
    }
    expect(await inbox('bn.dm')).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.received.length).toBe(mails);
  });

  it('the hospital sends again: the system discards the alert, saying when; it is no longer active', async () => {
    at('2026-11-20T18:05:00');
    await post('BV-BN-DQ', 'bn-2');
    expect(await p.silentHospitals.runOnce()).toEqual([]);
    const [alert] = await inbox('bn.dm');
    expect(alert).toMatchObject({ status: 'discarded' });
    const steps = await p.lifecycle.steps(alert!.id);
    expect(steps).toEqual([expect.objectContaining({ from: 'open', to: 'discarded', actor: 'system' })]);
    expect(steps[0]!.notes).toMatch(/sent data again .* \/ Bệnh viện đã gửi dữ liệu trở lại/);
    // Falling silent again is a new episode: a new alert. Active hours 08:00 and 18:00 make the
    // usual gap 10 hours: not yet silent at 01:00 (7 h), silent at 06:00 (12 h).
    at('2026-11-21T01:00:00');
    expect(await p.silentHospitals.runOnce()).not.toContain('BV-BN-DQ');
    at('2026-11-21T06:00:00');
    expect(await p.silentHospitals.runOnce()).toContain('BV-BN-DQ');
    const after = await inbox('bn.dm');
    expect(after.map((a) => a.status).sort()).toEqual(['discarded', 'open']);
  });
});
