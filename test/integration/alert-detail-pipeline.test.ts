import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role, Jurisdiction } from '../../schemas/access.ts';
import type { LifecycleAlert } from '../../schemas/alert-lifecycle.ts';
import { createOutboxStore } from '../../storage/outbox.ts';
import { postAndSettle, type TestPipeline } from '../helpers/pipeline.ts';
import { dengue as dengueOn, startMailPipeline, type MailPipeline } from '../helpers/alert-pipeline.ts';
import type { TestSmtpServer } from '../helpers/smtp-server.ts';

// The officer's alert page through the whole pipeline (issue 10): a dengue spike in Bắc Ninh
// opens an alert; its detail carries 8 weeks of the commune's daily counts with the
// detector's figures, and — for a role with read:line_list, audited — the pseudonymised
// events behind it. An officer of another province is refused; a data manager (no
// read:line_list) gets the series without the line list. Declaring the outbreak over sends
// exactly one end-of-outbreak e-mail to each recipient of the alert, in the step's transaction.
let now = Date.parse('2026-11-20T12:00:00+07:00');
let running: MailPipeline | undefined;
let p: TestPipeline;
let smtp: TestSmtpServer;
let alert: LifecycleAlert;
const tokens: Record<string, string> = {};

const PEOPLE: { username: string; role: Role; jurisdiction: Jurisdiction }[] = [
  { username: 'bn.officer', role: 'officer', jurisdiction: { level: 'province', province: '24' } },
  { username: 'hy.officer', role: 'officer', jurisdiction: { level: 'province', province: '33' } },
  { username: 'bn.data', role: 'data_manager', jurisdiction: { level: 'province', province: '24' } },
  { username: 'epi', role: 'epidemiologist', jurisdiction: { level: 'national' } },
];
const SPIKE = 9;

const dengue = (date: string, n: number) => dengueOn(date, n, (i) => ({ patient_id: `PT-RAW-${date}-${i}` }));

beforeAll(async () => {
  running = await startMailPipeline({
    now: () => now,
    demoOfficers: true,
    cases: dengue,
    before: async (pipeline) => {
      for (const u of PEOPLE) {
        await pipeline.access.users.add(u);
        tokens[u.username] = (await pipeline.access.users.issueToken(u.username)).token;
      }
    },
  });
  ({ p, smtp } = running);
  await postAndSettle(p, dengue('2026-11-20', SPIKE));
  for (let waited = 0; smtp.received.length < 2 && waited < 15_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
  [alert] = (await p.lifecycle.list({ jurisdiction: { level: 'national' }, limit: 10 })).alerts as [LifecycleAlert];
}, 120_000);
afterAll(() => running?.close());

const as = (who: string) => ({ authorization: `Bearer ${tokens[who]}` });
const detail = (who: string) => p.app.inject({ method: 'GET', url: `/v1/alerts/${alert.id}`, headers: as(who) });
const act = (who: string, payload: Record<string, unknown>) => {
  now += 60_000;
  return p.app.inject({ method: 'POST', url: `/v1/alerts/${alert.id}/actions`, headers: as(who), payload });
};
const lineListReads = async () => (await p.access.audit.list({ action: 'line_list.read', limit: 100 })).records;

interface Detail {
  alert: LifecycleAlert;
  series: {
    syndrome: string;
    area: LifecycleAlert['area'];
    days: string[];
    observed: number[];
    expected: (number | null)[];
    upperbound: (number | null)[];
  };
  line_list: { rows: Record<string, unknown>[]; truncated: boolean; limit: number } | null;
  line_list_withheld: { permission: string; message: string } | null;
}

describe('the alert detail', () => {
  it('an officer of the province: 8 weeks of daily counts with the figures of the evidence, and the audited line list', async () => {
    expect(alert).toMatchObject({ family: 'dengue', area: { level: 'commune', code: '09187' }, last_day: '2026-11-20' });
    const before = (await lineListReads()).length;
    const res = await detail('bn.officer');
    expect(res.statusCode).toBe(200);
    const body = res.json<Detail>();
    const s = body.series;
    expect(s.syndrome).toBe('dengue');
    expect(s.area).toEqual({ level: 'commune', code: '09187', communes: ['09187'] });
    expect(s.days).toHaveLength(56);
    expect([s.days[0], s.days.at(-1)]).toEqual(['2026-09-26', '2026-11-20']);
    expect([s.observed.length, s.expected.length, s.upperbound.length]).toEqual([56, 56, 56]);
    // The quiet days (0, 1, 0, 1…), then the spike.
    expect(s.observed.slice(-13)).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, SPIKE]);
    const evidence = alert.evidence.find((e) => e.day === '2026-11-20' && e.series === 'dengue' && e.granularity === 'day')!;
    expect(s.expected.at(-1)).toBe(evidence.expected);
    expect(s.upperbound.at(-1)).toBe(evidence.threshold);
    expect(s.upperbound.at(-1)).not.toBeNull();
    // The line list: the spike's events, pseudonymised.
    expect(body.line_list_withheld).toBeNull();
    const list = body.line_list!;
    expect(list).toMatchObject({ truncated: false, limit: 500 });
    expect(list.rows).toHaveLength(SPIKE);
    for (const r of list.rows) {
      expect(r).toMatchObject({ day: '2026-11-20', commune_code: '09187', hospital_id: 'BV-TEST' });
      expect(r['patient_key']).toMatch(/^k\d+:[0-9a-f]{32}$/);
      expect(r['syndromes']).toContain('dengue');
      expect(Object.keys(r)).not.toContain('event_id');
      expect(Object.keys(r)).not.toContain('patient_id');
    }
    expect(new Set(list.rows.map((r) => r['patient_key'])).size).toBe(SPIKE);
    // No raw identifier anywhere in the answer (negative control: the events did carry them).
    expect(res.body).not.toMatch(/PT-RAW-/);
    expect(res.body).not.toMatch(/d-2026-11-20-/);
    const reads = await lineListReads();
    expect(reads.length).toBe(before + 1);
    expect(reads[0]).toMatchObject({
      actor: 'bn.officer',
      actorRole: 'officer',
      target: alert.id,
      details: { rows: SPIKE, truncated: false },
    });
  });

  it('an epidemiologist (read:line_list) gets the line list too; a data manager (no read:line_list) only the series, not audited', async () => {
    const epi = (await detail('epi')).json<Detail>();
    expect(epi.line_list?.rows).toHaveLength(SPIKE);
    const before = (await lineListReads()).length;
    const res = await detail('bn.data');
    expect(res.statusCode).toBe(200);
    const body = res.json<Detail>();
    expect(body.series.observed.at(-1)).toBe(SPIKE);
    expect(body.line_list).toBeNull();
    expect(body.line_list_withheld).toMatchObject({ permission: 'read:line_list' });
    expect(body.line_list_withheld!.message).toMatch(/data_manager.*\/.*danh sách ca bệnh/);
    expect(res.body).not.toMatch(/patient_key/);
    expect((await lineListReads()).length).toBe(before);
  });

  it('an officer of another province: 403, in English and Vietnamese, and no line-list read recorded', async () => {
    const before = (await lineListReads()).length;
    const res = await detail('hy.officer');
    expect(res.statusCode).toBe(403);
    expect(res.json<{ error: { code: string; message: string } }>().error).toMatchObject({ code: 'FORBIDDEN' });
    expect(res.json<{ error: { message: string } }>().error.message).toMatch(/outside your jurisdiction \/ .*ngoài địa bàn/);
    expect(res.body).not.toMatch(/patient_key|observed/);
    expect((await lineListReads()).length).toBe(before);
  });
});

describe('the end of the outbreak, declared and notified', () => {
  it('closing sends nothing; declaring the end sends one e-mail to each recipient of the alert; again is refused and sends nothing', async () => {
    await new Promise((r) => setTimeout(r, 500));
    const opened = smtp.received.length;
    const openedTo = smtp.envelopes.flat().sort();
    expect(openedTo).toEqual(['bn.tinh@example.vn', 'bn.truong@example.vn']);
    expect((await act('bn.officer', { type: 'verify' })).statusCode).toBe(200);
    expect((await act('bn.officer', { type: 'close', outcome: 'outbreak_confirmed_ended', notes: 'đã khống chế' })).statusCode).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.received.length).toBe(opened);

    const res = await act('bn.officer', { type: 'declare_outbreak_end', notes: 'Không ghi nhận ca mới sau 2 thời kỳ ủ bệnh' });
    expect(res.statusCode).toBe(200);
    const declared = res.json<{ alert: LifecycleAlert }>().alert;
    expect(declared.outbreak_end).toMatchObject({ actor: 'bn.officer' });
    await expect.poll(() => smtp.received.length, { timeout: 15_000 }).toBe(opened + 2);
    await new Promise((r) => setTimeout(r, 1000));
    const mails = smtp.received.slice(opened);
    expect(mails).toHaveLength(2);
    expect(smtp.envelopes.slice(opened).flat().sort()).toEqual(openedTo);
    for (const m of mails) {
      expect(m.subject).toMatch(/^\[(Đã công bố kết thúc dịch|Outbreak declared over)\]/);
      expect(m.text).toMatch(/(Người công bố|Declared by): bn\.officer/);
      expect(m.text).toMatch(/(Ghi chú|Note): Không ghi nhận ca mới sau 2 thời kỳ ủ bệnh/);
      expect(m.text).toContain(`https://ews.bacninh.example.vn/alerts/${alert.id}`);
    }
    // The outbox rows: one per recipient, keyed by the declaring version.
    const rows = (await createOutboxStore(p.operational).list(alert.id)).filter((n) => n.event === 'outbreak_ended');
    expect(rows.map((n) => [n.recipient, n.alertVersion, n.status]).sort()).toEqual([
      ['bn.tinh', declared.version, 'delivered'],
      ['bn.truong', declared.version, 'delivered'],
    ]);

    const again = await act('bn.officer', { type: 'declare_outbreak_end' });
    expect(again.statusCode).toBe(409);
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.received.length).toBe(opened + 2);
  });
});
