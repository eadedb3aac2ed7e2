import { afterAll, describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '../../../platform/metrics.ts';
import { systemClock } from '../../../platform/clock.ts';
import type { OperationalStore } from '../../../platform/operational-store.ts';
import { createOutboxStore, idempotencyKey, type NewNotification, type OutboxStore } from '../../../storage/outbox.ts';
import { createOutboxSender, type OutboxSenderConfig } from '../../../alerts/outbox-sender.ts';
import { createWebhookChannel, verifyWebhookSignature } from '../../../alerts/channels/webhook.ts';
import { buildNotifications } from '../../../alerts/notifications.ts';
import type { Route } from '../../../alerts/routing.ts';
import { BASE_URL, messageInput } from '../../helpers/alert-delivery.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../helpers/webhook-receiver.ts';
import { openMigrated, pgliteBackend, serverAnswers, serverBackend, silentLog, uniqueSchema } from './backends.ts';

const pglite = pgliteBackend();
afterAll(() => pglite.cleanup());
const hasServer = await serverAnswers();

const SECRET = 'whsec_test_0123456789abcdef';
interface Body {
  idempotency_key: string;
  recipient: string;
  alert_id: string;
}
const FAST: Partial<OutboxSenderConfig> = { pollIntervalMs: 5, initialBackoffMs: 40, maxBackoffMs: 1000, leaseMs: 60_000, maxAttempts: 10 };

/** `alerts` alerts × `recipients` webhook recipients, all to one receiver. */
function notifications(rx: WebhookReceiver<Body>, alerts: number, recipients: number): NewNotification[] {
  const routes: Route[] = Array.from({ length: recipients }, (_, r) => ({
    recipient: `officer${r}`,
    channel: 'webhook',
    address: rx.url,
    lang: 'vi',
  }));
  return Array.from({ length: alerts }, (_, a) =>
    buildNotifications({ id: `alert-${a}`, version: 1 }, 'opened', routes, messageInput({ alert_id: `alert-${a}` })),
  ).flat();
}

const sender = (outbox: OutboxStore, config: Partial<OutboxSenderConfig> = FAST, random = () => 0.5) => {
  const registry = createMetricsRegistry();
  const s = createOutboxSender({
    outbox,
    channels: { webhook: createWebhookChannel({ secret: SECRET, clock: systemClock }) },
    log: silentLog,
    registry,
    clock: systemClock,
    baseUrl: BASE_URL,
    config,
    random,
  });
  return { sender: s, registry };
};

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const keyCounts = (rx: WebhookReceiver<Body>) => {
  const m = new Map<string, number>();
  for (const b of rx.received) m.set(b.idempotency_key, (m.get(b.idempotency_key) ?? 0) + 1);
  return m;
};

describe.each([
  { backend: pglite, run: true },
  { backend: serverBackend(), run: hasServer },
])('the outbox sender on $backend.name', ({ backend, run }) => {
  const withDb = async (fn: (db: OperationalStore, rx: WebhookReceiver<Body>) => Promise<void>) => {
    const db = await openMigrated(backend);
    const rx = await startWebhookReceiver<Body>();
    try {
      await fn(db, rx);
    } finally {
      rx.close();
      await db.close();
    }
  };

  it.runIf(run)('a failing receiver: retried with growing waits, delivered once it recovers; signed; metrics', () =>
    withDb(async (db, rx) => {
      const outbox = createOutboxStore(db);
      let calls = 0;
      rx.status = () => (++calls <= 3 ? 503 : 204);
      await outbox.enqueue(notifications(rx, 1, 1), new Date());
      const { sender: s, registry } = sender(outbox);
      s.start();
      await until(async () => (await outbox.list())[0]?.status === 'delivered');
      await s.close();
      expect(rx.requests).toHaveLength(4);
      // random 0.5 → waits of 0.75 × 40 × 2^(n−1): 30, 60, 120 ms, plus polling and load, so only
      // lower bounds are asserted (each at least its scheduled wait: the waits grow); comparing
      // two observed gaps with each other flaked on a loaded machine.
      const gaps = rx.requests.slice(1).map((r, i) => r.at - rx.requests[i]!.at);
      expect(gaps[0]).toBeGreaterThanOrEqual(25);
      expect(gaps[1]).toBeGreaterThanOrEqual(55);
      expect(gaps[2]).toBeGreaterThanOrEqual(115);
      for (const r of rx.requests)
        expect(verifyWebhookSignature(SECRET, r.headers['x-ews-signature'] as string, r.rawBody, Date.now(), 300)).toBe(true);
      const [row] = await outbox.list();
      expect(row).toMatchObject({ status: 'delivered', attempts: 4, lastError: null });
      const text = await registry.metrics();
      expect(text).toContain('ews_alerts_notifications_sent_total{channel="webhook"} 1');
      expect(text).toContain('ews_alerts_notification_retries_total{channel="webhook"} 3');
      expect(text).toContain('ews_alerts_notifications_pending{channel="webhook"} 0');
      expect(text).toContain('ews_alerts_notification_delivery_seconds_count{channel="webhook"} 1');
    }),
  );

  it.runIf(run)('wake() after an enqueue delivers at once instead of at the next poll (a minute away here)', () =>
    withDb(async (db, rx) => {
      const outbox = createOutboxStore(db);
      const { sender: s } = sender(outbox, { ...FAST, pollIntervalMs: 60_000 });
      s.start();
      await new Promise((r) => setTimeout(r, 50));
      await outbox.enqueue(notifications(rx, 1, 1), new Date());
      const t0 = Date.now();
      s.wake();
      await until(() => rx.received.length === 1, 5000);
      expect(Date.now() - t0).toBeLessThan(5000);
      const closing = Date.now();
      await s.close();
      // close() does not wait out the idle minute either.
      expect(Date.now() - closing).toBeLessThan(2000);
    }),
  );

  it.runIf(run)('a receiver that never recovers: dead after maxAttempts; a refusal (4xx): dead at once', () =>
    withDb(async (db, rx) => {
      const outbox = createOutboxStore(db);
      const [down, refused] = notifications(rx, 2, 1);
      rx.status = () => (rx.received.at(-1)?.alert_id === 'alert-1' ? 400 : 503);
      await outbox.enqueue([down!, refused!], new Date());
      const { sender: s, registry } = sender(outbox, { ...FAST, maxAttempts: 3, initialBackoffMs: 10 });
      s.start();
      await until(async () => (await outbox.list()).every((n) => n.status === 'failed'));
      await s.close();
      const rows = await outbox.list();
      expect(rows.map((r) => [r.alertId, r.status, r.attempts])).toEqual([
        ['alert-0', 'failed', 3],
        ['alert-1', 'failed', 1],
      ]);
      expect(rows[0]!.lastError).toContain('503');
      expect(rows[1]!.lastError).toContain('400');
      expect(await registry.metrics()).toContain('ews_alerts_notifications_failed_total{channel="webhook"} 2');
    }),
  );

  it.runIf(run)(
    'a sender closed with deliveries pending, a new sender on the same store: each recipient gets each notification exactly once',
    async () => {
      const schema = uniqueSchema();
      const db1 = await openMigrated(backend, schema);
      const rx = await startWebhookReceiver<Body>();
      let db2: OperationalStore | undefined;
      try {
        const notes = notifications(rx, 10, 3);
        await createOutboxStore(db1).enqueue(notes, new Date());
        const first = sender(createOutboxStore(db1), { ...FAST, batchSize: 4 }).sender;
        first.start();
        await until(() => rx.received.length >= 5);
        await first.close();
        const atClose = rx.received.length;
        expect(atClose).toBeLessThan(notes.length);
        // After the first sender stopped, nothing more arrives from it.
        await new Promise((r) => setTimeout(r, 100));
        expect(rx.received.length).toBe(atClose);
        // The restart: on the server a new connection pool; PGlite holds its directory per process, so the same store.
        db2 = backend.name === 'postgres' ? await openMigrated(backend, schema) : db1;
        const outbox2 = createOutboxStore(db2);
        const second = sender(outbox2).sender;
        second.start();
        await until(() => rx.received.length >= notes.length);
        await new Promise((r) => setTimeout(r, 100));
        await second.close();
        const counts = keyCounts(rx);
        expect(rx.received).toHaveLength(notes.length);
        expect([...counts.values()].every((c) => c === 1)).toBe(true);
        expect(new Set(counts.keys())).toEqual(new Set(notes.map(idempotencyKey)));
        expect((await outbox2.list()).every((n) => n.status === 'delivered')).toBe(true);
      } finally {
        rx.close();
        if (db2 !== undefined && db2 !== db1) await db2.close();
        await db1.close();
      }
    },
  );

  it.runIf(run && backend.name === 'postgres')(
    'two senders on two connections at once: every notification delivered exactly once',
    async () => {
      const schema = uniqueSchema();
      const [db1, db2] = [await openMigrated(backend, schema), await openMigrated(backend, schema)];
      const rx = await startWebhookReceiver<Body>();
      try {
        const notes = notifications(rx, 20, 3);
        await createOutboxStore(db1).enqueue(notes, new Date());
        const senders = [
          sender(createOutboxStore(db1), { ...FAST, batchSize: 3 }).sender,
          sender(createOutboxStore(db2), { ...FAST, batchSize: 3 }).sender,
        ];
        for (const s of senders) s.start();
        await until(() => rx.received.length >= notes.length);
        await new Promise((r) => setTimeout(r, 100));
        await Promise.all(senders.map((s) => s.close()));
        expect(rx.received).toHaveLength(notes.length);
        expect([...keyCounts(rx).values()].every((c) => c === 1)).toBe(true);
      } finally {
        rx.close();
        await db2.close();
        await db1.close();
      }
    },
  );

  it.runIf(run)(
    'a crash between send and mark re-sends with the same Idempotency-Key once the lease runs out (the receiver dedups by it)',
    () =>
      withDb(async (db, rx) => {
        const real = createOutboxStore(db);
        let crashed = false;
        // The mark after the first send fails, as if the process died right after the receiver's 2xx.
        const outbox: OutboxStore = {
          ...real,
          markDelivered: (id, at) => {
            if (!crashed) {
              crashed = true;
              return Promise.reject(new Error('process killed before the mark'));
            }
            return real.markDelivered(id, at);
          },
        };
        await real.enqueue(notifications(rx, 1, 1), new Date());
        const { sender: s } = sender(outbox, { ...FAST, leaseMs: 200 });
        s.start();
        await until(async () => (await real.list())[0]?.status === 'delivered');
        await s.close();
        expect(rx.requests).toHaveLength(2);
        expect(rx.requests[0]!.headers['idempotency-key']).toBe(rx.requests[1]!.headers['idempotency-key']);
        expect(keyCounts(rx).size).toBe(1);
      }),
  );

  it.runIf(run)(
    'a replay of the same alert version is delivered once; negative control: without the unique idempotency key it is delivered twice',
    async () => {
      for (const withKey of [true, false]) {
        await withDb(async (db, rx) => {
          if (!withKey) await db.query('ALTER TABLE outbox DROP CONSTRAINT outbox_idempotency');
          const outbox = createOutboxStore(db);
          const notes = notifications(rx, 2, 2);
          await outbox.enqueue(notes, new Date());
          // The lifecycle store replays the same alert version (e.g. after a restart mid-way).
          await outbox.enqueue(notes, new Date());
          const { sender: s } = sender(outbox);
          s.start();
          await until(async () => (await outbox.list()).every((n) => n.status === 'delivered'));
          await s.close();
          const counts = [...keyCounts(rx).values()];
          expect(counts).toHaveLength(4);
          expect(counts.every((c) => c === (withKey ? 1 : 2))).toBe(true);
        });
      }
    },
  );
});
