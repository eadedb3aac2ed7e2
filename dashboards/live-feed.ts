import type { Logger } from 'pino';
import type { Jurisdiction } from '../schemas/access.ts';
import type { AlertChangeReader, AlertChangeRow } from '../storage/alert-changes.ts';

/**
 * The alert changes behind GET /v1/live (dashboards/live-routes.ts): one poll of the
 * operational store every `pollMs` for the whole process, whatever the number of connected
 * clients, fanned out to each of them. Polling the store (rather than hooking the lifecycle
 * feed) sees every writer: this process's grouping, an officer's step, another process.
 */

/** What the poller remembers between polls: the newest change seen and the versions seen near it. */
export interface ChangeCursor {
  /** Epoch ms of the newest `updated_at` seen; null before the first poll. */
  at: number | null;
  /** Alert id → the version and epoch ms of the change seen, for changes within the overlap of `at`. */
  seen: ReadonlyMap<string, { version: number; at: number }>;
}

export const START: ChangeCursor = { at: null, seen: new Map() };

/**
 * The changes among `rows` not seen yet, and the cursor after them (pure). The first poll
 * (cursor.at null) only takes its bearings, from `now` on: what changed before anyone
 * listened is not news.
 * The next poll asks from `at - overlapMs` (writers' clocks differ a little, and several
 * changes share one instant under a fixed clock); the versions seen in that window keep a
 * change from being told twice.
 */
export function advance(
  cursor: ChangeCursor,
  rows: readonly AlertChangeRow[],
  overlapMs: number,
  now: number,
): { cursor: ChangeCursor; changed: AlertChangeRow[] } {
  const changed = cursor.at === null ? [] : rows.filter((r) => cursor.seen.get(r.id)?.version !== r.version);
  let at = cursor.at ?? now;
  for (const r of rows) at = Math.max(at, Date.parse(r.updated_at));
  const seen = new Map(cursor.seen);
  for (const r of rows) seen.set(r.id, { version: r.version, at: Date.parse(r.updated_at) });
  for (const [id, s] of seen) if (s.at < at - overlapMs) seen.delete(id);
  return { cursor: { at, seen }, changed };
}

/** Whether a caller of this jurisdiction sees the alert: the lifecycle store's list filter, on the same columns. */
export function seesAlert(j: Jurisdiction, row: Pick<AlertChangeRow, 'communes' | 'provinces'>): boolean {
  switch (j.level) {
    case 'national':
      return true;
    case 'province':
      return row.provinces.includes(j.province);
    case 'communes':
      return row.communes.some((c) => j.communes.includes(c));
  }
}

export interface AlertChangePollerDeps {
  changes: AlertChangeReader;
  log: Logger;
  /** Now, epoch ms (the pipeline's clock: alerts are stamped with it). */
  now: () => number;
  /** Between polls, ms. Default 2000. */
  pollMs?: number;
  /** How far before the newest change each poll looks again, ms. Default 10 000. */
  overlapMs?: number;
}

/**
 * Polls while someone listens: `subscribe` starts the timer with the first listener, the last
 * `unsubscribe` stops it (and forgets the cursor, so a later start takes its bearings again).
 */
export function createAlertChangePoller(deps: AlertChangePollerDeps) {
  const pollMs = deps.pollMs ?? 2000;
  const overlapMs = deps.overlapMs ?? 10_000;
  const listeners = new Set<(rows: readonly AlertChangeRow[]) => void>();
  let cursor = START;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const poll = async () => {
    const since = new Date((cursor.at ?? deps.now()) - overlapMs);
    const rows = await deps.changes.changedSince(since, 1000);
    const next = advance(cursor, rows, overlapMs, deps.now());
    cursor = next.cursor;
    if (next.changed.length > 0) for (const fn of listeners) fn(next.changed);
  };
  const tick = () => {
    running ??= poll()
      .catch((err: unknown) => deps.log.warn({ err }, 'live updates: polling alert changes failed'))
      .finally(() => (running = undefined));
  };
  const stop = () => {
    clearInterval(timer);
    timer = undefined;
    cursor = START;
  };
  return {
    subscribe(fn: (rows: readonly AlertChangeRow[]) => void): () => void {
      listeners.add(fn);
      if (timer === undefined) {
        tick();
        timer = setInterval(tick, pollMs);
        timer.unref();
      }
      return () => {
        listeners.delete(fn);
        if (listeners.size === 0) stop();
      };
    },
    /** Stops polling and waits for a poll under way. */
    async close(): Promise<void> {
      listeners.clear();
      stop();
      await running;
    },
  };
}

export type AlertChangePoller = ReturnType<typeof createAlertChangePoller>;
