/**
 * Stored subscriptions of the store's users (issue 10, schemas/pg-migrations/006_subscriptions.sql):
 * which syndromes, from which level, on which channels a user is notified. A user without a
 * row keeps the default the alert room gives them (alerts/officers-file.ts subscriberFromUser).
 */
import type { Clock } from '../platform/clock.ts';
import { AppError } from '../platform/errors.ts';
import type { OperationalStore, Queryable } from '../platform/operational-store.ts';
import { SYSTEM_ACTOR, writeAudit, type AuditContext } from './audit.ts';

export const SUBSCRIPTION_CHANNELS = ['email', 'sms', 'webhook'] as const;
export type SubscriptionChannel = (typeof SUBSCRIPTION_CHANNELS)[number];

/** What a user subscribes to, as written. */
export interface SubscriptionInput {
  /** Syndrome families of interest; empty = every one. */
  syndromes: readonly string[];
  minLevel: 'yellow' | 'red';
  channels: readonly SubscriptionChannel[];
  /** Where the `webhook` channel posts; required when it is among the channels. */
  webhookUrl: string | null;
  /** A province (or national) head: escalations of unacknowledged red alerts go to them. */
  head: boolean;
  /** false: notified of nothing (the choices kept). */
  active: boolean;
}

export interface StoredSubscription extends SubscriptionInput {
  updatedAt: string;
}

export interface SubscriptionStore {
  /** The user's stored subscription, undefined when they have none. NOT_FOUND when there is no such user. */
  subscription(username: string): Promise<StoredSubscription | undefined>;
  /**
   * Writes the user's subscription (replacing any). NOT_FOUND. Audited as `user.subscription`
   * with the fields that changed (a webhook URL only as `webhook_url_set`: it may carry a
   * secret); nothing written when nothing changed.
   */
  setSubscription(username: string, input: SubscriptionInput, by?: AuditContext): Promise<StoredSubscription>;
  /** Every stored subscription by username (what the notifier reads for each batch). */
  subscriptions(): Promise<Map<string, StoredSubscription>>;
}

/** The bilingual NOT_FOUND of an unknown username (shared with storage/users.ts). */
export const userNotFound = (username: string): AppError =>
  new AppError('NOT_FOUND', `no user ${username} / không có người dùng ${username}`, { details: { username } });

interface SubscriptionRow {
  syndromes: string[];
  min_level: 'yellow' | 'red';
  channels: SubscriptionChannel[];
  webhook_url: string | null;
  head: boolean;
  active: boolean;
  updated_at: Date;
}

const COLUMNS = 's.syndromes, s.min_level, s.channels, s.webhook_url, s.head, s.active, s.updated_at';

/** The subscription functions of the user store (storage/users.ts composes them into UserStore). */
export function createSubscriptionStore(db: OperationalStore, clock: Clock): SubscriptionStore {
  const userAndSubscription = async (q: Queryable, username: string, lock: boolean) => {
    const { rows } = await q.query<{ id: string } & Partial<SubscriptionRow>>(
      `SELECT u.id, ${COLUMNS} FROM users u LEFT JOIN subscriptions s ON s.user_id = u.id WHERE u.username = $1
       ${lock ? 'FOR UPDATE OF u' : ''}`,
      [username],
    );
    const row = rows[0];
    if (!row) throw userNotFound(username);
    return { id: row.id, subscription: row.updated_at ? toSubscription(row as SubscriptionRow) : undefined };
  };
  return {
    subscription: async (username) => (await userAndSubscription(db, username, false)).subscription,
    setSubscription: (username, input, by = { actor: SYSTEM_ACTOR }) =>
      db.transaction(async (tx) => {
        const { id, subscription: before } = await userAndSubscription(tx, username, true);
        const changed = (Object.keys(FIELDS) as (keyof SubscriptionInput)[]).filter(
          (k) => before === undefined || JSON.stringify(before[k]) !== JSON.stringify(input[k]),
        );
        if (before !== undefined && changed.length === 0) return before;
        const at = new Date(clock.now());
        const { rows } = await tx.query<SubscriptionRow>(
          `INSERT INTO subscriptions AS s (user_id, syndromes, min_level, channels, webhook_url, head, active, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (user_id) DO UPDATE SET syndromes = EXCLUDED.syndromes, min_level = EXCLUDED.min_level,
             channels = EXCLUDED.channels, webhook_url = EXCLUDED.webhook_url, head = EXCLUDED.head,
             active = EXCLUDED.active, updated_at = EXCLUDED.updated_at
           RETURNING ${COLUMNS}`,
          [id, [...input.syndromes], input.minLevel, [...input.channels], input.webhookUrl, input.head, input.active, at],
        );
        const after = toSubscription(rows[0]!);
        await writeAudit(
          tx,
          {
            ...by,
            action: 'user.subscription',
            target: username,
            details: Object.fromEntries(changed.map((k) => FIELDS[k](after))),
          },
          at,
        );
        return after;
      }),
    async subscriptions() {
      const { rows } = await db.query<{ username: string } & SubscriptionRow>(
        `SELECT u.username, ${COLUMNS} FROM subscriptions s JOIN users u ON u.id = s.user_id ORDER BY u.username`,
      );
      return new Map(rows.map((r) => [r.username, toSubscription(r)]));
    },
  };
}

/** Each field as the audit row records it (snake_case, as on the wire). */
const FIELDS: Record<keyof SubscriptionInput, (s: SubscriptionInput) => [string, unknown]> = {
  syndromes: (s) => ['syndromes', s.syndromes.length === 0 ? 'all' : s.syndromes],
  minLevel: (s) => ['min_level', s.minLevel],
  channels: (s) => ['channels', s.channels],
  webhookUrl: (s) => ['webhook_url_set', s.webhookUrl !== null],
  head: (s) => ['head', s.head],
  active: (s) => ['active', s.active],
};

function toSubscription(r: SubscriptionRow): StoredSubscription {
  return {
    syndromes: r.syndromes,
    minLevel: r.min_level,
    channels: r.channels,
    webhookUrl: r.webhook_url,
    head: r.head,
    active: r.active,
    updatedAt: r.updated_at.toISOString(),
  };
}
