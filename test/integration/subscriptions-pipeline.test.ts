import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postAndSettle, type TestPipeline } from '../helpers/pipeline.ts';
import { dengue, startMailPipeline, type MailPipeline } from '../helpers/alert-pipeline.ts';
import type { TestSmtpServer } from '../helpers/smtp-server.ts';

// Stored subscriptions take effect without a restart: changed after the pipeline started,
// the next alert is routed by them. Three Bắc Ninh officers of the store (no officers file):
// one left at the default (the control), one narrowed to measles, one switched off.
const now = Date.parse('2026-11-20T12:00:00+07:00');
let running: MailPipeline | undefined;
let p: TestPipeline;
let smtp: TestSmtpServer;

beforeAll(async () => {
  running = await startMailPipeline({
    now: () => now,
    before: async (pipeline) => {
      for (const username of ['bn.default', 'bn.measles', 'bn.off'])
        await pipeline.access.users.add({
          username,
          role: 'officer',
          jurisdiction: { level: 'province', province: '24' },
          email: `${username}@example.vn`,
        });
    },
  });
  ({ p, smtp } = running);
}, 120_000);
afterAll(() => running?.close());

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
