import { afterAll, describe, expect, it } from 'vitest';
import { createOutboxStore, enqueue, idempotencyKey, type NewNotification } from '../../../storage/outbox.ts';
import type { OperationalStore } from '../../../platform/operational-store.ts';
import { openMigrated, pgliteBackend, serverAnswers, serverBackend, uniqueSchema } from './backends.ts';

const pglite = pgliteBackend();
afterAll(() => pglite.cleanup());
const hasServer = await serverAnswers();

const T0 = new Date('2026-12-01T00:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const note = (i: number, over: Partial<NewNotification> = {}): NewNotification => ({
  alertId: `alert-${i}`,
  alertVersion: 1,
  event: 'opened',
  recipient: 'bn.tinh',
  channel: 'email',
  address: 'bn.tinh@example.vn',
  lang: 'vi',
  payload: { n: i },
  ...over,
});

describe.each([
  { backend: pglite, run: true },
  { backend: serverBackend(), run: hasServer },
])('the outbox on $backend.name', ({ backend, run }) => {
  const withDb = async (fn: (db: OperationalStore) => Promise<void>) => {
    const db = await openMigrated(backend);
    try {
      await fn(db);
    } finally {
      await db.close();
    }
  };

  it.runIf(run)('the same idempotency key enqueued twice (a replay) is one row; another version, event or channel is another', () =>
    withDb(async (db) => {
      const outbox = createOutboxStore(db);
      expect(await outbox.enqueue([note(1), note(1)], T0)).toBe(1);
      expect(await outbox.enqueue([note(1)], at(1000))).toBe(0);
      expect(
        await outbox.enqueue(
          [note(1, { alertVersion: 2 }), note(1, { event: 'escalated' }), note(1, { channel: 'sms', address: '+84900000000' })],
          T0,
        ),
      ).toBe(3);
      const rows = await outbox.list('alert-1');
      expect(rows).toHaveLength(4);
      expect(rows[0]).toMatchObject({
        idempotencyKey: idempotencyKey(note(1)),
        status: 'pending',
        attempts: 0,
        enqueuedAt: T0.toISOString(),
        nextAttemptAt: T0.toISOString(),
        payload: { n: 1 },
        deliveredAt: null,
      });
    }),
  );

  it.runIf(run)('notifications are written in the caller’s transaction: rolled back with it', () =>
    withDb(async (db) => {
      const outbox = createOutboxStore(db);
      await expect(
        db.transaction(async (tx) => {
          expect(await enqueue(tx, [note(1), note(2)], T0)).toBe(2);
          throw new Error('the alert version failed to write');
        }),
      ).rejects.toThrow('the alert version failed');
      expect(await outbox.list()).toEqual([]);
      await db.transaction((tx) => enqueue(tx, [note(1)], T0));
      expect(await outbox.list()).toHaveLength(1);
    }),
  );

  it.runIf(run)('claim: due rows only, oldest first, one lease ahead; the lease running out gives the row back (a restart resumes)', () =>
    withDb(async (db) => {
      const outbox = createOutboxStore(db);
      await outbox.enqueue([note(1)], T0);
      await outbox.enqueue([note(2)], at(10_000));
      const first = await outbox.claim(10, at(5000), 60_000);
      expect(first.map((n) => n.alertId)).toEqual(['alert-1']);
      expect(first[0]).toMatchObject({ attempts: 1, nextAttemptAt: at(65_000).toISOString() });
      expect((await outbox.claim(10, at(20_000), 60_000)).map((n) => n.alertId)).toEqual(['alert-2']);
      expect(await outbox.claim(10, at(30_000), 60_000)).toEqual([]);
      // The sender that held alert-1 died: after its lease another claims it again.
      expect((await outbox.claim(10, at(65_000), 60_000)).map((n) => [n.alertId, n.attempts])).toEqual([['alert-1', 2]]);
    }),
  );

  it.runIf(run)(
    'delivered once: marked only while pending; retries reschedule; the last failure is dead; release gives rows back uncounted',
    () =>
      withDb(async (db) => {
        const outbox = createOutboxStore(db);
        await outbox.enqueue([note(1), note(2), note(3)], T0);
        const [a, b, c] = await outbox.claim(3, T0, 60_000);
        expect(await outbox.markDelivered(a!.id, at(100))).toBe(true);
        expect(await outbox.markDelivered(a!.id, at(200))).toBe(false);
        await outbox.retryAt(b!.id, 'webhook answered 503', at(1000));
        await outbox.markFailed(c!.id, 'refused: 400');
        await outbox.release([b!.id], at(0));
        const rows = await outbox.list();
        expect(rows.map((r) => [r.status, r.attempts, r.lastError, r.deliveredAt])).toEqual([
          ['delivered', 1, null, at(100).toISOString()],
          ['pending', 0, 'webhook answered 503', null],
          ['failed', 1, 'refused: 400', null],
        ]);
        expect(await outbox.counts()).toEqual([
          { channel: 'email', status: 'delivered', count: 1 },
          { channel: 'email', status: 'failed', count: 1 },
          { channel: 'email', status: 'pending', count: 1 },
        ]);
        // Neither a delivered nor a dead row is ever claimed again.
        expect((await outbox.claim(10, at(10_000_000), 60_000)).map((n) => n.alertId)).toEqual(['alert-2']);
      }),
  );

  it.runIf(run)('two senders claiming concurrently never take the same row', async () => {
    const schema = uniqueSchema();
    const one = await openMigrated(backend, schema);
    // On the server a second store is a second pool: real concurrency; PGlite serialises.
    const two = backend.name === 'postgres' ? await openMigrated(backend, schema) : one;
    try {
      const notes = Array.from({ length: 300 }, (_, i) => note(i));
      await createOutboxStore(one).enqueue(notes, T0);
      const drain = async (db: OperationalStore) => {
        const out: string[] = [];
        const store = createOutboxStore(db);
        for (;;) {
          const got = await Promise.all([store.claim(7, T0, 60_000), store.claim(7, T0, 60_000)]);
          if (got.every((g) => g.length === 0)) return out;
          for (const g of got) out.push(...g.map((n) => n.alertId));
        }
      };
      const [a, b] = await Promise.all([drain(one), drain(two)]);
      const all = [...a, ...b];
      expect(new Set(all).size).toBe(all.length);
      expect(all).toHaveLength(300);
      if (backend.name === 'postgres') expect(a.length > 0 && b.length > 0).toBe(true);
    } finally {
      if (two !== one) await two.close();
      await one.close();
    }
  });

  it.runIf(run && backend.name === 'postgres')(
    'a claim skips the rows another sender holds locked instead of waiting for them (negative control: without SKIP LOCKED it waits)',
    async () => {
      const schema = uniqueSchema();
      const one = await openMigrated(backend, schema);
      const two = await openMigrated(backend, schema);
      try {
        await createOutboxStore(one).enqueue(
          Array.from({ length: 10 }, (_, i) => note(i)),
          T0,
        );
        let release!: () => void;
        const held = new Promise<void>((r) => (release = r));
        let locked!: () => void;
        const isLocked = new Promise<void>((r) => (locked = r));
        const holder = one.transaction(async (tx) => {
          await tx.query('SELECT id FROM outbox ORDER BY id LIMIT 5 FOR UPDATE');
          locked();
          await held;
        });
        await isLocked;
        const got = await createOutboxStore(two).claim(10, T0, 60_000);
        expect(got.map((n) => n.alertId)).toEqual(['alert-5', 'alert-6', 'alert-7', 'alert-8', 'alert-9']);
        // The same claim without SKIP LOCKED blocks on the held rows (here: until lock_timeout).
        await expect(
          two.transaction(async (tx) => {
            await tx.query("SET LOCAL lock_timeout = '300ms'");
            await tx.query(`SELECT id FROM outbox WHERE status = 'pending' ORDER BY id LIMIT 10 FOR UPDATE`);
          }),
        ).rejects.toMatchObject({ code: '55P03' });
        release();
        await holder;
      } finally {
        await two.close();
        await one.close();
      }
    },
  );
});
