import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../../access/authenticate.ts';
import { transitionNotices, type NoticeContext } from '../../../alerts/alert-notices.ts';
import { groupEvidence } from '../../../alerts/grouping.ts';
import { transition } from '../../../alerts/lifecycle.ts';
import { registerAlertLifecycleRoutes } from '../../../alerts/lifecycle-routes.ts';
import type { Subscriber } from '../../../alerts/officers-file.ts';
import { createHttpBase } from '../../../platform/http.ts';
import { createLogger } from '../../../platform/logger.ts';
import type { OperationalStore, Queryable } from '../../../platform/operational-store.ts';
import type { LifecycleAlert, LifecycleStep } from '../../../schemas/alert-lifecycle.ts';
import { createAlertLifecycleStore, type AlertLifecycleStore } from '../../../storage/alert-lifecycle.ts';
import { createAuditStore, type AuditContext } from '../../../storage/audit.ts';
import { createOutboxStore, enqueue } from '../../../storage/outbox.ts';
import { createSessionStore } from '../../../storage/sessions.ts';
import { createUserStore } from '../../../storage/users.ts';
import { ev, provinceOf } from '../../helpers/alert-evidence.ts';
import { openMigrated, pgliteBackend, serverAnswers, serverBackend } from './backends.ts';

// The declared end of an outbreak notifies through the outbox in the transaction of the step
// (storage/alert-lifecycle.ts `transition(…, within)`): both commit or neither, once per
// alert version × recipient × channel; through the routes, only that step reads subscribers.
const pglite = pgliteBackend();
afterAll(() => pglite.cleanup());
const hasServer = await serverAnswers();

const T0 = Date.parse('2026-07-03T02:00:00Z');
const officer: AuditContext = { actor: { username: 'bn.officer', role: 'officer', via: 'user_token' }, clientAddress: '192.0.2.9' };
const sub = (username: string, province: string, email: string): Subscriber => ({
  username,
  name: username,
  role: 'officer',
  jurisdiction: { level: 'province', province },
  syndromes: 'all',
  minLevel: 'yellow',
  channels: { email },
  lang: 'vi',
  head: false,
});
const ctx: NoticeContext = {
  subscribers: [sub('bn.tinh', '24', 'bn.tinh@example.vn'), sub('bn.en', '24', 'bn.en@example.vn'), sub('hy.tinh', '33', 'hy@example.vn')],
  provinceOf,
  units: { get: () => undefined, byProvince: () => [] },
  channels: ['email'],
};
const withinOf =
  (c: NoticeContext) =>
  async (tx: Queryable, a: LifecycleAlert, s: LifecycleStep): Promise<void> => {
    await enqueue(tx, transitionNotices(a, s, c), new Date(s.at));
  };

describe.each([
  { backend: pglite, run: true },
  { backend: serverBackend(), run: hasServer },
])('end-of-outbreak notices on $backend.name', ({ backend, run }) => {
  const withStore = async (fn: (db: OperationalStore, store: AlertLifecycleStore) => Promise<void>) => {
    const db = await openMigrated(backend);
    let now = T0;
    const clock = { now: () => (now += 60_000) };
    try {
      await fn(db, createAlertLifecycleStore({ db, clock, decide: transition, provinceOf }));
    } finally {
      await db.close();
    }
  };
  /** Commune 07774 (Bắc Ninh) opened, verified and closed as an ended outbreak: version 3. */
  const closedOne = async (store: AlertLifecycleStore): Promise<LifecycleAlert> => {
    const r = groupEvidence([ev()], [], { provinceOf }, { at: new Date(T0).toISOString(), newId: () => 'A001' });
    await store.applyGrouping(r.changes);
    await store.transition('A001', 1, { type: 'verify' }, officer, withinOf(ctx));
    return store.transition('A001', 2, { type: 'close', outcome: 'outbreak_confirmed_ended' }, officer, withinOf(ctx));
  };

  it.runIf(run)('declaring the end writes one row per recipient of the alert with the step; closing and verifying write none', () =>
    withStore(async (db, store) => {
      const outbox = createOutboxStore(db);
      expect((await closedOne(store)).version).toBe(3);
      expect(await outbox.list('A001')).toEqual([]);
      const declared = await store.transition('A001', 3, { type: 'declare_outbreak_end', notes: 'hết ca mới' }, officer, withinOf(ctx));
      const rows = await outbox.list('A001');
      expect(rows.map((n) => [n.recipient, n.event, n.alertVersion, n.address]).sort()).toEqual([
        ['bn.en', 'outbreak_ended', 4, 'bn.en@example.vn'],
        ['bn.tinh', 'outbreak_ended', 4, 'bn.tinh@example.vn'],
      ]);
      expect(rows[0]!.payload).toMatchObject({
        message: { event: 'outbreak_ended', alert_id: 'A001', declared_by: 'bn.officer', note: 'hết ca mới', at: declared.updated_at },
      });
      // The same version replayed enqueues nothing new (key: alert, version, event, recipient, channel).
      const s = (await store.steps('A001')).at(-1)!;
      expect(await enqueue(db, transitionNotices(declared, s, ctx), new Date())).toBe(0);
      expect(await outbox.list('A001')).toHaveLength(2);
    }),
  );

  it.runIf(run)('negative control: when the hook fails, the step, its audit row and the notices are all rolled back', () =>
    withStore(async (db, store) => {
      await closedOne(store);
      const failing = async (tx: Queryable, a: LifecycleAlert, s: LifecycleStep) => {
        await withinOf(ctx)(tx, a, s);
        throw new Error('the outbox is unavailable');
      };
      await expect(store.transition('A001', 3, { type: 'declare_outbreak_end' }, officer, failing)).rejects.toThrow(
        /outbox is unavailable/,
      );
      expect(await store.get('A001')).toMatchObject({ version: 3, outbreak_end: null });
      expect((await store.steps('A001')).map((s) => s.action)).toEqual(['verify', 'close']);
      const audit = await createAuditStore(db, { now: () => T0 }).list({ action: 'alert.declare_outbreak_end', limit: 10 });
      expect(audit.records).toEqual([]);
      expect(await createOutboxStore(db).list('A001')).toEqual([]);
      // The same step without the failure goes through, and notifies.
      await store.transition('A001', 3, { type: 'declare_outbreak_end' }, officer, withinOf(ctx));
      expect(await createOutboxStore(db).list('A001')).toHaveLength(2);
    }),
  );

  it.runIf(run)('through the routes: the declaration enqueues and wakes the sender once; other steps read no subscribers', () =>
    withStore(async (db, store) => {
      let now = T0;
      const clock = { now: () => now };
      const users = createUserStore(db, clock);
      await users.add({ username: 'bn.officer', role: 'officer', jurisdiction: { level: 'province', province: '24' } });
      const { token } = await users.issueToken('bn.officer');
      const authenticator = createAuthenticator({
        users,
        sessions: createSessionStore(db, clock),
        clock,
        adminToken: undefined,
        sessionTtlMs: 3_600_000,
        sessionIdleMs: 1_800_000,
        cookieSecure: false,
      });
      let contexts = 0;
      let wakes = 0;
      const app: FastifyInstance = createHttpBase({
        logger: createLogger({ level: 'silent' }),
        metrics: new Registry(),
        bodyLimit: 1 << 20,
        health: () => Promise.resolve({}),
        metricsAccess: 'elsewhere',
      });
      registerAlertLifecycleRoutes(app, {
        authenticate: (req) => authenticator.authenticate(req),
        store,
        provinceOf,
        notify: { context: () => Promise.resolve((contexts++, ctx)), enqueue, wake: () => void wakes++ },
      });
      await app.ready();
      try {
        const r = groupEvidence([ev()], [], { provinceOf }, { at: new Date(T0).toISOString(), newId: () => 'A001' });
        await store.applyGrouping(r.changes);
        const act = (payload: Record<string, unknown>) => {
          now += 60_000;
          return app.inject({ method: 'POST', url: '/v1/alerts/A001/actions', headers: { authorization: `Bearer ${token}` }, payload });
        };
        expect((await act({ type: 'verify' })).statusCode).toBe(200);
        expect((await act({ type: 'close', outcome: 'outbreak_confirmed_ended' })).statusCode).toBe(200);
        expect([contexts, wakes]).toEqual([0, 0]);
        expect((await act({ type: 'declare_outbreak_end', notes: 'kết thúc' })).statusCode).toBe(200);
        expect([contexts, wakes]).toEqual([1, 1]);
        expect((await createOutboxStore(db).list('A001')).map((n) => n.recipient).sort()).toEqual(['bn.en', 'bn.tinh']);
        // Refused again: nothing enqueued, nobody woken.
        expect((await act({ type: 'declare_outbreak_end' })).statusCode).toBe(409);
        expect(wakes).toBe(1);
        expect(await createOutboxStore(db).list('A001')).toHaveLength(2);
        // Without the detail deps, the detail says there is no series and no line list, and why not.
        const detail = await app.inject({ url: '/v1/alerts/A001', headers: { authorization: `Bearer ${token}` } });
        expect(detail.json()).toMatchObject({ alert: { id: 'A001' }, series: null, line_list: null, line_list_withheld: null });
      } finally {
        await app.close();
      }
    }),
  );
});
