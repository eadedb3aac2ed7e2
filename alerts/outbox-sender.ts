/**
 * The outbox sender: claims due notifications (storage/outbox.ts), delivers each through its
 * channel (alerts/channels/), and marks it delivered only once the channel confirmed. A failed
 * attempt is scheduled again with exponential backoff and jitter ({@link backoffDelayMs}),
 * persisted as the row's next_attempt_at, so the wait survives a restart; after `maxAttempts`
 * claims, or at once on a refusal (DeliveryRefusedError, a programmer error), the row is dead.
 *
 * At-least-once towards the receiver, exactly once with its help: a crash between the send
 * and the mark leaves the row claimed until its lease runs out, then it is sent again with
 * the same idempotency key (e-mail Message-ID, `Idempotency-Key` header) for the receiver to
 * drop. Several senders may run on one store: claims never overlap (`FOR UPDATE SKIP LOCKED`).
 *
 * platform/retry.ts retries in memory within one call; here the wait must outlive the process,
 * so only its classification (`isRetryable`) is shared.
 */
import type { Logger } from 'pino';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Clock } from '../platform/clock.ts';
import { AppError } from '../platform/errors.ts';
import { isRetryable } from '../platform/retryable.ts';
import { sleep } from '../platform/retry.ts';
import type { Notification, OutboxStore } from '../storage/outbox.ts';
import { DeliveryRefusedError, type NotificationChannel } from './channels/channel.ts';
import { renderAlertMessage } from './messages.ts';
import type { NotificationPayload } from './notifications.ts';
import { CHANNELS, type ChannelKind } from './routing.ts';

export interface OutboxSenderConfig {
  /** Rows claimed at a time, default 20. */
  readonly batchSize: number;
  /** Wait when nothing was due, ms, default 1000. */
  readonly pollIntervalMs: number;
  /** How long a claim holds a row, ms, default 300 000 (5 min): longer than any delivery's timeout. */
  readonly leaseMs: number;
  /** Claims before a failing row is dead (status failed), default 10. */
  readonly maxAttempts: number;
  /** Wait after the first failure, ms, default 30 000; doubled per attempt. */
  readonly initialBackoffMs: number;
  /** Longest wait, ms, default 3 600 000 (1 h). */
  readonly maxBackoffMs: number;
}

export const DEFAULT_OUTBOX_SENDER_CONFIG: OutboxSenderConfig = {
  batchSize: 20,
  pollIntervalMs: 1000,
  leaseMs: 300_000,
  maxAttempts: 10,
  initialBackoffMs: 30_000,
  maxBackoffMs: 3_600_000,
};

/**
 * The wait after failed attempt `attempt` (1-based): `initial × 2^(attempt−1)` capped at `max`,
 * then "equal jitter": half of it fixed, half uniformly random (`random()` in [0, 1)), so
 * senders that failed together do not retry together, and the wait never shrinks below half.
 */
export function backoffDelayMs(attempt: number, initialMs: number, maxMs: number, random: () => number): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(base / 2 + random() * (base / 2));
}

export interface OutboxSenderDeps {
  readonly outbox: OutboxStore;
  /** The channels configured; a row for a missing one fails its attempt (retried, in case it is configured later). */
  readonly channels: Partial<Record<ChannelKind, NotificationChannel>>;
  readonly log: Logger;
  readonly registry: Registry;
  readonly clock: Clock;
  /** Base URL of the web page, for the alert link (`<baseUrl>/alerts/<id>`). */
  readonly baseUrl: string;
  readonly config?: Partial<OutboxSenderConfig> | undefined;
  /** Jitter source, default Math.random. */
  readonly random?: (() => number) | undefined;
}

export interface OutboxSender {
  /** Starts the loop (claim, deliver, mark; wait when idle). */
  start(): void;
  /** One claim and its deliveries; resolves the number claimed (tests, tools). */
  runOnce(): Promise<number>;
  /**
   * Cuts the idle wait short: call it after committing a transaction that enqueued
   * notifications, so delivery does not wait for the next poll.
   */
  wake(): void;
  /** Stops the loop: waits for the delivery in flight, gives the batch's untried rows back. Channels stay open (the caller owns them). */
  close(): Promise<void>;
}

function senderMetrics(registry: Registry, outbox: OutboxStore) {
  const labelNames = ['channel'] as const;
  return {
    sent: new Counter({
      name: 'ews_alerts_notifications_sent_total',
      help: 'Notifications delivered, by channel',
      labelNames,
      registers: [registry],
    }),
    failed: new Counter({
      name: 'ews_alerts_notifications_failed_total',
      help: 'Notifications given up (dead: refused, or out of attempts), by channel',
      labelNames,
      registers: [registry],
    }),
    retried: new Counter({
      name: 'ews_alerts_notification_retries_total',
      help: 'Failed delivery attempts scheduled again, by channel',
      labelNames,
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'ews_alerts_notification_delivery_seconds',
      help: 'Time from enqueue (the alert version written) to delivery, by channel',
      labelNames,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600],
      registers: [registry],
    }),
    pending: new Gauge({
      name: 'ews_alerts_notifications_pending',
      help: 'Notifications waiting for delivery in the outbox, by channel',
      labelNames,
      registers: [registry],
      async collect() {
        const counts = await outbox.pendingCounts().catch(() => undefined);
        if (counts === undefined) return;
        for (const c of CHANNELS) this.set({ channel: c }, counts.find((x) => x.channel === c)?.count ?? 0);
      },
    }),
  };
}

export function createOutboxSender(deps: OutboxSenderDeps): OutboxSender {
  const config: OutboxSenderConfig = { ...DEFAULT_OUTBOX_SENDER_CONFIG, ...deps.config };
  const random = deps.random ?? Math.random;
  const log = deps.log.child({ module: 'outbox-sender' });
  const metrics = senderMetrics(deps.registry, deps.outbox);
  const now = () => new Date(deps.clock.now());
  let stopping = false;
  let loop: Promise<void> | undefined;
  // One controller per idle wait: aborting it (wake, close) ends that wait.
  let idle = new AbortController();
  let woken = false;

  const deliverOne = async (n: Notification): Promise<void> => {
    const labels = { channel: n.channel };
    try {
      const channel = deps.channels[n.channel];
      if (channel === undefined) throw new AppError('DELIVERY_FAILED', `no ${n.channel} channel is configured`);
      const input = (n.payload as unknown as NotificationPayload).message;
      const message = renderAlertMessage(input, n.lang, deps.baseUrl);
      await channel.deliver({
        idempotencyKey: n.idempotencyKey,
        alertId: n.alertId,
        alertVersion: n.alertVersion,
        event: n.event,
        recipient: n.recipient,
        address: n.address,
        lang: n.lang,
        message,
        level: input.level,
        syndrome: input.syndrome,
      });
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      if (err instanceof DeliveryRefusedError || !isRetryable(err) || n.attempts >= config.maxAttempts) {
        await deps.outbox.markFailed(n.id, error);
        metrics.failed.inc(labels);
        log.error({ err, key: n.idempotencyKey, channel: n.channel, attempts: n.attempts }, 'notification given up');
        return;
      }
      const delay = backoffDelayMs(n.attempts, config.initialBackoffMs, config.maxBackoffMs, random);
      await deps.outbox.retryAt(n.id, error, new Date(deps.clock.now() + delay));
      metrics.retried.inc(labels);
      log.warn(
        { err, key: n.idempotencyKey, channel: n.channel, attempts: n.attempts, delay_ms: delay },
        'notification delivery failed, will retry',
      );
      return;
    }
    // Marked only now that the channel confirmed. A crash before this line leaves the row
    // claimed; after its lease it is sent again with the same idempotency key.
    const at = now();
    await deps.outbox.markDelivered(n.id, at);
    metrics.sent.inc(labels);
    metrics.latency.observe(labels, Math.max(0, at.getTime() - Date.parse(n.enqueuedAt)) / 1000);
    log.debug({ key: n.idempotencyKey, channel: n.channel }, 'notification delivered');
  };

  const runOnce = async (): Promise<number> => {
    const claimed = await deps.outbox.claim(config.batchSize, now(), config.leaseMs);
    for (let i = 0; i < claimed.length; i++) {
      if (stopping) {
        // Closing: the rows not tried yet go back at once, for the next sender.
        await deps.outbox.release(
          claimed.slice(i).map((n) => n.id),
          now(),
        );
        break;
      }
      await deliverOne(claimed[i]!);
    }
    return claimed.length;
  };

  const run = async (): Promise<void> => {
    while (!stopping) {
      let claimed = 0;
      try {
        claimed = await runOnce();
      } catch (err) {
        // The store is unavailable (or a mark failed): the rows come back after their lease.
        log.error({ err }, 'outbox round failed');
      }
      if (claimed === 0 && !stopping && !woken) {
        idle = new AbortController();
        await sleep(config.pollIntervalMs, idle.signal);
      }
      woken = false;
    }
  };

  return {
    start() {
      loop ??= run();
    },
    runOnce,
    wake() {
      woken = true;
      idle.abort();
    },
    async close() {
      stopping = true;
      idle.abort();
      await loop;
    },
  };
}
