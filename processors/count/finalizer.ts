import type { DailyCountStore, EventPart } from '../../storage/daily-counts.ts';

/**
 * The count finalizer: writes plain daily counts (with strata) for closed days — days at least
 * `horizonDays` before today — into `daily_counts`, so trends read a few bytes per cell there
 * instead of merging event-identity states. The event-time window accepts events up to years
 * late (schemas/event-time.ts), so a closed day can still change: every run compares the
 * `events` parts with those of its last complete run, and a part it has not seen (an insert,
 * or a merge) makes every finalized day in that part's day range be written again.
 *
 * Idempotent and crash-safe: a day's rows are written at a new version (ReplacingMergeTree,
 * read FINAL), then the day is marked finalized, then the parts list is recorded. A crash after
 * the rows leaves the day open (read live) until the next run rewrites it; a crash before the
 * parts list is recorded only makes the next run check again. Nothing is ever added to a count.
 */

export interface FinalizePlanInput {
  parts: readonly EventPart[];
  /** The parts of the last complete run; null: none recorded (every finalized day is re-checked). */
  seen: ReadonlySet<string> | null;
  finalized: ReadonlySet<number>;
  /** The last closed day (day number). */
  closedThrough: number;
  /** Days before it are left alone (open, read live): a backfill can finalize the recent years first. */
  from?: number | undefined;
}

/** The days to (re)write, ascending: closed days not finalized yet, and finalized days a new part touches. */
export function planFinalization(input: FinalizePlanInput): number[] {
  const { parts, seen, finalized, closedThrough, from = -Infinity } = input;
  const out = new Set<number>();
  if (parts.length > 0) {
    const first = Math.min(...parts.map((p) => p.minDay));
    for (let d = first; d <= closedThrough; d++) if (!finalized.has(d)) out.add(d);
  }
  for (const p of parts) {
    if (seen?.has(p.name)) continue;
    for (let d = p.minDay; d <= Math.min(p.maxDay, closedThrough); d++) if (finalized.has(d)) out.add(d);
  }
  if (seen === null) for (const d of finalized) if (d <= closedThrough) out.add(d);
  return [...out].filter((d) => d >= from).sort((a, b) => a - b);
}

/** Groups ascending days into batches of one calendar month (one `events` partition each). */
export function monthBatches(days: readonly number[]): number[][] {
  const out: number[][] = [];
  let key = '';
  for (const d of days) {
    const k = new Date(d * 86_400_000).toISOString().slice(0, 7);
    if (k !== key || out.length === 0) {
      out.push([]);
      key = k;
    }
    out.at(-1)!.push(d);
  }
  return out;
}

export interface FinalizerDeps {
  store: DailyCountStore;
  /** Today's local day number. */
  today: () => number;
  /** Days kept open after their end (late events expected); closed: day ≤ today − horizonDays. */
  horizonDays: number;
  /** The first day to finalize (day number); default: the first day of any events part. */
  from?: number | undefined;
  /** A version larger than any earlier run's (default: the clock in milliseconds). */
  version?: () => number;
  /** Test hook: called between writing a batch's rows and marking its days finalized. */
  afterRows?: (days: readonly number[]) => void | Promise<void>;
}

export interface FinalizeResult {
  days: number;
  batches: number;
}

/** One finalizer run. */
export async function runFinalizer(deps: FinalizerDeps): Promise<FinalizeResult> {
  const { store } = deps;
  // The parts are listed before any row is read: whatever lands later is in a part not listed.
  const parts = await store.eventParts();
  const [seen, finalized] = await Promise.all([store.readState(), store.finalizedDays()]);
  const version = deps.version?.() ?? Date.now();
  const days = planFinalization({ parts, seen, finalized, closedThrough: deps.today() - deps.horizonDays, from: deps.from });
  const batches = monthBatches(days);
  for (const batch of batches) {
    await store.writeDays(batch, version);
    await deps.afterRows?.(batch);
    await store.markFinalized(batch, version);
  }
  await store.writeState(
    parts.map((p) => p.name),
    version,
  );
  return { days: days.length, batches: batches.length };
}
