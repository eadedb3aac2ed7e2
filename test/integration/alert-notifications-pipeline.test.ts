import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lab, postAndSettle, type TestPipeline } from '../helpers/pipeline.ts';
import { dengue, startMailPipeline, type MailPipeline } from '../helpers/alert-pipeline.ts';
import type { TestSmtpServer } from '../helpers/smtp-server.ts';

// Notifications wired into the pipeline (issue 10): a dengue spike in Bắc Ninh opens one
// lifecycle alert; the outbox row of each Bắc Ninh officer of the demo officers file is
// written with it and delivered by e-mail to a real SMTP server, once, in Vietnamese; Hưng
// Yên's officers hear nothing. More cases the next day add evidence and send nothing more.
let now = Date.parse('2026-11-20T12:00:00+07:00');
let running: MailPipeline | undefined;
let p: TestPipeline;
let smtp: TestSmtpServer;

beforeAll(async () => {
  running = await startMailPipeline({ now: () => now, demoOfficers: true });
  ({ p, smtp } = running);
}, 120_000);
afterAll(() => running?.close());

describe('alert notifications through the outbox', () => {
  it('a spike: one e-mail to each Bắc Ninh officer subscribed, in Vietnamese, with the link; none to Hưng Yên', async () => {
    await postAndSettle(p, [...dengue('2026-11-20', 9), ...Array.from({ length: 6 }, (_, i) => lab({ event_id: `l-${i}` }))]);
    await expect.poll(() => smtp.received.length, { timeout: 15_000 }).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 500));
    const to = smtp.envelopes.flat().sort();
    // The province officer and the province head; not the officer of another commune (07525), nor Hưng Yên's.
    expect(to).toEqual(['bn.tinh@example.vn', 'bn.truong@example.vn']);
    const mail = smtp.received[0]!;
    expect(mail.subject).toMatch(/Cảnh báo/);
    expect(mail.text).toMatch(/sốt xuất huyết|Sốt xuất huyết/);
    expect(mail.text).toContain('https://ews.bacninh.example.vn/alerts/');
    const [alert] = (await p.lifecycle.list({ jurisdiction: { level: 'national' }, limit: 10 })).alerts;
    expect(mail.text).toContain(alert!.id);
  });

  it('more evidence at the same level sends nothing more, and nothing is left pending', async () => {
    const before = smtp.received.length;
    now = Date.parse('2026-11-21T12:00:00+07:00');
    await postAndSettle(p, dengue('2026-11-21', 14));
    await new Promise((r) => setTimeout(r, 1000));
    expect(smtp.received.length).toBe(before);
    const counts = await (await import('../../storage/outbox.ts')).createOutboxStore(p.operational).counts();
    expect(counts.filter((c) => c.status === 'pending')).toEqual([]);
  });

  it('a red alert still open after EWS_ESCALATION_MINUTES goes to the province head, once; not while it is verified', async () => {
    const before = smtp.received.length;
    // Not yet due 119 minutes after it turned red; due at 121.
    const [alert] = (await p.lifecycle.list({ jurisdiction: { level: 'national' }, limit: 10 })).alerts;
    now = Date.parse(alert!.level_since) + 119 * 60_000;
    expect(await p.escalator.runOnce()).toBe(0);
    now = Date.parse(alert!.level_since) + 121 * 60_000;
    expect(await p.escalator.runOnce()).toBe(1);
    await expect.poll(() => smtp.received.length, { timeout: 15_000 }).toBe(before + 1);
    expect(smtp.envelopes.at(-1)).toEqual(['bn.truong@example.vn']);
    expect(smtp.received.at(-1)!.subject).toMatch(/Chuyển cấp/);
    // Asked again: already escalated since it turned red.
    expect(await p.escalator.runOnce()).toBe(0);
    // Once verified (acknowledged) it is no longer open, so no later check can escalate it.
    await p.lifecycle.transition(
      alert!.id,
      undefined,
      { type: 'verify' },
      { actor: { username: 'bn.tinh', role: 'officer', via: 'session' } },
    );
    expect((await p.lifecycle.list({ jurisdiction: { level: 'national' }, status: ['open'], limit: 10 })).alerts).toEqual([]);
  });
});
