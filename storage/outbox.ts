/**
 * The notification outbox on the operational store (schemas/pg-migrations/005_outbox.sql).
 *
 * - {@link enqueue} takes a transaction (a Queryable): the lifecycle store calls it inside the
 *   transaction that writes the alert version causing the notifications, so both are stored
 *   or neither. A notification whose idempotency key is already stored is skipped (a replay of
 *   the same alert version enqueues nothing new).
 * - `claim` hands a sender the due pending rows, `FOR UPDATE SKIP LOCKED` so concurrent senders
 *   never take the same row, and pushes each one lease ahead: a sender that dies holding rows
 *   gives them back when the lease runs out (a restart resumes them).
 * - A row is marked delivered only after its channel confirmed; a failure schedules the next
 *   attempt or, after the last one, marks it failed (dead).
 */
import type { OperationalStore, Queryable } from '../platform/operational-store.ts';

export type OutboxChannel = 'email' | 'sms' | 'webhook';
export type OutboxEvent = 'opened' | 'level_raised' | 'escalated' | 'outbreak_ended';
export type OutboxStatus = 'pending' | 'delivered' | 'failed';

/** One notification to write: an alert version's event for one recipient on one channel. */
export interface NewNotification {
  readonly alertId: string;
  readonly alertVersion: number;
  readonly event: OutboxEvent;
  /** Username (or a fixed name such as `*webhook` for the global webhook). */
  readonly recipient: string;
  readonly channel: OutboxChannel;
  /** E-mail address, phone number or webhook URL. */
  readonly address: string;
  readonly lang: 'vi' | 'en';
  /** What the channel renders; JSON. */
  readonly payload: Readonly<Record<string, unknown>>;
}

export interface Notification extends NewNotification {
  readonly id: string;
  readonly idempotencyKey: string;
  readonly status: OutboxStatus;
  /** Claims so far, this one included for a claimed row. */
  readonly attempts: number;
  readonly enqueuedAt: string;
  readonly nextAttemptAt: string;
  readonly lastError: string | null;
  readonly deliveredAt: string | null;
}

/**
 * The idempotency key of a notification: alert id, alert version, event kind, recipient and
 * channel. Deterministic, so the same alert version replayed gives the same keys.
 */
export function idempotencyKey(n: Pick<NewNotification, 'alertId' | 'alertVersion' | 'event' | 'recipient' | 'channel'>): string {
  return [n.alertId, `v${n.alertVersion}`, n.event, n.recipient, n.channel].map(encodeURIComponent).join('/');
}

const COLUMNS = `id::text AS id, idempotency_key, alert_id, alert_version, event, recipient, channel, address, lang, payload,
  status, attempts, enqueued_at, next_attempt_at, last_error, delivered_at`;

interface Row {
  id: string;
  idempotency_key: string;
  alert_id: string;
  alert_version: number;
  event: OutboxEvent;
  recipient: string;
  channel: OutboxChannel;
  address: string;
  lang: 'vi' | 'en';
  payload: Record<string, unknown>;
  status: OutboxStatus;
  attempts: number;
  enqueued_at: Date;
  next_attempt_at: Date;
  last_error: string | null;
  delivered_at: Date | null;
}

const toNotification = (r: Row): Notification => ({
  id: r.id,
  idempotencyKey: r.idempotency_key,
  alertId: r.alert_id,
  alertVersion: Number(r.alert_version),
  event: r.event,
  recipient: r.recipient,
  channel: r.channel,
  address: r.address,
  lang: r.lang,
  payload: r.payload,
  status: r.status,
  attempts: Number(r.attempts),
  enqueuedAt: r.enqueued_at.toISOString(),
  nextAttemptAt: r.next_attempt_at.toISOString(),
  lastError: r.last_error,
  deliveredAt: r.delivered_at ? r.delivered_at.toISOString() : null,
});

/** Rows per INSERT statement (10 parameters each, well under PostgreSQL's 65,535). */
const INSERT_CHUNK = 500;

/**
 * Writes notifications, due at once, in the caller's transaction. Returns how many were new:
 * a notification whose idempotency key is stored already is skipped (`ON CONFLICT DO NOTHING`).
 * Pass the transaction that writes the alert version, so both commit or neither.
 */
export async function enqueue(tx: Queryable, notifications: readonly NewNotification[], at: Date): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < notifications.length; i += INSERT_CHUNK) {
    const chunk = notifications.slice(i, i + INSERT_CHUNK);
    const params: unknown[] = [];
    const values = chunk.map((n) => {
      const b = params.length;
      params.push(
        idempotencyKey(n),
        n.alertId,
        n.alertVersion,
        n.event,
        n.recipient,
        n.channel,
        n.address,
        n.lang,
        JSON.stringify(n.payload),
        at,
      );
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7}, $${b + 8}, $${b + 9}::jsonb, $${b + 10}, $${b + 10})`;
    });
    // No conflict target: the skip follows whichever unique constraint the table has (the
    // negative-control test drops it and sees the duplicate).
    const r = await tx.query(
      `INSERT INTO outbox (idempotency_key, alert_id, alert_version, event, recipient, channel, address, lang, payload, enqueued_at, next_attempt_at)
       VALUES ${values.join(', ')} ON CONFLICT DO NOTHING`,
      params,
    );
    inserted += r.rowCount;
  }
  return inserted;
}

export interface OutboxCount {
  readonly channel: OutboxChannel;
  readonly status: OutboxStatus;
  readonly count: number;
}

export interface OutboxStore {
  /** {@link enqueue} in a transaction of its own (tests, tools); the lifecycle store uses `enqueue(tx, …)`. */
  enqueue(notifications: readonly NewNotification[], at: Date): Promise<number>;
  /**
   * Up to `limit` pending rows due at `now` (oldest due first), each counted as an attempt and
   * pushed `leaseMs` ahead so no other sender claims it meanwhile. Concurrent claims never
   * return the same row (`FOR UPDATE SKIP LOCKED`).
   */
  claim(limit: number, now: Date, leaseMs: number): Promise<Notification[]>;
  /** Marks a pending row delivered; false when it was not pending (already marked). */
  markDelivered(id: string, at: Date): Promise<boolean>;
  /** Records a failed attempt and when to try again. */
  retryAt(id: string, error: string, next: Date): Promise<void>;
  /** Records the last failed attempt: the row is dead (status failed). */
  markFailed(id: string, error: string): Promise<void>;
  /** Gives claimed rows back, due at `at` (a sender closing before it tried them); their attempt is not counted. */
  release(ids: readonly string[], at: Date): Promise<void>;
  /** Rows by channel and status (metrics). */
  counts(): Promise<OutboxCount[]>;
  /**
   * Pending rows by channel (the `ews_alerts_notifications_pending` gauge, on each scrape): only
   * the pending rows are read (the partial index `outbox_due`), not the delivered ones that pile up.
   */
  pendingCounts(): Promise<{ readonly channel: OutboxChannel; readonly count: number }[]>;
  /** Every row of an alert (or all), oldest first. */
  list(alertId?: string): Promise<Notification[]>;
}

export function createOutboxStore(db: OperationalStore): OutboxStore {
  return {
    enqueue: (notifications, at) => db.transaction((tx) => enqueue(tx, notifications, at)),
    async claim(limit, now, leaseMs) {
      const { rows } = await db.query<Row>(
        `UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $2
         WHERE id IN (
           SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1
           ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING ${COLUMNS}`,
        [now, new Date(now.getTime() + leaseMs), limit],
      );
      return rows.map(toNotification).sort((a, b) => Number(a.id) - Number(b.id));
    },
    async markDelivered(id, at) {
      const r = await db.query(
        `UPDATE outbox SET status = 'delivered', delivered_at = $2, last_error = NULL WHERE id = $1::bigint AND status = 'pending'`,
        [id, at],
      );
      return r.rowCount === 1;
    },
    async retryAt(id, error, next) {
      await db.query(`UPDATE outbox SET next_attempt_at = $2, last_error = $3 WHERE id = $1::bigint AND status = 'pending'`, [
        id,
        next,
        error.slice(0, 2000),
      ]);
    },
    async markFailed(id, error) {
      await db.query(`UPDATE outbox SET status = 'failed', last_error = $2 WHERE id = $1::bigint AND status = 'pending'`, [
        id,
        error.slice(0, 2000),
      ]);
    },
    async release(ids, at) {
      if (ids.length === 0) return;
      await db.query(
        `UPDATE outbox SET next_attempt_at = $2, attempts = GREATEST(attempts - 1, 0)
         WHERE id = ANY($1::bigint[]) AND status = 'pending'`,
        [[...ids], at],
      );
    },
    async counts() {
      const { rows } = await db.query<{ channel: OutboxChannel; status: OutboxStatus; n: string | number }>(
        'SELECT channel, status, count(*) AS n FROM outbox GROUP BY channel, status ORDER BY channel, status',
      );
      return rows.map((r) => ({ channel: r.channel, status: r.status, count: Number(r.n) }));
    },
    async pendingCounts() {
      const { rows } = await db.query<{ channel: OutboxChannel; n: string | number }>(
        `SELECT channel, count(*) AS n FROM outbox WHERE status = 'pending' GROUP BY channel ORDER BY channel`,
      );
      return rows.map((r) => ({ channel: r.channel, count: Number(r.n) }));
    },
    async list(alertId) {
      const { rows } = await db.query<Row>(
        `SELECT ${COLUMNS} FROM outbox ${alertId === undefined ? '' : 'WHERE alert_id = $1'} ORDER BY id`,
        alertId === undefined ? [] : [alertId],
      );
      return rows.map(toNotification);
    },
  };
}
