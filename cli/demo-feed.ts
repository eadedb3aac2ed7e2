import type { Pipeline } from './pipeline.ts';
import type { createAcceleratedClock } from '../platform/clock.ts';
import { localDayNumber, dayString } from '../processors/count/window.ts';
import { mondayOfWeek, weekOfDay } from '../processors/detect/periods.ts';
import type { createRng } from '../simulator/random.ts';
import { generateDay, type Outbreak, type SimUnit } from '../simulator/model.ts';
import { DEFAULT_TRAFFIC, scheduleTraffic, type Outgoing } from '../simulator/traffic.ts';
import type { createIngestClient } from '../simulator/client.ts';
import { localMidnight } from '../simulator/calendar.ts';

/** The demo's simulated hospitals, as the feed loops use them. */
export interface Sim {
  /** First live day (day number): history ends the day before. */
  start: number;
  model: { scale: number; outbreaks: Outbreak[] };
  units: SimUnit[];
  rng: ReturnType<typeof createRng>;
  client: ReturnType<typeof createIngestClient>;
  say: (s: string) => void;
  /** Aborted on Ctrl-C/SIGTERM or (--until-alert) at the outbreak's first alert: the loops stop sending. */
  stop: AbortSignal;
}

const BATCH = 5000;

/** Resolves with `p`, or early (undefined) when `stop` is aborted. */
function unlessStopped<T>(p: Promise<T>, stop: AbortSignal): Promise<T | undefined> {
  if (stop.aborted) return Promise.resolve(undefined);
  return new Promise<T | undefined>((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    stop.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        stop.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        stop.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/**
 * Sends the history day by day in large NDJSON batches, one hospital's lines per batch (its
 * key authenticates it), two requests in flight. On a stop it sends nothing more and resolves
 * once the requests in flight are answered.
 */
export async function loadHistory(pipeline: Pipeline, s: Sim & { historyDays: number }): Promise<void> {
  if (s.historyDays === 0) return;
  const started = Date.now();
  const buffers = new Map<string, Outgoing[]>();
  const inflight = new Set<Promise<void>>();
  const flush = async (hospital: string) => {
    const items = buffers.get(hospital) ?? [];
    buffers.delete(hospital);
    if (items.length === 0) return;
    const p = s.client.send(items).finally(() => inflight.delete(p));
    inflight.add(p);
    if (inflight.size >= 2) await Promise.race(inflight);
  };
  let lastReport = 0;
  for (let day = s.start - s.historyDays; day < s.start && !s.stop.aborted; day++) {
    const traffic = scheduleTraffic(generateDay(day, s.units, s.model, s.rng), DEFAULT_TRAFFIC, s.rng);
    for (const o of traffic) {
      let buffer = buffers.get(o.hospital);
      if (!buffer) buffers.set(o.hospital, (buffer = []));
      buffer.push(o);
      if (buffer.length >= BATCH) await flush(o.hospital);
      if (s.stop.aborted) break;
    }
    const done = day - (s.start - s.historyDays) + 1;
    if (!s.stop.aborted && (Date.now() - lastReport > 2000 || done === s.historyDays)) {
      lastReport = Date.now();
      const secs = (Date.now() - started) / 1000;
      const t = s.client.tally;
      s.say(
        `history / lịch sử ${dayString(day)}: ${done}/${s.historyDays} days, ${t.sent.toLocaleString('en')} sent, ` +
          `${t.duplicates} duplicates, ${t.rejected} rejected, ${Math.round(t.sent / secs).toLocaleString('en')} events/s`,
      );
    }
  }
  for (const hospital of [...buffers.keys()]) if (!s.stop.aborted) await flush(hospital);
  await Promise.all(inflight);
  if (s.stop.aborted) return;
  s.say('history sent; waiting for processors and detection …');
  await unlessStopped(pipeline.settle(), s.stop);
  if (s.stop.aborted) return;
  // Recent history days were evaluated as their counts arrived; the daily run (and its
  // space-time scan) starts with the live days. The last complete ISO week: the one before the week holding the start.
  await pipeline.detect.runWeek(mondayOfWeek(weekOfDay(s.start)) - 1);
  s.say(`history loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * Accelerated live traffic: events are sent when the simulated clock reaches their send time;
 * each day is closed by the daily (and on Mondays the weekly) detection run. Returns on a stop
 * once the request and the run in progress are done, or after `maxDays` live days.
 */
export async function runLive(
  pipeline: Pipeline,
  clock: ReturnType<typeof createAcceleratedClock>,
  s: Sim & { daySeconds: number; maxDays: number },
): Promise<void> {
  clock.set(localMidnight(s.start), 86_400 / s.daySeconds);
  const queue: Outgoing[] = [];
  let generatedUntil = s.start - 1;
  let currentDay = s.start;
  while (!s.stop.aborted) {
    const t = clock.now();
    const day = localDayNumber(t);
    while (generatedUntil < day + 1) {
      generatedUntil++;
      queue.push(...scheduleTraffic(generateDay(generatedUntil, s.units, s.model, s.rng), DEFAULT_TRAFFIC, s.rng));
      queue.sort((a, b) => a.sendAt - b.sendAt);
    }
    let n = 0;
    while (n < queue.length && queue[n]!.sendAt <= t) n++;
    const due = queue.splice(0, n);
    for (let i = 0; i < due.length && !s.stop.aborted; i += BATCH) await s.client.send(due.slice(i, i + BATCH));
    if (day !== currentDay && !s.stop.aborted) {
      const closed = currentDay;
      currentDay = day;
      await unlessStopped(pipeline.settle(), s.stop);
      if (s.stop.aborted) return;
      await pipeline.detect.runDay(closed);
      // Monday: the ISO week that just ended is complete.
      if (new Date(day * 86_400_000).getUTCDay() === 1) await pipeline.detect.runWeek(closed);
      s.say(
        `${dayString(closed)} closed / đã đóng ngày: ${s.client.tally.sent.toLocaleString('en')} sent in all, ${pipeline.alerts.openAlerts().length} open alerts`,
      );
      if (day - s.start >= s.maxDays) return;
    }
    await unlessStopped(new Promise((r) => setTimeout(r, 200)), s.stop);
  }
}
