import type { Jurisdiction } from '../schemas/access.ts';
import { coversCommune } from '../schemas/access.ts';

/**
 * New counts for GET /v1/live (dashboards/live-routes.ts): the count processor tells which
 * (series, commune, day) it has just stored (`onCountsChanged`); they are coalesced for
 * `throttleMs` and told to every listener at once, at most one batch per window, whatever the
 * rate of batches. Each stream keeps only the keys its caller's jurisdiction covers
 * (`scopeCounts`). In-process: a process that only serves the API (role `ingest`, the counts
 * stored by another process) hears of none.
 */

/** One count that moved: a series in a commune on a local day. */
export interface CountChangeKey {
  readonly syndrome: string;
  readonly commune_code: string;
  /** YYYY-MM-DD */
  readonly day: string;
}

/** What a `counts` event tells: the communes, series and days that moved (sorted, distinct). */
export interface CountsEvent {
  communes: string[];
  syndromes: string[];
  days: string[];
}

/**
 * The event a caller of `j` receives for `keys` (pure): only the keys of communes it covers,
 * summarised; null when none is (the caller hears nothing). Series starting with `_` (the
 * denominators) move with every encounter and are left out of `syndromes`, not of the communes.
 */
export function scopeCounts(
  j: Jurisdiction,
  keys: readonly CountChangeKey[],
  provinceOf: (commune: string) => string | undefined,
): CountsEvent | null {
  const mine = keys.filter((k) => coversCommune(j, k.commune_code, provinceOf));
  if (mine.length === 0) return null;
  const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();
  return {
    communes: sorted(mine.map((k) => k.commune_code)),
    syndromes: sorted(mine.map((k) => k.syndrome).filter((s) => !s.startsWith('_'))),
    days: sorted(mine.map((k) => k.day)),
  };
}

export interface CountFeedOptions {
  /** The coalescing window, ms: at most one batch per window. Default 3000. */
  throttleMs?: number;
}

/** Coalesces the processor's count changes and fans them out (see the module's comment). */
export function createCountFeed(options: CountFeedOptions = {}) {
  const throttleMs = options.throttleMs ?? 3000;
  const listeners = new Set<(keys: readonly CountChangeKey[]) => void>();
  let pending = new Map<string, CountChangeKey>();
  let timer: NodeJS.Timeout | undefined;

  const flush = () => {
    timer = undefined;
    const keys = [...pending.values()];
    pending = new Map();
    if (keys.length > 0) for (const fn of listeners) fn(keys);
  };
  return {
    /** The processor stored these counts (ignored while nobody listens). */
    push(keys: readonly CountChangeKey[]): void {
      if (listeners.size === 0) return;
      for (const k of keys) pending.set(`${k.syndrome}\t${k.commune_code}\t${k.day}`, k);
      if (timer === undefined && pending.size > 0) {
        timer = setTimeout(flush, throttleMs);
        timer.unref();
      }
    },
    subscribe(fn: (keys: readonly CountChangeKey[]) => void): () => void {
      listeners.add(fn);
      return () => {
        listeners.delete(fn);
        if (listeners.size === 0) {
          clearTimeout(timer);
          timer = undefined;
          pending = new Map();
        }
      };
    },
    close(): void {
      listeners.clear();
      clearTimeout(timer);
      timer = undefined;
      pending = new Map();
    },
  };
}

export type CountFeed = ReturnType<typeof createCountFeed>;
