import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageIdOf } from '../../alerts/channels/email.ts';
import { verifyWebhookSignature } from '../../alerts/channels/webhook.ts';
import { openMigratedOperationalStore } from '../../cli/operational-store.ts';
import { createLogger } from '../../platform/logger.ts';
import { createOutboxStore, type Notification } from '../../storage/outbox.ts';
import { encounter, lab, registerOnDataDir, TEST_ADMIN_TOKEN } from '../helpers/pipeline.ts';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { cleanEnv, startCli, type CliProcess } from './cli/cli-process.ts';

/**
 * Issue 10: a kill -9 of `ews serve` with deliveries pending. The outbox is at-least-once
 * towards the receiver; exactly once comes from the idempotency key (the webhook's
 * Idempotency-Key header, the e-mail's Message-ID), which a receiver uses to drop re-sends.
 *
 * The real service runs as a child process on one data directory, with an officers file of
 * eleven Bắc Ninh officers (webhook and/or e-mail: 22 notifications per alert, more than the
 * sender's batch of 20), a real HTTP receiver and a real SMTP server. Each receiver can hold
 * a request: it records the message (the receiver has it) but withholds its answer, so the
 * service, killed then, dies after the receiver got the notification and before the outbox
 * marked it delivered — the window a re-send comes from. Kill 1 lands with a webhook held,
 * kill 2 (after a restart) with an e-mail held; a third run drains the outbox; a fourth,
 * plain restart must send nothing again.
 */
const SECRET = 'crash-test-webhook-secret-0123456789';
const PUBLIC_URL = 'https://ews.bacninh.example.vn';
const HOUR = 3_600_000;

/** YYYY-MM-DD in Asia/Ho_Chi_Minh, `daysAgo` days before today (the service runs on the real clock). */
const localDay = (daysAgo: number) => new Date(Date.now() + 7 * HOUR - daysAgo * 24 * HOUR).toISOString().slice(0, 10);

interface Officer {
  username: string;
  email?: string;
  webhook?: string;
}

let dir: string;
let webhook: WebhookReceiver<{ idempotency_key: string; alert_id: string; recipient: string; event: string }>;
let smtp: TestSmtpServer;
let officers: Officer[];
let hospitalKey: string;
let serve: CliProcess | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ews-delivery-crash-'));
  webhook = await startWebhookReceiver();
  smtp = await startSmtpServer();
  // Nine officers on both channels, then two on webhook only and two on e-mail only: 22 routes.
  officers = Array.from({ length: 13 }, (_, i) => {
    const username = `bn.o${String(i + 1).padStart(2, '0')}`;
    const email = `${username}@example.vn`;
    const hook = `${webhook.url}/${username}`;
    return i < 9 ? { username, email, webhook: hook } : i < 11 ? { username, webhook: hook } : { username, email };
  });
  const file = join(dir, 'officers.json');
  writeFileSync(
    file,
    JSON.stringify({
      officers: officers.map((o) => ({
        username: o.username,
        name: `Officer ${o.username}`,
        jurisdiction: { level: 'province', province: '24' },
        syndromes: 'all',
        min_level: 'yellow',
        channels: { ...(o.email ? { email: o.email } : {}), ...(o.webhook ? { webhook: o.webhook } : {}) },
        lang: 'vi',
      })),
    }),
  );
  hospitalKey = await registerOnDataDir(dir);
  env = cleanEnv({
    EWS_DATA_DIR: dir,
    PORT: '0',
    EWS_PSEUDONYM_KEY: 'test-key-test-key-test-key-test-key',
    EWS_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    EWS_LOG_LEVEL: 'warn',
    EWS_SCAN: 'false',
    EWS_OFFICERS_FILE: file,
    EWS_SMTP_URL: smtp.url,
    EWS_WEBHOOK_SECRET: SECRET,
    EWS_PUBLIC_URL: PUBLIC_URL,
    EWS_OUTBOX_POLL_MS: '50',
    EWS_OUTBOX_BACKOFF_MS: '50',
    EWS_OUTBOX_MAX_BACKOFF_MS: '500',
    // Rows the killed process had claimed come back after 2 s instead of 5 min.
    EWS_OUTBOX_LEASE_MS: '2000',
  });
}, 120_000);

afterAll(async () => {
  if (serve && serve.child.exitCode === null && serve.child.signalCode === null) {
    serve.child.kill('SIGKILL');
    await serve.exited;
  }
  webhook?.close();
  await smtp?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let env: NodeJS.ProcessEnv;

async function start(): Promise<{ proc: CliProcess; url: string }> {
  const proc = startCli(['serve'], env);
  serve = proc;
  await proc.waitFor(/dashboard[^\n]*http:\/\/localhost:\d+/, 120_000);
  return { proc, url: /(http:\/\/localhost:\d+)/.exec(proc.stdout)![1]! };
}

async function kill9(proc: CliProcess): Promise<void> {
  proc.child.kill('SIGKILL');
  const r = await proc.exited;
  expect(r.signal).toBe('SIGKILL');
}

async function stop(proc: CliProcess): Promise<void> {
  proc.child.kill('SIGTERM');
  const r = await proc.exited;
  expect(r.code, r.stderr.slice(-2000)).toBe(0);
}

async function post(url: string, events: unknown[]): Promise<void> {
  const res = await fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${hospitalKey}` },
    body: JSON.stringify(events),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  expect(((await res.json()) as { rejected: unknown[] }).rejected).toEqual([]);
}

/** Notifications pending in the running service's outbox (its /metrics gauge, all channels). */
async function pendingNow(url: string): Promise<number> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
  expect(res.status).toBe(200);
  const text = await res.text();
  let n = 0;
  for (const m of text.matchAll(/^ews_alerts_notifications_pending\{[^}]*\} (\d+)$/gm)) n += Number(m[1]);
  return n;
}

/** Reads the stopped data directory's operational store: the outbox rows and the lifecycle alert ids. */
async function readStore(): Promise<{ rows: Notification[]; alertIds: string[] }> {
  const db = await openMigratedOperationalStore({ EWS_DATA_DIR: dir }, createLogger({ level: 'silent' }));
  try {
    const rows = await createOutboxStore(db).list();
    const { rows: alerts } = await db.query<{ id: string }>('SELECT id FROM lifecycle_alerts ORDER BY id');
    return { rows, alertIds: alerts.map((a) => a.id) };
  } finally {
    await db.close();
  }
}

const dengue = (commune: string, day: string, n: number) =>
  Array.from({ length: n }, (_, i) =>
    encounter({ event_id: `d-${commune}-${day}-${i}`, commune_code: commune, occurred_at: `${day}T09:00:00+07:00`, diagnoses: ['A90'] }),
  );
const spike = (commune: string) => [
  ...dengue(commune, localDay(0), 9),
  ...Array.from({ length: 6 }, (_, i) =>
    lab({ event_id: `l-${commune}-${i}`, commune_code: commune, occurred_at: `${localDay(0)}T10:00:00+07:00` }),
  ),
];
/** Twelve quiet days before today: 0 or 1 case a day. */
const quiet = (commune: string) => Array.from({ length: 12 }, (_, i) => dengue(commune, localDay(12 - i), i % 2)).flat();

/** A header of a received e-mail as text ('' when absent). */
function mailHeader(m: TestSmtpServer['received'][number], name: string): string {
  const v = m.headers.get(name);
  return typeof v === 'string' ? v : '';
}

/** One receipt, as a receiver sees it: its idempotency key and what it tells of. */
interface Receipt {
  key: string;
  channel: 'webhook' | 'email';
  alertId: string;
  recipient: string;
}

/** Every receipt so far, re-sends included, in order per channel. */
function receipts(): Receipt[] {
  const hooks = webhook.requests.map((r): Receipt => {
    const body = JSON.parse(r.rawBody) as { idempotency_key: string; alert_id: string; recipient: string };
    return { key: String(r.headers['idempotency-key']), channel: 'webhook', alertId: body.alert_id, recipient: body.recipient };
  });
  const mails = smtp.received.map((m, i): Receipt => {
    const to = smtp.envelopes[i]!;
    const officer = officers.find((o) => o.email === to[0]);
    return {
      key: mailHeader(m, 'x-ews-idempotency-key'),
      channel: 'email',
      alertId: mailHeader(m, 'x-ews-alert'),
      recipient: officer?.username ?? `?${to.join(',')}`,
    };
  });
  return [...hooks, ...mails];
}

/** What a receiver that drops idempotency keys it has seen keeps: the first receipt of each key. */
function dedupByKey(all: readonly Receipt[]): Map<string, Receipt> {
  const kept = new Map<string, Receipt>();
  for (const r of all) if (!kept.has(r.key)) kept.set(r.key, r);
  return kept;
}

function countBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of xs) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
  return m;
}

/** Every (alert, recipient, channel) the officers file routes the alerts to. */
function expectedPairs(alertIds: readonly string[]): string[] {
  const out: string[] = [];
  for (const a of alertIds)
    for (const o of officers) {
      if (o.email) out.push(`${a}|${o.username}|email`);
      if (o.webhook) out.push(`${a}|${o.username}|webhook`);
    }
  return out.sort();
}

const pairOf = (r: Receipt) => `${r.alertId}|${r.recipient}|${r.channel}`;

let heldWebhookKey = '';
let heldEmailKey = '';

describe('alert delivery across a kill -9 of the service (issue 10)', () => {
  it('killed twice while a receiver holds a notification: after the restart each recipient has each notification exactly once by its key', async () => {
    // Run 1: the history, then a spike in Kinh Bắc (09187). The third webhook is held open.
    webhook.hold = () => webhook.requests.length === 3;
    const run1 = await start();
    await post(run1.url, [...quiet('09187'), ...quiet('07627')]);
    await post(run1.url, spike('09187'));
    await expect.poll(() => webhook.held.length, { timeout: 120_000, interval: 20 }).toBe(1);
    await kill9(run1.proc);
    heldWebhookKey = String(webhook.held[0]!.headers['idempotency-key']);
    webhook.hold = undefined;
    webhook.releaseHeld();

    // The crash landed where it should: some rows delivered, the held one received but still
    // pending (claimed: its lease will run out), and some never claimed at all.
    const afterKill1 = await readStore();
    expect(afterKill1.alertIds.length).toBeGreaterThan(0);
    expect(afterKill1.rows.length).toBe(expectedPairs(afterKill1.alertIds).length);
    const held1 = afterKill1.rows.find((r) => r.idempotencyKey === heldWebhookKey);
    expect(held1).toMatchObject({ status: 'pending', attempts: 1 });
    expect(afterKill1.rows.filter((r) => r.status === 'delivered').length).toBeGreaterThan(0);
    expect(afterKill1.rows.filter((r) => r.status === 'pending' && r.attempts === 0).length).toBeGreaterThan(0);
    // Every delivered row was received before the kill (the mark follows the confirmation).
    const seen1 = new Set(receipts().map((r) => r.key));
    for (const r of afterKill1.rows.filter((x) => x.status === 'delivered')) expect(seen1.has(r.idempotencyKey)).toBe(true);

    // Run 2: the first e-mail it sends is held, and the service killed again.
    const mailsBefore = smtp.received.length;
    smtp.hold = () => smtp.received.length === mailsBefore + 1;
    const run2 = await start();
    await expect.poll(() => smtp.held.length, { timeout: 120_000, interval: 20 }).toBe(1);
    await kill9(run2.proc);
    heldEmailKey = mailHeader(smtp.held[0]!, 'x-ews-idempotency-key');
    smtp.hold = undefined;
    smtp.releaseHeld();
    const afterKill2 = await readStore();
    expect(afterKill2.rows.find((r) => r.idempotencyKey === heldEmailKey)).toMatchObject({ status: 'pending' });

    // Run 3: nothing held; it resumes (the leases run out after 2 s) until the outbox is empty.
    const run3 = await start();
    await expect
      .poll(async () => (await pendingNow(run3.url)) === 0 && dedupByKey(receipts()).size >= afterKill2.rows.length, {
        timeout: 180_000,
        interval: 200,
      })
      .toBe(true);
    await stop(run3.proc);

    const { rows, alertIds } = await readStore();
    const expected = expectedPairs(alertIds);
    // Nothing lost in the outbox: one row per route, all delivered.
    expect(rows.map((r) => `${r.alertId}|${r.recipient}|${r.channel}`).sort()).toEqual(expected);
    expect(rows.filter((r) => r.status !== 'delivered')).toEqual([]);

    const all = receipts();
    const kept = dedupByKey(all);
    // Counted by key: every expected (recipient, notification) once, nothing missing, nothing else.
    expect([...kept.values()].map(pairOf).sort()).toEqual(expected);
    expect(new Set(kept.keys())).toEqual(new Set(rows.map((r) => r.idempotencyKey)));
    // One key per (recipient, notification): the key of a re-send is the key of the first send.
    for (const [pair, n] of countBy([...kept.values()], pairOf)) expect([pair, n]).toEqual([pair, 1]);

    // Negative control: the raw receipts, without the key, hold duplicates — exactly the two
    // notifications in flight at the kills, each received twice (so the crashes landed in the
    // window, and only the key makes it exactly once). Nothing else was sent twice.
    const raw = countBy(all, pairOf);
    const duplicated = [...raw].filter(([, n]) => n > 1).map(([pair]) => pair);
    const heldPairs = [heldWebhookKey, heldEmailKey].map((k) => pairOf(kept.get(k)!)).sort();
    expect(duplicated.sort()).toEqual(heldPairs);
    for (const pair of heldPairs) expect(raw.get(pair)).toBe(2);
    expect(all.length).toBe(expected.length + 2);

    // The re-sends carry what a receiver dedups by: the same Idempotency-Key, signed afresh;
    // the same Message-ID, derived from the key.
    const hookSends = webhook.requests.filter((r) => r.headers['idempotency-key'] === heldWebhookKey);
    expect(hookSends).toHaveLength(2);
    for (const r of hookSends)
      expect(verifyWebhookSignature(SECRET, r.headers['x-ews-signature'] as string, r.rawBody, Date.now(), 3600)).toBe(true);
    expect(JSON.parse(hookSends[1]!.rawBody)).toEqual(JSON.parse(hookSends[0]!.rawBody));
    const mailSends = smtp.received.filter((m) => mailHeader(m, 'x-ews-idempotency-key') === heldEmailKey);
    expect(mailSends).toHaveLength(2);
    expect(new Set(mailSends.map((m) => m.messageId))).toEqual(new Set([messageIdOf(heldEmailKey)]));
    for (const m of smtp.received) expect(m.messageId).toBe(messageIdOf(mailHeader(m, 'x-ews-idempotency-key')));
  }, 600_000);

  it('a plain restart with the outbox drained sends nothing again: only the next alert’s notifications, once each', async () => {
    const before = receipts();
    const { rows: drained } = await readStore();
    expect(drained.length).toBeGreaterThan(0);
    expect(drained.filter((r) => r.status !== 'delivered')).toEqual([]);

    // A new spike in Đại Sơn (07627): its notifications arriving shows the sender has run.
    const run4 = await start();
    await post(run4.url, spike('07627'));
    await expect
      .poll(async () => (await pendingNow(run4.url)) === 0 && receipts().length >= before.length + 22, { timeout: 180_000, interval: 200 })
      .toBe(true);
    await stop(run4.proc);

    const { rows, alertIds } = await readStore();
    const newRows = rows.filter((r) => !drained.some((d) => d.id === r.id));
    expect(newRows.length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.status !== 'delivered')).toEqual([]);
    const after = receipts().slice(0);
    const fresh = after.filter((r) => !before.some((b) => b.key === r.key));
    // Nothing sent before came again; each new notification came once (raw, no dedup needed).
    expect(after.length - before.length).toBe(fresh.length);
    expect(fresh.map((r) => r.key).sort()).toEqual(newRows.map((r) => r.idempotencyKey).sort());
    expect(new Set(fresh.map((r) => r.key)).size).toBe(fresh.length);
    expect(rows.map((r) => `${r.alertId}|${r.recipient}|${r.channel}`).sort()).toEqual(expectedPairs(alertIds));
  }, 600_000);
});
