import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, encounter, ingestHeaders, lab, ndjson, startTestPipeline } from '../helpers/pipeline.ts';
import { Registry } from 'prom-client';
import { createSilentHospitalChecker } from '../../alerts/silent-hospitals.ts';
import { createLogger } from '../../platform/logger.ts';
import { createDataQualityReader } from '../../storage/data-quality.ts';
import { createDeadLetterStore } from '../../storage/dead-letters.ts';
import { isInformative, NON_INFORMATIVE_COMPLAINTS } from '../../schemas/data-quality.ts';
import type { HospitalQuality } from '../../dashboards/data-quality-routes.ts';
import type { Jurisdiction, Role } from '../../schemas/access.ts';

/**
 * GET /v1/data-quality (issue 11) through a real pipeline: hospitals registered with their
 * provinces, real events posted at known receive times (the clock is the test's), invalid
 * ones for dead letters. Vietnam time (UTC+07:00) throughout; "today" is 2026-11-20.
 */

type P = Awaited<ReturnType<typeof startTestPipeline>>;
let p: P;
let now = 0;
const at = (vnLocal: string) => (now = Date.parse(`${vnLocal}+07:00`));

interface Answer {
  days: number;
  province: string | null;
  window: { from: string; to: string };
  baseline: { from: string; to: string };
  silence_rule: { quantile: number; floor_hours: number };
  hospitals: HospitalQuality[];
}

async function addHospital(id: string, provinceCode?: string): Promise<void> {
  const { key } = await p.hospitals.add({ id, name: `Hospital ${id}`, ...(provinceCode ? { provinceCode } : {}) });
  await p.hospitalKeys.refresh();
  p.keys[id] = key;
}

async function post(hospital: string, events: Record<string, unknown>[], extraLines = ''): Promise<void> {
  const body = ndjson(events.map((e) => ({ ...e, hospital_id: hospital, occurred_at: new Date(now).toISOString() }))) + extraLines;
  const res = await p.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { ...ingestHeaders(p, hospital), 'content-type': 'application/x-ndjson' },
    payload: body,
  });
  expect(res.statusCode, res.body).toBe(200);
}

/** Every listed term in a raw spelling (upper case, decomposed, padded, punctuated), and informative complaints. */
const COMPLAINTS = [
  ...NON_INFORMATIVE_COMPLAINTS.map((t, i) => (i % 3 === 0 ? ` ${t.toUpperCase()}. ` : i % 3 === 1 ? t.normalize('NFD') : `${t}!`)),
  'Follow-up',
  'N/A',
  'sốt cao 3 ngày',
  'ho, khó thở',
  'ill with fever',
  'khám vì đau bụng',
  'testicular pain',
  '',
  '   ',
];

const tokens = new Map<string, string>();
async function caller(role: Role, jurisdiction: Jurisdiction, username: string): Promise<void> {
  await p.access.users.add({ username, role, jurisdiction });
  tokens.set(username, (await p.access.users.issueToken(username)).token);
}
const as = (username: string) => ({ authorization: `Bearer ${tokens.get(username)!}` });
const get = (query: string, headers: Record<string, string> = adminHeaders) => p.app.inject({ url: `/v1/data-quality${query}`, headers });
async function answer(query: string, headers?: Record<string, string>): Promise<Answer> {
  const res = await get(query, headers);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Answer>();
}
const byId = (a: Answer) => new Map(a.hospitals.map((h) => [h.hospital_id, h]));

beforeAll(async () => {
  at('2026-11-10T08:00:00');
  p = await startTestPipeline({ clock: { now: () => now }, hospitals: [] });
  await addHospital('BV-BN', '24'); // Bắc Ninh: steady, 2 a day at 08:00
  await addHospital('BV-BN2', '24'); // Bắc Ninh: sent 4 hours on the 19th, then nothing
  await addHospital('BV-HY', '33'); // Hưng Yên
  await addHospital('BV-NONE'); // no province: national only
  await addHospital('BV-REV', '24'); // revoked: not listed
  await addHospital('BV-CLS', '01'); // Hà Nội: the classifier's complaints, one encounter each
  await caller('officer', { level: 'province', province: '24' }, 'officer-24');
  await caller('data_manager', { level: 'province', province: '24' }, 'dm-24');
  await caller('epidemiologist', { level: 'communes', communes: ['09187'] }, 'epi-communes');

  // Baseline (15–17 Nov): BV-BN 2 a day; one refused event on the 16th (outside the window).
  for (const day of ['15', '16', '17']) {
    at(`2026-11-${day}T08:00:00`);
    await post('BV-BN', [encounter({ event_id: `bn-${day}-1` }), encounter({ event_id: `bn-${day}-2` })]);
  }
  at('2026-11-16T09:00:00');
  await post('BV-BN', [encounter({ event_id: 'bn-old-bad', commune_code: '99999' })]);

  // Window (18–20 Nov).
  at('2026-11-18T08:00:00');
  await post('BV-BN', [
    encounter({ event_id: 'bn-18-1' }),
    encounter({ event_id: 'bn-18-2', diagnoses: [], chief_complaint: 'see triage' }),
  ]);
  at('2026-11-19T08:00:00');
  await post(
    'BV-BN',
    [
      encounter({ event_id: 'bn-19-1', diagnoses: [], chief_complaint: 'Tái khám.' }),
      encounter({ event_id: 'bn-19-2', diagnoses: [], chief_complaint: 'sốt cao 3 ngày' }),
      encounter({ event_id: 'bn-19-bad1', commune_code: '99999' }),
      encounter({ event_id: 'bn-19-bad2', commune_code: '99998' }),
    ],
    // An unreadable line names no hospital: ingest stores its letter without one (not counted here).
    '\n{not json\n',
  );
  // A processor's refusal of a BV-BN record (another reason code), through the table's write port.
  at('2026-11-19T09:00:00');
  await createDeadLetterStore(p.store).record(
    [
      {
        source: 'ews.encounters.v1/0/7',
        reason_code: 'RECORD_INVALID',
        reason: 'test',
        hospital_id: 'BV-BN',
        event_id: 'bn-19-x',
        raw: '{}',
      },
    ],
    now,
  );
  for (const h of ['08', '09', '10', '11']) {
    at(`2026-11-19T${h}:30:00`);
    await post('BV-BN2', [encounter({ event_id: `bn2-${h}` })]);
  }
  at('2026-11-20T08:00:00');
  await post('BV-BN', [encounter({ event_id: 'bn-20-1', diagnoses: [], chief_complaint: 'N/A' })]);
  at('2026-11-20T10:00:00');
  // A lab result (not classified) and a resend of an event already stored (counted once).
  await post('BV-BN', [lab({ event_id: 'bn-20-lab' }), encounter({ event_id: 'bn-20-1', diagnoses: [], chief_complaint: 'N/A' })]);
  at('2026-11-20T11:00:00');
  await post('BV-HY', [encounter({ event_id: 'hy-1', commune_code: '11953' })]);
  at('2026-11-20T11:30:00');
  await post(
    'BV-CLS',
    COMPLAINTS.map((chief_complaint, i) => encounter({ event_id: `cls-${i}`, diagnoses: [], chief_complaint })),
  );
  await p.hospitals.revoke('BV-REV');
  await p.settle();
  at('2026-11-20T12:00:00');
});
afterAll(async () => {
  await p?.cleanup();
});

describe('GET /v1/data-quality', () => {
  it('answers every field of a steady hospital (days=3)', async () => {
    const a = await answer('?days=3');
    expect(a).toMatchObject({
      days: 3,
      province: null,
      window: { from: '2026-11-18', to: '2026-11-20' },
      baseline: { from: '2026-11-15', to: '2026-11-17' },
      silence_rule: { quantile: 0.95, floor_hours: 6 },
    });
    expect(byId(a).get('BV-BN')).toEqual({
      hospital_id: 'BV-BN',
      name: 'Hospital BV-BN',
      province_code: '24',
      last_received_at: '2026-11-20T03:00:00.000Z',
      hours_since_last_event: 2,
      // Active hours in the window: 18th 08, 19th 08, 20th 08 and 10 → gaps 24, 24, 2 h → p95 24 h.
      usual_gap_hours: 24,
      silent: false,
      events_per_day: [
        { day: '2026-11-18', events: 2 },
        { day: '2026-11-19', events: 2 },
        { day: '2026-11-20', events: 2 },
      ],
      events_in_window: 6,
      median_per_day: 2,
      usual_per_day: 2,
      volume_ratio: 1,
      // Encounters 18–20: bn-18-1 (A90), bn-18-2 (see triage), bn-19-1 (Tái khám.), bn-19-2 (sốt cao), bn-20-1 (N/A).
      informative: { encounters: 5, informative: 2, share: 0.4 },
      // Two invalid events and a processor's refusal on the 19th; the refusal of the 16th is outside the window.
      rejected: {
        accepted: 6,
        rejected: 3,
        share: 0.3333,
        top_reasons: [
          { reason_code: 'VALIDATION_FAILED', count: 2 },
          { reason_code: 'RECORD_INVALID', count: 1 },
        ],
      },
    });
  });

  it('a hospital that stopped sending is silent; one that never sent is not, and has no shares', async () => {
    const h = byId(await answer('?days=3'));
    expect(h.get('BV-BN2')).toMatchObject({
      last_received_at: '2026-11-19T04:30:00.000Z',
      hours_since_last_event: 24.5,
      usual_gap_hours: 6,
      silent: true,
      events_per_day: [
        { day: '2026-11-18', events: 0 },
        { day: '2026-11-19', events: 4 },
        { day: '2026-11-20', events: 0 },
      ],
      median_per_day: 0,
      usual_per_day: 0,
      volume_ratio: null,
      informative: { encounters: 4, informative: 4, share: 1 },
      rejected: { accepted: 4, rejected: 0, share: 0, top_reasons: [] },
    });
    expect(h.get('BV-NONE')).toMatchObject({
      province_code: null,
      last_received_at: null,
      hours_since_last_event: null,
      silent: false,
      events_in_window: 0,
      informative: { encounters: 0, informative: 0, share: null },
      rejected: { accepted: 0, rejected: 0, share: null, top_reasons: [] },
    });
  });

  it('silent exactly once the time since the last event passes the learned gap (negative control just before)', async () => {
    // 28 days: every active hour of BV-BN (08:00 on 15–20 Nov, 10:00 on the 20th) → gaps 24 h ×5 and 2 h → 24 h.
    at('2026-11-21T09:59:00');
    expect(byId(await answer('')).get('BV-BN')).toMatchObject({ usual_gap_hours: 24, silent: false });
    at('2026-11-21T10:01:00');
    expect(byId(await answer('')).get('BV-BN')).toMatchObject({ usual_gap_hours: 24, silent: true });
    at('2026-11-20T12:00:00');
  });

  it('days defaults to 28 and the usual volume is the median of the 28 days before', async () => {
    const a = await answer('');
    expect(a).toMatchObject({
      days: 28,
      window: { from: '2026-10-24', to: '2026-11-20' },
      baseline: { from: '2026-09-26', to: '2026-10-23' },
    });
    const bn = byId(a).get('BV-BN')!;
    expect(bn.events_per_day).toHaveLength(28);
    expect(bn.events_in_window).toBe(12);
    expect(bn).toMatchObject({ median_per_day: 0, usual_per_day: 0, volume_ratio: null });
    // The refusal of the 16th is inside 28 days.
    expect(bn.rejected).toMatchObject({ accepted: 12, rejected: 4 });
  });

  it('the store classifies complaints as schemas/data-quality.ts does (its SQL normalisation agrees)', async () => {
    const cls = byId(await answer('?days=3')).get('BV-CLS')!;
    const want = COMPLAINTS.filter((chief_complaint) => isInformative({ diagnoses: [], chief_complaint })).length;
    // Negative control: the table is not trivially all one class.
    expect(want).toBe(5);
    expect(cls.informative).toEqual({ encounters: COMPLAINTS.length, informative: want, share: expect.any(Number) });
  });

  it('lists the registered, unrevoked hospitals of the jurisdiction only', async () => {
    const ids = async (q: string, h?: Record<string, string>) => (await answer(q, h)).hospitals.map((x) => x.hospital_id);
    expect(await ids('')).toEqual(['BV-BN', 'BV-BN2', 'BV-CLS', 'BV-HY', 'BV-NONE']);
    expect(await ids('?province=24')).toEqual(['BV-BN', 'BV-BN2']);
    expect(await ids('?province=33')).toEqual(['BV-HY']);
    expect(await ids('', as('officer-24'))).toEqual(['BV-BN', 'BV-BN2']);
    expect(await ids('?province=24', as('dm-24'))).toEqual(['BV-BN', 'BV-BN2']);
    // A commune-level jurisdiction covers no hospital's province.
    expect(await ids('', as('epi-communes'))).toEqual([]);
  });

  it('403 for a province outside the jurisdiction, in both languages', async () => {
    for (const [q, who] of [
      ['?province=33', 'officer-24'],
      ['?province=24', 'epi-communes'],
    ] as const) {
      const res = await get(q, as(who));
      expect(res.statusCode, `${who} ${q}`).toBe(403);
      expect(res.json()).toMatchObject({
        error: { code: 'FORBIDDEN', message: expect.stringMatching(/outside your jurisdiction \/ .*nằm ngoài/) },
      });
    }
    expect((await get('?province=24', as('officer-24'))).statusCode).toBe(200);
  });

  it('400 naming the bad parameter, in both languages', async () => {
    for (const [q, name] of [
      ['?days=0', 'days'],
      ['?days=abc', 'days'],
      ['?days=367', 'days'],
      ['?province=2', 'province'],
      ['?province=xx', 'province'],
      ['?dayz=3', 'dayz'],
    ] as const) {
      const res = await get(q);
      expect(res.statusCode, q).toBe(400);
      const body = res.json<{ error: { code: string; message: string; details: { path: string }[] } }>();
      expect(body.error.code).toBe('BAD_QUERY');
      expect(
        body.error.details.map((d) => d.path),
        q,
      ).toEqual([name]);
      expect(body.error.message, q).toMatch(new RegExp(`^${name}: .* / `));
    }
    expect((await get('?days=366&province=24')).statusCode).toBe(200);
  });

  it('401 without credentials', async () => {
    expect((await p.app.inject({ url: '/v1/data-quality' })).statusCode).toBe(401);
  });
});

describe('the silent-hospital check', () => {
  it('sets ews_hospital_silent{hospital} for every unrevoked hospital and warns once when one falls silent', async () => {
    // The pipeline runs its own checker (every 10 minutes) on its registry.
    expect(p.metrics.getSingleMetric('ews_hospital_silent')).toBeDefined();
    const lines: { level: number; hospital_id?: string; msg: string }[] = [];
    const log = createLogger({
      level: 'info',
      destination: { write: (l: string) => void lines.push(JSON.parse(l) as (typeof lines)[number]) },
    });
    const metrics = new Registry();
    const checker = createSilentHospitalChecker({
      reader: createDataQualityReader(p.store),
      hospitals: () => p.hospitals.list(),
      clock: { now: () => now },
      metrics,
      log,
    });
    at('2026-11-20T12:00:00');
    expect(await checker.runOnce()).toEqual(['BV-BN2']);
    const gauge = async (): Promise<Record<string, number>> =>
      Object.fromEntries((await metrics.getSingleMetric('ews_hospital_silent')!.get()).values.map((v) => [v.labels['hospital'], v.value]));
    expect(await gauge()).toEqual({ 'BV-BN': 0, 'BV-BN2': 1, 'BV-CLS': 0, 'BV-HY': 0, 'BV-NONE': 0 });
    const warnings = () => lines.filter((l) => l.level === 40);
    expect(warnings()).toEqual([
      expect.objectContaining({ hospital_id: 'BV-BN2', msg: expect.stringMatching(/fell silent \/ .*ngừng gửi/) }),
    ]);
    // Negative control: still silent on the next run, no second warning.
    expect(await checker.runOnce()).toEqual(['BV-BN2']);
    expect(warnings()).toHaveLength(1);
    // BV-BN2 is heard again: the gauge drops to 0 and an info line says so.
    at('2026-11-20T12:05:00');
    await post('BV-BN2', [encounter({ event_id: 'bn2-back' })]);
    await p.settle();
    expect(await checker.runOnce()).toEqual([]);
    expect((await gauge())['BV-BN2']).toBe(0);
    expect(lines.some((l) => l.level === 30 && l.hospital_id === 'BV-BN2' && /heard again/.test(l.msg))).toBe(true);
  });
});
