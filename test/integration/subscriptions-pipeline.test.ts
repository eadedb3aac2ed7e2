import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encounter, postAndSettle, startTestPipeline } from '../helpers/pipeline.ts';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.ts';

// Stored subscriptions take effect without a restart: changed after the pipeline started,
// the next alert is routed by them. Three Bắc Ninh officers of the store (no officers file):
// one left at the default (the control), one narrowed to measles, one switched off.
type P = Awaited<ReturnType<typeof startTestPipeline>>;
const now = Date.parse('2026-11-20T12:00:00+07:00');
let p: P;
let smtp: TestSmtpServer;
const dengue = (date: string, n: number) =>
  Array.from({ length: n }, (_, i) => encounter({ event_id: `d-${date}-${i}`, occurred_at: `${date}T09:00:00+07:00`, diagnoses: ['A90'] }));

beforeAll(async () => {
  smtp = await startSmtpServer();
  p = await startTestPipeline({ clock: { now: () => now }, env: { EWS_SMTP_URL: smtp.url, EWS_OUTBOX_POLL_MS: '50' } });
  for (const username of ['bn.default', 'bn.measles', 'bn.off'])
    await p.access.users.add({
      username,
      role: 'officer',
      jurisdiction: { level: 'province', province: '24' },
      email: `${username}@example.vn`,
    });
  const quiet = Array.from({ length: 12 }, (_, i) => `2026-11-${String(8 + i).padStart(2, '0')}`);
  await postAndSettle(
    p,
    quiet.flatMap((d, i) => dengue(d, i % 2)),
  );
}, 120_000);
afterAll(async () => {
  await p?.cleanup();
  await smtp?.close();
});

describe('stored subscriptions in the running pipeline', () => {
  it('a subscription changed while running routes the next alert: narrowed and switched-off officers hear nothing, the default one does', async () => {
    const base = { minLevel: 'yellow', channels: ['email'], webhookUrl: null, head: false, active: true } as const;
    await p.access.users.setSubscription('bn.measles', { ...base, syndromes: ['measles_rubella'] });
    await p.access.users.setSubscription('bn.off', { ...base, syndromes: [], active: false });
    await postAndSettle(p, dengue('2026-11-20', 12));
    await expect.poll(() => smtp.received.length, { timeout: 15_000 }).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.envelopes.flat().sort()).toEqual(['bn.default@example.vn']);
  });
});
