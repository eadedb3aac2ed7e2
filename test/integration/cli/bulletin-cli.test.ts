import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dengue, startAlertPipeline } from '../../helpers/alert-pipeline.ts';
import { browserAvailable } from '../../helpers/browser.ts';
import { postAndSettle, type TestPipeline } from '../../helpers/pipeline.ts';
import { cleanEnv, runCli } from './cli-process.ts';

// A real pipeline makes a week of data and an alert in Bắc Ninh (24), then stops; `ews bulletin`
// runs on its data directory as a user would. 2026-11-20 is the Friday of 2026-W47.
const now = Date.parse('2026-11-20T15:00:00+07:00');
const HOSPITAL = 'BV-BN';
const EVIL = 'Bệnh viện <script>alert(1)</script>';
let p: TestPipeline;
let dir: string;
let alertId: string;
const out = mkdtempSync(join(tmpdir(), 'ews-bulletin-out-'));
const tokens: Record<string, string> = {};

beforeAll(async () => {
  p = await startAlertPipeline({
    now: () => now,
    before: async (pl) => {
      pl.keys[HOSPITAL] = (await pl.hospitals.add({ id: HOSPITAL, name: EVIL, provinceCode: '24' })).key;
      await pl.hospitals.add({ id: 'BV-HY', name: 'Bệnh viện Hưng Yên', provinceCode: '33' });
      await pl.hospitalKeys.refresh();
      for (const [username, province] of [
        ['bn.officer', '24'],
        ['hy.officer', '33'],
      ] as const) {
        await pl.access.users.add({ username, role: 'officer', jurisdiction: { level: 'province', province } });
        tokens[username] = (await pl.access.users.issueToken(username)).token;
      }
    },
    cases: (date, n) => dengue(date, n, (i) => ({ hospital_id: HOSPITAL, event_id: `bn-${date}-${i}` })),
  });
  dir = p.dir;
  await postAndSettle(
    p,
    dengue('2026-11-20', 9, (i) => ({ hospital_id: HOSPITAL, event_id: `spike-${i}` })),
  );
  const { alerts } = await p.lifecycle.list({ jurisdiction: { level: 'national' }, limit: 10 });
  expect(alerts).toHaveLength(1);
  alertId = alerts[0]!.id;
  const by = { actor: { username: 'bn.officer', role: 'officer' as const, via: 'test' } };
  await p.lifecycle.transition(alertId, undefined, { type: 'verify' }, by);
  await p.lifecycle.transition(alertId, undefined, { type: 'close', outcome: 'no_outbreak', notes: 'một gia đình, đã xử lý' }, by);
}, 180_000);
afterAll(async () => {
  await p?.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

const bulletin = (token: string, query: string) =>
  p.app.inject({ url: `/v1/bulletin?${query}`, headers: { authorization: `Bearer ${token}` } });

describe('GET /v1/bulletin', () => {
  it.skipIf(!browserAvailable)(
    'answers the PDF to an officer of the province',
    async () => {
      const res = await bulletin(tokens['bn.officer']!, 'province=24&week=2026-W47&format=pdf&lang=en');
      expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-disposition']).toBe('attachment; filename="bulletin-24-2026-W47.pdf"');
      expect(res.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    },
    60_000,
  );

  it('refuses an officer of another province (403), naming the province in both languages', async () => {
    const res = await bulletin(tokens['hy.officer']!, 'province=24&week=2026-W47&format=html');
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: { code: 'FORBIDDEN', message: expect.stringMatching(/province 24.*outside.* \/ tỉnh 24/) } });
    // Negative control: the same officer gets their own province's bulletin, without the other's alert or hospital.
    const own = await bulletin(tokens['hy.officer']!, 'week=2026-W47');
    expect(own.statusCode).toBe(200);
    expect(own.headers['content-disposition']).toBe('attachment; filename="bulletin-33-2026-W47.html"');
    expect(own.body).toContain('Hưng Yên (33)');
    expect(own.body).not.toContain(alertId);
    expect(own.body).not.toContain(`data-hospital="${HOSPITAL}"`);
  });

  it('answers 400 naming each bad parameter', async () => {
    const res = await bulletin(tokens['bn.officer']!, 'province=2&week=2026-W60&format=doc&lang=fr&color=red');
    expect(res.statusCode).toBe(400);
    expect(
      res
        .json<{ error: { details: { path: string }[] } }>()
        .error.details.map((d) => d.path)
        .sort(),
    ).toEqual(['color', 'format', 'lang', 'province', 'week']);
  });
});

describe('ews bulletin', () => {
  it('on a directory held by the running service, says so and points to --url', async () => {
    const r = await runCli(['bulletin', '--province', '24', '--week', '2026-W47', '--data-dir', dir, '--out', out], cleanEnv());
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/running on .*--url/);
    expect(existsSync(join(out, 'bulletin-24-2026-W47.html'))).toBe(false);
  }, 60_000);

  it('refuses a bad option, naming it', async () => {
    const r = await runCli(['bulletin', '--province', '24', '--week', '2026-47'], cleanEnv());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--week '2026-47'/);
  }, 30_000);

  it.skipIf(!browserAvailable)(
    'on the stopped data directory writes the HTML and the PDF and prints their paths',
    async () => {
      await p.close();
      const r = await runCli(['bulletin', '--province', '24', '--week', '2026-W47', '--data-dir', dir, '--out', out], cleanEnv());
      expect(r.code, r.stderr).toBe(0);
      const html = join(out, 'bulletin-24-2026-W47.html');
      const pdf = join(out, 'bulletin-24-2026-W47.pdf');
      expect(r.stdout.trim().split('\n')).toEqual([html, pdf]);
      expect(r.stderr).toMatch(/gathering the bulletin of province 24, 2026-W47/);

      const bytes = readFileSync(pdf);
      expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(bytes.toString('latin1').match(/\/Type\s*\/Page\b(?!s)/g)?.length ?? 0).toBeGreaterThanOrEqual(1);

      const doc = readFileSync(html, 'utf8');
      expect(doc).toContain('Bản tin giám sát hội chứng hằng tuần');
      expect(doc).toContain('Bắc Ninh (24)');
      expect(doc).toContain('từ 16/11/2026 đến 22/11/2026');
      // The alert: opened this week, and closed this week with its outcome.
      expect(doc).toMatch(new RegExp(`id="alerts-opened">[\\s\\S]*data-alert="${alertId}"`));
      expect(doc).toMatch(new RegExp(`id="alerts-closed">[\\s\\S]*data-alert="${alertId}"[\\s\\S]*Không phải ổ dịch`));
      // Dengue: 9 + the quiet days' cases of the week, flagged against 8 quiet weeks before (no earlier year).
      expect(doc).toMatch(/<tr class="flagged" data-syndrome="dengue">/);
      expect(doc).toContain('data-basis="previous_weeks"');
      // The province's hospital, escaped; not the other province's.
      expect(doc).toMatch(new RegExp(`data-hospital="${HOSPITAL}"><td>Bệnh viện &lt;script&gt;`));
      expect(doc).not.toContain('<script');
      expect(doc).not.toContain('BV-HY');
      // The alert's commune is red on the map.
      expect(doc).toMatch(/<path data-code="09187" data-level="red"/);
    },
    120_000,
  );
});
