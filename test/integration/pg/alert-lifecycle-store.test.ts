import { afterAll, describe, expect, it } from 'vitest';
import { groupEvidence, relevantForGrouping } from '../../../alerts/grouping.ts';
import { transition } from '../../../alerts/lifecycle.ts';
import { alertInJurisdiction } from '../../../alerts/lifecycle-routes.ts';
import type { Jurisdiction } from '../../../schemas/access.ts';
import type { OperationalStore } from '../../../platform/operational-store.ts';
import type { LifecycleAlert } from '../../../schemas/alert-lifecycle.ts';
import { createAlertLifecycleStore, type AlertLifecycleStore } from '../../../storage/alert-lifecycle.ts';
import { createAuditStore, type AuditContext } from '../../../storage/audit.ts';
import { cluster, counterIds, ev, province, provinceOf, stored } from '../../helpers/alert-evidence.ts';
import { openMigrated, pgliteBackend, serverAnswers, serverBackend } from './backends.ts';

const pglite = pgliteBackend();
afterAll(() => pglite.cleanup());
const hasServer = await serverAnswers();

const T0 = Date.parse('2026-07-03T02:00:00Z');
const at = (ms = 0) => new Date(T0 + ms).toISOString();
const officer: AuditContext = { actor: { username: 'bn.officer', role: 'officer', via: 'user_token' }, clientAddress: '192.0.2.9' };

interface Ctx {
  db: OperationalStore;
  store: AlertLifecycleStore;
  clock: { now: () => number; advance: (ms: number) => void };
}

describe.each([
  { backend: pglite, run: true },
  { backend: serverBackend(), run: hasServer },
])('alert lifecycle store on $backend.name', ({ backend, run }) => {
  const withStore = async (fn: (c: Ctx) => Promise<void>) => {
    const db = await openMigrated(backend);
    let now = T0;
    const clock = { now: () => now, advance: (ms: number) => void (now += ms) };
    try {
      await fn({ db, clock, store: createAlertLifecycleStore({ db, clock, decide: transition, provinceOf }) });
    } finally {
      await db.close();
    }
  };

  /** One open alert of commune 07774, stored. */
  const openOne = async (store: AlertLifecycleStore, id = 'A001'): Promise<LifecycleAlert> => {
    const r = groupEvidence([ev()], [], { provinceOf }, { at: at(), newId: () => id });
    return (await store.applyGrouping(r.changes))[0]!;
  };

  it.runIf(run)('stores a grouping batch, new and updated, and reads it back unchanged; a stale update is a CONFLICT', () =>
    withStore(async ({ db, store }) => {
      const first = groupEvidence([ev(), cluster(['07774', '07777'], '2026-07-03')], [], { provinceOf }, { at: at(), newId: counterIds() });
      expect(first.changes.map((c) => c.change)).toEqual(['opened']);
      const saved = await store.applyGrouping(first.changes);
      expect(saved).toEqual(first.changes.map((c) => c.alert));
      expect(await store.get('A001')).toEqual(first.changes[0]!.alert);
      // The same id opened twice (a reused id generator): a CONFLICT, not a second row.
      await expect(store.applyGrouping(first.changes)).rejects.toMatchObject({ code: 'CONFLICT', details: { alert_id: 'A001' } });

      const relevant = await store.relevant(at(60_000));
      const second = groupEvidence(
        [ev({ level: 'red', observed: 11 })],
        relevant,
        { provinceOf },
        { at: at(60_000), newId: counterIds('B') },
      );
      expect(second.changes.map((c) => [c.change, c.alert.version, c.alert.level])).toEqual([['updated', 2, 'red']]);
      const [updated] = await store.applyGrouping(second.changes);
      expect(updated).toEqual(second.changes[0]!.alert);

      // Applying the same batch again: the row is at version 2 now, the change was computed from 1.
      await expect(store.applyGrouping(second.changes)).rejects.toMatchObject({
        code: 'CONFLICT',
        details: { expected_version: 1, current_version: 2 },
      });
      // A batch that fails part-way leaves nothing: the opened alert B is rolled back with the stale update.
      const mixed = [
        ...groupEvidence([ev({ series: 'measles' })], [], { provinceOf }, { at: at(), newId: () => 'B9' }).changes,
        ...second.changes,
      ];
      await expect(store.applyGrouping(mixed)).rejects.toMatchObject({ code: 'CONFLICT' });
      expect(await store.get('B9')).toBeUndefined();
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM lifecycle_alerts');
      expect(rows[0]!.n).toBe(1);
    }),
  );

  it.runIf(run)('stores a merge (two alerts joined by their province) with its audit row', () =>
    withStore(async ({ db, store }) => {
      const ids = counterIds();
      const a = groupEvidence([ev({ area_code: '07774' })], [], { provinceOf }, { at: at(), newId: ids });
      await store.applyGrouping(a.changes);
      const b = groupEvidence([ev({ area_code: '07210' })], await store.relevant(at()), { provinceOf }, { at: at(), newId: ids });
      await store.applyGrouping(b.changes);
      const c = groupEvidence([province('24', '2026-06-29')], await store.relevant(at(1000)), { provinceOf }, { at: at(1000), newId: ids });
      expect(c.changes.map((x) => [x.alert.id, x.change])).toEqual([
        ['A001', 'updated'],
        ['A002', 'merged'],
      ]);
      await store.applyGrouping(c.changes);
      expect(await store.get('A002')).toMatchObject({ status: 'closed', merged_into: 'A001', version: 2 });
      expect((await store.get('A001'))?.area).toEqual({ level: 'province', code: '24', communes: ['07774', '07210'] });
      const audit = await createAuditStore(db, { now: () => T0 }).list({ action: 'alert.merge', limit: 10 });
      expect(audit.records.map((r) => [r.actor, r.target, r.details])).toEqual([['system', 'A002', { into: 'A001', version: 2 }]]);
    }),
  );

  it.runIf(run)('relevant() gives exactly the alerts relevantForGrouping keeps', () =>
    withStore(async ({ store }) => {
      const closed = (id: string, closedAt: string, over: Partial<LifecycleAlert> = {}) =>
        stored({ id, status: 'closed', closed_at: closedAt, version: 1, ...over });
      const alerts = [
        stored({ id: 'open1', version: 1 }),
        stored({ id: 'mon1', status: 'monitoring', version: 1 }),
        stored({ id: 'rc1', status: 'risk_characterised', version: 1 }),
        closed('recent', '2026-06-30T02:00:00.000Z'),
        closed('edge', '2026-06-26T02:00:00.000Z'), // exactly 7 days before: out (the rule is <)
        closed('justin', '2026-06-26T02:00:01.000Z'),
        closed('old', '2026-06-01T00:00:00.000Z'),
        stored({ id: 'disc', status: 'discarded', closed_at: '2026-07-02T00:00:00.000Z', version: 1 }),
        closed('merged', '2026-07-02T00:00:00.000Z', { merged_into: 'open1' }),
      ];
      await store.applyGrouping(alerts.map((alert) => ({ alert, change: 'opened' as const })));
      const expected = alerts
        .filter((a) => relevantForGrouping(a, at(), 7))
        .map((a) => a.id)
        .sort();
      // Negative control: the rule keeps some and drops some, so the comparison can fail.
      expect(expected).toEqual(['disc', 'justin', 'mon1', 'open1', 'rc1', 'recent']);
      expect((await store.relevant(at(), 7)).map((a) => a.id)).toEqual(expected);
      expect((await store.relevant(at(), 40)).map((a) => a.id)).toContain('old');
    }),
  );

  it.runIf(run)(
    'a transition writes the new version, its step and its audit row; stale version CONFLICT; forbidden names the allowed',
    () =>
      withStore(async ({ db, store, clock }) => {
        await openOne(store);
        clock.advance(60_000);
        const v = await store.transition('A001', 1, { type: 'verify', notes: 'called the health station' }, officer);
        expect(v).toMatchObject({ status: 'verified', version: 2, updated_at: at(60_000) });
        expect(await store.get('A001')).toEqual(v);
        await expect(
          store.transition('A001', 1, { type: 'assess_risk', hazard: 'h', exposure: 'e', context: 'c' }, officer),
        ).rejects.toMatchObject({
          code: 'CONFLICT',
          details: { expected_version: 1, current_version: 2 },
        });
        const refused = store.transition('A001', undefined, { type: 'reopen', reason: 'x' }, officer);
        await expect(refused).rejects.toMatchObject({
          code: 'TRANSITION_FORBIDDEN',
          status: 409,
          details: { status: 'verified', allowed: ['assess_risk', 'close'] },
        });
        await expect(refused).rejects.toThrow(/allowed: assess_risk, close.*được phép/);
        await expect(store.transition('nope', undefined, { type: 'verify' }, officer)).rejects.toMatchObject({ code: 'NOT_FOUND' });
        expect(await store.steps('A001')).toEqual([
          {
            alert_id: 'A001',
            from: 'open',
            to: 'verified',
            action: 'verify',
            actor: 'bn.officer',
            at: at(60_000),
            version: 2,
            notes: 'called the health station',
            details: {},
          },
        ]);
        const audit = (await createAuditStore(db, clock).list({ target: 'A001', limit: 10 })).records;
        expect(audit.map((r) => [r.action, r.actor, r.clientAddress, r.details])).toEqual([
          ['alert.verify', 'bn.officer', '192.0.2.9', { from: 'open', to: 'verified', version: 2, notes: 'called the health station' }],
        ]);
      }),
  );

  it.runIf(run)('a failing audit write leaves no transition and no step (the change and its audit row are one transaction)', () =>
    withStore(async ({ db, store }) => {
      await openOne(store);
      // audit_log.actor is at most 200 characters: the audit insert fails, after the update and the step.
      const tooLong: AuditContext = { actor: { username: 'x'.repeat(201), role: 'officer', via: 'user_token' } };
      await expect(store.transition('A001', 1, { type: 'verify' }, tooLong)).rejects.toThrow(/check|audit_log/i);
      expect(await store.get('A001')).toMatchObject({ status: 'open', version: 1 });
      expect(await store.steps('A001')).toEqual([]);
      const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action LIKE 'alert.%'`);
      expect(rows[0]!.n).toBe(0);
      // Control: the same transition with a valid actor goes through, so the refusal above was the audit's.
      await store.transition('A001', 1, { type: 'verify' }, officer);
      expect((await store.steps('A001')).length).toBe(1);
    }),
  );

  it.runIf(run)('concurrent transitions on one alert: exactly one wins, with or without an expected version', () =>
    withStore(async ({ store }) => {
      await openOne(store, 'A001');
      await openOne(store, 'A002');
      const versioned = await Promise.allSettled([
        store.transition('A001', 1, { type: 'verify' }, officer),
        store.transition('A001', 1, { type: 'discard' }, officer),
        store.transition('A001', 1, { type: 'monitor' }, officer),
      ]);
      expect(versioned.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(versioned.filter((r) => r.status === 'rejected').map((r) => (r.reason as { code: string }).code)).toEqual([
        'CONFLICT',
        'CONFLICT',
      ]);
      // Without a version the row lock orders them: the second sees the first's status.
      const unversioned = await Promise.allSettled([
        store.transition('A002', undefined, { type: 'verify' }, officer),
        store.transition('A002', undefined, { type: 'discard' }, officer),
      ]);
      expect(unversioned.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(unversioned.filter((r) => r.status === 'rejected').map((r) => (r.reason as { code: string }).code)).toEqual([
        'TRANSITION_FORBIDDEN',
      ]);
      for (const id of ['A001', 'A002']) {
        expect(await store.get(id)).toMatchObject({ version: 2 });
        expect((await store.steps(id)).map((s) => s.version)).toEqual([2]);
      }
    }),
  );

  it.runIf(run)('lists by status, level, syndrome, area, days and jurisdiction, paged by cursor', () =>
    withStore(async ({ store }) => {
      const alerts = [
        stored({ id: 'c1', version: 1, opened_at: at(1), area: { level: 'commune', code: '07774', communes: ['07774'] } }),
        stored({ id: 'c2', version: 1, opened_at: at(2), level: 'red', area: { level: 'commune', code: '07210', communes: ['07210'] } }),
        stored({ id: 'p1', version: 1, opened_at: at(3), area: { level: 'province', code: '24', communes: ['07777'] } }),
        stored({ id: 'p0', version: 1, opened_at: at(4), area: { level: 'province', code: '24', communes: [] } }),
        stored({
          id: 'h1',
          version: 1,
          opened_at: at(5),
          family: 'measles',
          area: { level: 'commune', code: '11001', communes: ['11001'] },
        }),
        stored({
          id: 'x1',
          version: 1,
          opened_at: at(6),
          status: 'discarded',
          closed_at: at(),
          first_day: '2026-05-01',
          last_day: '2026-05-02',
        }),
      ];
      await store.applyGrouping(alerts.map((alert) => ({ alert, change: 'opened' as const })));
      const ids = async (f: Partial<Parameters<AlertLifecycleStore['list']>[0]>) =>
        (await store.list({ jurisdiction: { level: 'national' }, limit: 100, ...f })).alerts.map((a) => a.id);
      expect(await ids({})).toEqual(['x1', 'h1', 'p0', 'p1', 'c2', 'c1']);
      expect(await ids({ status: ['open'] })).toEqual(['h1', 'p0', 'p1', 'c2', 'c1']);
      expect(await ids({ level: ['red'] })).toEqual(['c2']);
      expect(await ids({ syndrome: 'measles' })).toEqual(['h1']);
      expect(await ids({ areas: ['07777'] })).toEqual(['p1']);
      expect(await ids({ areas: ['33'] })).toEqual(['h1']);
      expect(await ids({ from: '2026-06-01' })).toEqual(['h1', 'p0', 'p1', 'c2', 'c1']);
      expect(await ids({ to: '2026-05-31' })).toEqual(['x1']);
      expect(await ids({ jurisdiction: { level: 'province', province: '24' } })).toEqual(['x1', 'p0', 'p1', 'c2', 'c1']);
      // A commune officer sees the province alert naming their commune, not one naming none.
      expect(await ids({ jurisdiction: { level: 'communes', communes: ['07777'] } })).toEqual(['p1']);
      expect(await ids({ jurisdiction: { level: 'communes', communes: ['99999'] } })).toEqual([]);
      // The SQL filter and the routes' check on one alert (alerts/lifecycle-routes.ts) agree.
      const jurisdictions: Jurisdiction[] = [
        { level: 'national' },
        { level: 'province', province: '24' },
        { level: 'province', province: '33' },
        { level: 'communes', communes: ['07777'] },
        { level: 'communes', communes: ['07210', '11001'] },
      ];
      for (const jurisdiction of jurisdictions) {
        const inside = alerts.filter((a) => alertInJurisdiction(jurisdiction, a, provinceOf)).map((a) => a.id);
        expect(await ids({ jurisdiction }), JSON.stringify(jurisdiction)).toEqual(inside.reverse());
      }
      const page1 = await store.list({ jurisdiction: { level: 'national' }, limit: 4 });
      expect(page1.alerts.map((a) => a.id)).toEqual(['x1', 'h1', 'p0', 'p1']);
      const page2 = await store.list({ jurisdiction: { level: 'national' }, limit: 4, cursor: page1.nextCursor! });
      expect([page2.alerts.map((a) => a.id), page2.nextCursor]).toEqual([['c2', 'c1'], null]);
      await expect(store.list({ jurisdiction: { level: 'national' }, limit: 4, cursor: 'junk' })).rejects.toMatchObject({
        code: 'BAD_QUERY',
      });
    }),
  );
});
