import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readConfig } from './config.ts';
import { startPipeline, type Pipeline } from './pipeline.ts';
import { printAlertLine } from './alert-line.ts';
import { untilSignal } from './signals.ts';
import { createLogger } from '../platform/logger.ts';
import { createAcceleratedClock } from '../platform/clock.ts';
import { localDayNumber, dayString } from '../processors/window.ts';
import { mondayOfWeek, weekOfDay } from '../processors/periods.ts';
import type { AlertChange } from '../alerts/alert-service.ts';
import { createRng } from '../simulator/random.ts';
import { generateDay, type Outbreak, type SimUnit } from '../simulator/model.ts';
import { DEFAULT_TRAFFIC, scheduleTraffic, type Outgoing } from '../simulator/traffic.ts';
import { createIngestClient } from '../simulator/client.ts';

const HELP = `ews demo — the whole pipeline with simulated hospitals of Bắc Ninh and Hưng Yên / toàn hệ thống với bệnh viện mô phỏng

Usage / Cách dùng: ews demo [--until-alert] [options]

Loads about two years of history through the HTTP API, then sends live traffic in
accelerated time with an outbreak injected in a few neighbouring communes. Prints the
dashboard URL and one line per alert.

Options:
  --until-alert        exit 0 at the first alert, printing it as one JSON line
  --scale N            traffic volume multiplier (default 0.25 ≈ 650 encounters/day)
  --history-days N     days of history loaded first (default 730)
  --day-seconds N      real seconds per simulated live day (default 6; 1.5 with --until-alert)
  --max-days N         with --until-alert: give up after N live days (default 30)
  --seed N             random seed (default 2026)
  --port N             HTTP port (default PORT or 8080; 0 with --until-alert)
  --data-dir DIR       data directory (default ./data/demo, emptied at start;
                       a temporary directory with --until-alert)
  --keep               do not empty the data directory first`;

export async function runDemo(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean', short: 'h' },
      'until-alert': { type: 'boolean' },
      scale: { type: 'string' },
      'history-days': { type: 'string' },
      'day-seconds': { type: 'string' },
      'max-days': { type: 'string' },
      seed: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      keep: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const untilAlert = values['until-alert'] ?? false;
  const num = (name: string, v: string | undefined, def: number, min: number, max: number): number => {
    if (v === undefined) return def;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} must be a number from ${min} to ${max} (got '${v}')`);
    return n;
  };
  const scale = num('scale', values.scale, 0.25, 0.01, 20);
  const historyDays = num('history-days', values['history-days'], 730, 0, 3650);
  const daySeconds = num('day-seconds', values['day-seconds'], untilAlert ? 1.5 : 6, 0.2, 86_400);
  const maxDays = num('max-days', values['max-days'], 30, 1, 3650);
  const seed = num('seed', values.seed, 2026, 0, 2 ** 31);

  const tempDir = untilAlert && !values['data-dir'] ? mkdtempSync(join(tmpdir(), 'ews-demo-')) : undefined;
  const dataDir = resolve(values['data-dir'] ?? tempDir ?? join(process.env['EWS_DATA_DIR'] ?? './data', 'demo'));
  if (!values.keep && !tempDir) rmSync(dataDir, { recursive: true, force: true });
  const config = readConfig({
    ...process.env,
    EWS_DATA_DIR: dataDir,
    PORT: values.port ?? (untilAlert ? '0' : process.env['PORT']),
    EWS_LOG_LEVEL: process.env['EWS_LOG_LEVEL'] ?? 'warn',
    // Accelerated days leave a few seconds per daily run: a lighter scan keeps pace (p ≥ 1/400, still enough for a 365-day recurrence).
    EWS_SCAN_REPLICATIONS: process.env['EWS_SCAN_REPLICATIONS'] ?? '399',
  });
  const log = createLogger({ level: config.EWS_LOG_LEVEL });
  const say = (s: string) => process.stderr.write(`${s}\n`);

  // The simulated "now" starts at today's local midnight and stands still while history loads.
  const today = localDayNumber(Date.now());
  const clock = createAcceleratedClock(today * 86_400_000 - 7 * 3_600_000, 0);
  const pipeline = await startPipeline(config, { log, clock, cronSchedule: false });
  try {
    say(`syndromic-ews demo — dashboard / bảng điều khiển: ${pipeline.url}/`);
    say(`data: ${dataDir}`);
    let firstAlert: AlertChange | undefined;
    let resolveFirst: () => void = () => undefined;
    const first = new Promise<void>((r) => (resolveFirst = r));
    pipeline.alerts.onChange((c) => {
      if (c.type !== 'alert.opened') return;
      if (untilAlert) {
        if (!firstAlert) {
          firstAlert = c;
          resolveFirst();
        }
      } else printAlertLine(c, pipeline.units);
    });

    const units: SimUnit[] = pipeline.units.all().map((u) => ({ code: u.code, provinceCode: u.provinceCode, population: u.population }));
    const rng = createRng(seed);
    const centre = units.filter((u) => u.provinceCode === '24')[rng.int(99)]!.code;
    const outbreak: Outbreak = {
      profile: 'dengue',
      communes: [centre, ...pipeline.units.neighbours(centre, 3).map((u) => u.code)],
      firstDay: today + 1,
      extra: [2, 4, 7, 10, 14, 18, 20, 20, 16, 12, 8, 5, 3],
    };
    const model = { scale, outbreaks: [outbreak] };
    const client = createIngestClient(pipeline.url || 'http://localhost');

    await loadHistory(pipeline, client, { today, historyDays, model, units, rng, say });
    if (untilAlert && firstAlert) return printFirst(firstAlert);

    say(
      `live traffic: 1 simulated day every ${daySeconds} s; outbreak of dengue from ${dayString(outbreak.firstDay)} in ${outbreak.communes.join(', ')}`,
    );
    const stop = untilAlert ? first : untilSignal().then(() => undefined);
    await runLive(pipeline, client, clock, { today, daySeconds, model, units, rng, say, stop, maxDays: untilAlert ? maxDays : Infinity });
    if (untilAlert) {
      if (firstAlert) return printFirst(firstAlert);
      say(`no alert within ${maxDays} simulated days / không có cảnh báo`);
      return 1;
    }
    return 0;
  } finally {
    await pipeline.close();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  }
}

function printFirst(c: AlertChange): number {
  const a = c.alert;
  process.stdout.write(
    JSON.stringify({
      alert_id: a.alert_id,
      commune_code: a.commune_code,
      syndrome: a.syndrome,
      level: a.level,
      date: a.last_day,
      observed: a.observed,
      expected: a.expected,
      threshold: a.threshold,
      algorithm: a.algorithm,
      p_value: a.p_value,
      status: a.status,
    }) + '\n',
  );
  return 0;
}

interface Sim {
  today: number;
  model: { scale: number; outbreaks: Outbreak[] };
  units: SimUnit[];
  rng: ReturnType<typeof createRng>;
  say: (s: string) => void;
}

const BATCH = 5000;

/** Sends the history day by day in large NDJSON batches, two requests in flight. */
async function loadHistory(
  pipeline: Pipeline,
  client: ReturnType<typeof createIngestClient>,
  s: Sim & { historyDays: number },
): Promise<void> {
  if (s.historyDays === 0) return;
  const started = Date.now();
  let buffer: string[] = [];
  const inflight = new Set<Promise<void>>();
  const flush = async () => {
    const lines = buffer;
    buffer = [];
    const p = client.send(lines).finally(() => inflight.delete(p));
    inflight.add(p);
    if (inflight.size >= 2) await Promise.race(inflight);
  };
  let lastReport = 0;
  for (let day = s.today - s.historyDays; day < s.today; day++) {
    const traffic = scheduleTraffic(generateDay(day, s.units, s.model, s.rng), DEFAULT_TRAFFIC, s.rng);
    for (const o of traffic) {
      buffer.push(o.line);
      if (buffer.length >= BATCH) await flush();
    }
    const done = day - (s.today - s.historyDays) + 1;
    if (Date.now() - lastReport > 2000 || done === s.historyDays) {
      lastReport = Date.now();
      const secs = (Date.now() - started) / 1000;
      s.say(
        `history / lịch sử ${dayString(day)}: ${done}/${s.historyDays} days, ${client.tally.sent.toLocaleString('en')} sent, ` +
          `${client.tally.duplicates} duplicates, ${client.tally.rejected} rejected, ${Math.round(client.tally.sent / secs).toLocaleString('en')} events/s`,
      );
    }
  }
  await flush();
  await Promise.all(inflight);
  s.say('history sent; waiting for processors and detection …');
  await pipeline.settle();
  // Recent history days were evaluated as their counts arrived; the daily run (and its
  // space-time scan) starts with the live days. The last complete ISO week: the one before the week holding today.
  await pipeline.detect.runWeek(mondayOfWeek(weekOfDay(s.today)) - 1);
  s.say(`history loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Accelerated live traffic: events are sent when the simulated clock reaches their send time. */
async function runLive(
  pipeline: Pipeline,
  client: ReturnType<typeof createIngestClient>,
  clock: ReturnType<typeof createAcceleratedClock>,
  s: Sim & { daySeconds: number; stop: Promise<void>; maxDays: number },
): Promise<void> {
  let stopped = false;
  void s.stop.then(() => (stopped = true));
  clock.set(s.today * 86_400_000 - 7 * 3_600_000, 86_400 / s.daySeconds);
  const now = () => clock.now();
  const queue: Outgoing[] = [];
  let generatedUntil = s.today - 1;
  let currentDay = s.today;
  while (!stopped) {
    const t = now();
    const day = localDayNumber(t);
    while (generatedUntil < day + 1) {
      generatedUntil++;
      queue.push(...scheduleTraffic(generateDay(generatedUntil, s.units, s.model, s.rng), DEFAULT_TRAFFIC, s.rng));
      queue.sort((a, b) => a.sendAt - b.sendAt);
    }
    let n = 0;
    while (n < queue.length && queue[n]!.sendAt <= t) n++;
    const due = queue.splice(0, n);
    for (let i = 0; i < due.length; i += BATCH) await client.send(due.slice(i, i + BATCH).map((o) => o.line));
    if (day !== currentDay) {
      const closed = currentDay;
      currentDay = day;
      await pipeline.settle();
      await pipeline.detect.runDay(closed);
      // Monday: the ISO week that just ended is complete.
      if (new Date(day * 86_400_000).getUTCDay() === 1) await pipeline.detect.runWeek(closed);
      s.say(
        `${dayString(closed)} closed / đã đóng ngày: ${client.tally.sent.toLocaleString('en')} sent in all, ${pipeline.alerts.openAlerts().length} open alerts`,
      );
      if (day - s.today >= s.maxDays) return;
    }
    await Promise.race([new Promise((r) => setTimeout(r, 200)), s.stop]);
  }
}
