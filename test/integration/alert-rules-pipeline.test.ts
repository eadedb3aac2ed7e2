import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../cli/config.ts';
import { DEFAULT_RULES_FILE } from '../../alerts/rule-file.ts';
import { parseDay } from '../../platform/days.ts';
import { encounter, lab, postAndSettle, startTestPipeline } from '../helpers/pipeline.ts';

// The rules of the rules file run in the pipeline (issue 10): on the detectors' triggers, their
// hits stored as signals and grouped into lifecycle alerts, whatever EWS_ALERT_MIN_COUNT says
// about statistical noise. Shipped defaults (alerts/rules.default.yaml); the statistical
// detectors stay quiet on these single cases because of that floor (5).
type P = Awaited<ReturnType<typeof startTestPipeline>>;
const now = Date.parse('2026-11-20T12:00:00+07:00');
let p: P;
let officer: Record<string, string>;

type Inbox = {
  alerts: {
    id: string;
    family: string;
    level: string;
    area: { code: string };
    evidence: { algorithm: string; series: string; day: string; source: string }[];
  }[];
};
const inbox = async (): Promise<Inbox['alerts']> => {
  const res = await p.app.inject({ url: '/v1/alert-inbox?status=open', headers: officer });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Inbox>().alerts;
};
const ruleSignals = async (algorithm: string) => {
  const rs = await p.store.query({
    query: 'SELECT syndrome, commune_code, toString(day) AS day FROM signals FINAL WHERE algorithm = {a:String} ORDER BY day',
    query_params: { a: algorithm },
    format: 'JSONEachRow',
  });
  return rs.json<{ syndrome: string; commune_code: string; day: string }>();
};
const measlesTest = (id: string, day: string, commune: string) =>
  lab({ event_id: id, occurred_at: `${day}T10:00:00+07:00`, commune_code: commune, test_code: '21503-8', result: 'positive' });

beforeAll(async () => {
  p = await startTestPipeline({ clock: { now: () => now } });
  await p.access.users.add({ username: 'bn.officer', role: 'officer', jurisdiction: { level: 'province', province: '24' } });
  officer = { authorization: `Bearer ${(await p.access.users.issueToken('bn.officer')).token}` };
}, 120_000);
afterAll(async () => {
  await p?.cleanup();
});

describe('rules in the pipeline', () => {
  it('a non-group-A encounter raises nothing (negative control)', async () => {
    // A09: acute diarrhoea, not cholera; one case, under EWS_ALERT_MIN_COUNT.
    await postAndSettle(p, [encounter({ event_id: 'dia-1', commune_code: '07627', diagnoses: ['A09'] })]);
    expect(await inbox()).toEqual([]);
    expect(await ruleSignals('rule:group-a-case')).toEqual([]);
  });

  it('one cholera encounter is one red alert at once, its evidence rule:group-a-case', async () => {
    await postAndSettle(p, [encounter({ event_id: 'chol-1', commune_code: '07615', diagnoses: ['A00.1'] })]);
    const alerts = await inbox();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ level: 'red', area: { code: '07615' } });
    expect(alerts[0]!.evidence).toEqual([
      expect.objectContaining({ algorithm: 'rule:group-a-case', series: 'cholera', day: '2026-11-20', source: 'rule' }),
    ]);
    // Stored like the detectors' signals.
    expect(await ruleSignals('rule:group-a-case')).toEqual([{ syndrome: 'cholera', commune_code: '07615', day: '2026-11-20' }]);
  });

  it('a positive V. cholerae PCR (LOINC 97314-9, series lab_cholera) alerts at once; a negative one (control) does not', async () => {
    const pcr = (id: string, result: string) =>
      lab({ event_id: id, occurred_at: '2026-11-20T11:00:00+07:00', commune_code: '07642', test_code: '97314-9', result });
    await postAndSettle(p, [pcr('vc-neg', 'negative')]);
    expect((await inbox()).filter((a) => a.area.code === '07642')).toEqual([]);
    await postAndSettle(p, [pcr('vc-pos', 'positive')]);
    const alerts = (await inbox()).filter((a) => a.area.code === '07642');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ level: 'red', family: 'cholera' });
    expect(alerts[0]!.evidence).toEqual([
      expect.objectContaining({ algorithm: 'rule:group-a-case', series: 'lab_cholera', day: '2026-11-20' }),
    ]);
  });

  it('measles: two positive IgM tests in 30 days raise nothing, a third (late, on an earlier day) alerts', async () => {
    const before = (await inbox()).length;
    await postAndSettle(p, [measlesTest('m-1', '2026-11-18', '07616'), measlesTest('m-2', '2026-11-20', '07616')]);
    expect(await inbox()).toHaveLength(before); // threshold − 1: nothing
    expect(await ruleSignals('rule:measles-confirmed-cluster')).toEqual([]);
    // The third arrives late, dated before the other two: the days whose 30-day window now
    // holds three are evaluated again (20 Nov holds 15, 18, 20; 18 Nov only two).
    await postAndSettle(p, [measlesTest('m-3', '2026-11-15', '07616')]);
    const measles = (await inbox()).filter((a) => a.family !== 'cholera');
    expect(measles).toHaveLength(1);
    expect(measles[0]).toMatchObject({ level: 'red', area: { code: '07616' } });
    expect(measles[0]!.evidence).toEqual([
      expect.objectContaining({ algorithm: 'rule:measles-confirmed-cluster', series: 'lab_measles', day: '2026-11-20' }),
    ]);
    expect(await ruleSignals('rule:measles-confirmed-cluster')).toEqual([
      { syndrome: 'lab_measles', commune_code: '07616', day: '2026-11-20' },
    ]);
  });
});

describe('rules on the daily run', () => {
  it('a case older than the horizon waits for the daily run of its day, which alerts', async () => {
    // 10 Nov is 10 days before "today" (EWS_DETECT_HORIZON_DAYS 7): the counts-changed run leaves it.
    await postAndSettle(p, [
      encounter({ event_id: 'chol-old', commune_code: '07672', occurred_at: '2026-11-10T08:00:00+07:00', diagnoses: ['A00'] }),
    ]);
    expect((await inbox()).filter((a) => a.area.code === '07672')).toEqual([]);
    expect(await p.detect.runDay(parseDay('2026-11-10'))).toBeGreaterThanOrEqual(1);
    const alerts = (await inbox()).filter((a) => a.area.code === '07672');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ level: 'red', family: 'cholera' });
    expect(alerts[0]!.evidence).toEqual([expect.objectContaining({ algorithm: 'rule:group-a-case', day: '2026-11-10' })]);
  });
});

describe('EWS_RULES_FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ews-rules-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('a bad rules file refuses start-up, naming the entry', async () => {
    const bad = file(
      'bad.yaml',
      'rules:\n  - { id: ok, kind: immediate, level: red, syndromes: [cholera] }\n  - { id: few, kind: count, level: red, syndrome: dengue, area: commune, threshold: 0, days: 7 }\n',
    );
    const dataDir = join(dir, 'data');
    await expect(startTestPipeline({ dir: dataDir, env: { EWS_RULES_FILE: bad } })).rejects.toThrow(
      /EWS_RULES_FILE: .*rules\[1\]\.threshold: must be ≥ 1/,
    );
    await expect(startTestPipeline({ dir: dataDir, env: { EWS_RULES_FILE: join(dir, 'missing.yaml') } })).rejects.toThrow(
      /EWS_RULES_FILE: .*no such file/,
    );
  });

  it('a good one is compiled into the configuration (control)', () => {
    const good = file(
      'good.yaml',
      'rules:\n  - { id: dengue-count, kind: count, level: yellow, syndrome: dengue, area: commune, threshold: 4, days: 7 }\n',
    );
    expect(readConfig({ EWS_RULES_FILE: good }).alertRules).toEqual([expect.objectContaining({ id: 'dengue-count', threshold: 4 })]);
    // Unset: the shipped defaults.
    const shipped = readFileSync(fileURLToPath(DEFAULT_RULES_FILE), 'utf8');
    const ids = readConfig({}).alertRules.map((r) => r.id);
    expect(ids).toContain('group-a-case');
    for (const id of ids) expect(shipped).toContain(`id: ${id}`);
  });
});
