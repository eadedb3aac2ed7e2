import { afterAll, describe, expect, it } from 'vitest';
import { createUserStore, type NewUser } from '../../../storage/users.ts';
import { createAuditStore, type AuditContext } from '../../../storage/audit.ts';
import type { SubscriptionInput } from '../../../storage/subscriptions.ts';
import type { OperationalStore } from '../../../platform/operational-store.ts';
import { openMigrated, pgliteBackend, serverAnswers, serverBackend } from './backends.ts';

const pglite = pgliteBackend();
afterAll(() => pglite.cleanup());
const hasServer = await serverAnswers();

const T0 = Date.parse('2026-12-01T00:00:00Z');
const by: AuditContext = { actor: { username: 'root', role: 'admin', via: 'session' }, clientAddress: '192.0.2.7' };
const officer: NewUser = {
  username: 'bn.officer',
  role: 'officer',
  jurisdiction: { level: 'province', province: '24' },
  email: 'bn.officer@example.vn',
};
const redDengue: SubscriptionInput = {
  syndromes: ['dengue'],
  minLevel: 'red',
  channels: ['email', 'webhook'],
  webhookUrl: 'https://hooks.example.vn/ews?key=secret',
  head: true,
  active: true,
};

describe.each([
  { backend: pglite, run: true },
  { backend: serverBackend(), run: hasServer },
])('subscriptions on $backend.name', ({ backend, run }) => {
  const withDb = async (fn: (db: OperationalStore, clock: { now: () => number; advance: (ms: number) => void }) => Promise<void>) => {
    const db = await openMigrated(backend);
    let now = T0;
    try {
      await fn(db, { now: () => now, advance: (ms) => (now += ms) });
    } finally {
      await db.close();
    }
  };

  it.runIf(run)('none until written; written, read back, replaced; each real change audited once, the webhook URL never', () =>
    withDb(async (db, clock) => {
      const users = createUserStore(db, clock);
      const audit = createAuditStore(db, clock);
      await users.add(officer);
      await users.add({ ...officer, username: 'hy.officer', jurisdiction: { level: 'province', province: '33' } });
      expect(await users.subscription('bn.officer')).toBeUndefined();
      await expect(users.subscription('nobody')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(users.setSubscription('nobody', redDengue, by)).rejects.toMatchObject({ code: 'NOT_FOUND' });

      const written = await users.setSubscription('bn.officer', redDengue, by);
      expect(written).toEqual({ ...redDengue, updatedAt: new Date(T0).toISOString() });
      expect(await users.subscription('bn.officer')).toEqual(written);
      // The same again writes nothing (negative control below: a real change does).
      clock.advance(60_000);
      expect(await users.setSubscription('bn.officer', redDengue, by)).toEqual(written);
      const changed = await users.setSubscription('bn.officer', { ...redDengue, minLevel: 'yellow', active: false }, by);
      expect(changed).toMatchObject({
        minLevel: 'yellow',
        active: false,
        syndromes: ['dengue'],
        updatedAt: new Date(T0 + 60_000).toISOString(),
      });
      expect([...(await users.subscriptions()).keys()]).toEqual(['bn.officer']);

      const rows = (await audit.list({ action: 'user.subscription', limit: 10 })).records;
      expect(rows.map((r) => r.details)).toEqual([
        { min_level: 'yellow', active: false },
        { syndromes: ['dengue'], min_level: 'red', channels: ['email', 'webhook'], webhook_url_set: true, head: true, active: true },
      ]);
      expect(rows[1]).toMatchObject({ actor: 'root', target: 'bn.officer', clientAddress: '192.0.2.7' });
      expect(JSON.stringify(rows)).not.toContain('secret');
    }),
  );

  it.runIf(run)('the database refuses an unknown channel, a webhook channel without a URL, an unknown level', () =>
    withDb(async (db, clock) => {
      const users = createUserStore(db, clock);
      await users.add(officer);
      const bad: [Partial<SubscriptionInput>, RegExp][] = [
        [{ channels: ['email', 'pigeon' as 'sms'] }, /check/i],
        [{ webhookUrl: null }, /subscriptions_webhook/],
        [{ minLevel: 'orange' as 'red' }, /check/i],
        [{ webhookUrl: 'ftp://x' }, /check/i],
      ];
      for (const [over, re] of bad)
        await expect(users.setSubscription('bn.officer', { ...redDengue, ...over }), JSON.stringify(over)).rejects.toThrow(re);
      // Negative control: the same subscription without the fault is accepted.
      await expect(users.setSubscription('bn.officer', redDengue)).resolves.toMatchObject({ minLevel: 'red' });
    }),
  );
});
