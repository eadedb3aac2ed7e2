import { mkdtempSync, rmSync } from 'node:fs';
import { lockDirectory } from '../platform/pg/directory-lock.ts';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readConfig } from './config.ts';
import { startPipeline } from './pipeline.ts';
import { createDemoUsers, routedLines } from './demo-users.ts';
import { printAlertLine } from './alert-line.ts';
import { onShutdown } from './signals.ts';
import { UsageError } from './usage.ts';
import { loadHistory, runLive } from './demo-feed.ts';
import { injectedOutbreak, isOutbreakAlert } from './demo-outbreak.ts';
import { createLogger } from '../platform/logger.ts';
import { createAcceleratedClock, systemClock } from '../platform/clock.ts';
import { dayString } from '../processors/count/window.ts';
import type { AlertChange } from '../alerts/alert-service.ts';
import type { Alert } from '../schemas/alerts.ts';
import type { NewNotification } from '../storage/outbox.ts';
import { createRng } from '../simulator/random.ts';
import { simulatedHospitals, type SimUnit } from '../simulator/model.ts';
import type { Pipeline } from './pipeline.ts';
import { createIngestClient } from '../simulator/client.ts';
import { DEFAULT_START_DATE, dayOfDate, localMidnight } from '../simulator/calendar.ts';

const HELP = `ews demo — the whole pipeline with simulated hospitals of Bắc Ninh and Hưng Yên / toàn hệ thống với bệnh viện mô phỏng

Usage / Cách dùng: ews demo [--until-alert] [options]

Loads about two years of history through the HTTP API, then sends live traffic in
accelerated time with a dengue outbreak injected in four neighbouring communes. Prints the
dashboard URL and one line per alert. The simulated calendar starts on --start, not on
today's date, so every run sees the same seasons. Ctrl-C stops it cleanly.

Options:
  --until-alert        exit 0 at the injected outbreak's first alert (dengue in one of its
                       communes, or a cluster taking one in), printing it as one JSON line;
                       other alerts go to stderr
  --start YYYY-MM-DD   first live day of the simulated calendar (default ${DEFAULT_START_DATE})
  --scale N            traffic volume multiplier (default 0.25 ≈ 650 encounters/day)
  --history-days N     days of history loaded first (default 730)
  --day-seconds N      real seconds per simulated live day (default 6; 1.5 with --until-alert)
  --max-days N         with --until-alert: give up after N live days (default 30)
  --seed N             random seed (default 2026)
  --port N             HTTP port (default PORT or 8080; 0 with --until-alert)
  --data-dir DIR       data directory (default ./data/demo, emptied at start;
                       a temporary directory with --until-alert)
  --keep               do not empty the data directory first`;

/** The demo's options, checked (a bad one is a UsageError: one line, exit 2). */
function demoOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean', short: 'h' },
      'until-alert': { type: 'boolean' },
      start: { type: 'string', default: DEFAULT_START_DATE },
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
  const untilAlert = values['until-alert'] ?? false;
  const num = (name: string, v: string | undefined, def: number, min: number, max: number): number => {
    if (v === undefined) return def;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name} must be a number from ${min} to ${max} (got '${v}')`);
    return n;
  };
  const start = dayOfDate(values.start);
  if (start === undefined) throw new UsageError(`--start must be a date YYYY-MM-DD (got '${values.start}')`);
  return {
    help: values.help ?? false,
    untilAlert,
    start,
    scale: num('scale', values.scale, 0.25, 0.01, 20),
    historyDays: num('history-days', values['history-days'], 730, 0, 3650),
    daySeconds: num('day-seconds', values['day-seconds'], untilAlert ? 1.5 : 6, 0.2, 86_400),
    maxDays: num('max-days', values['max-days'], 30, 1, 3650),
    seed: num('seed', values.seed, 2026, 0, 2 ** 31),
    port: values.port,
    dataDir: values['data-dir'],
    keep: values.keep ?? false,
  };
}

export async function runDemo(argv: string[]): Promise<number> {
  const o = demoOptions(argv);
  if (o.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const tempDir = o.untilAlert && !o.dataDir ? mkdtempSync(join(tmpdir(), 'ews-demo-')) : undefined;
  const dataDir = resolve(o.dataDir ?? tempDir ?? join(process.env['EWS_DATA_DIR'] ?? './data', 'demo'));
  // Compiled before anything is emptied or opened: a bad setting stops here.
  const config = readConfig({
    ...process.env,
    EWS_DATA_DIR: dataDir,
    PORT: o.port ?? (o.untilAlert ? '0' : process.env['PORT']),
    EWS_LOG_LEVEL: process.env['EWS_LOG_LEVEL'] ?? 'warn',
    // Accelerated days leave a few seconds per daily run: a lighter scan keeps pace (p ≥ 1/400, still enough for a 365-day recurrence).
    EWS_SCAN_REPLICATIONS: process.env['EWS_SCAN_REPLICATIONS'] ?? '399',
  });
  if (!o.keep && !tempDir) {
    // Never empty a directory a running service (another demo, say) holds: it would lose its
    // files under it. The operational store's lock says who holds it (DirectoryHeldError: one line, exit 1).
    lockDirectory(join(dataDir, 'pg')).release();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const log = createLogger({ level: config.EWS_LOG_LEVEL });
  const say = (s: string) => process.stderr.write(`${s}\n`);
  // Ctrl-C or SIGTERM (and, with --until-alert, the outbreak's first alert) stop the
  // simulated hospitals first; the pipeline closes once their requests are answered.
  const shutdown = onShutdown();

  // The simulated "now" starts at local midnight of the start day and stands still while history loads.
  const clock = createAcceleratedClock(localMidnight(o.start), 0);
  try {
    // Sessions and the audit log run on real time: the simulated clock races through days.
    // Who each alert reaches (the demo officers' subscriptions): printed with the alert lines.
    const routedOut = o.untilAlert ? process.stderr : process.stdout;
    const onRouted = (queued: readonly NewNotification[], unsent: readonly NewNotification[]) => {
      for (const line of routedLines(queued, unsent)) routedOut.write(`${line}\n`);
    };
    const pipeline = await startPipeline(config, { log, clock, accessClock: systemClock, cronSchedule: false, onRouted });
    try {
      say(`syndromic-ews demo — dashboard / bảng điều khiển: ${pipeline.url}/`);
      say(`data: ${dataDir}`);
      await createDemoUsers(pipeline.access, pipeline.units, config.EWS_DEMO_PASSWORD);
      const units: SimUnit[] = pipeline.units.all().map((u) => ({ code: u.code, provinceCode: u.provinceCode, population: u.population }));
      const rng = createRng(o.seed);
      const outbreak = injectedOutbreak(pipeline.units, rng, o.start + 1);
      let found: Alert | undefined;
      pipeline.alerts.onChange((c: AlertChange) => {
        if (!o.untilAlert) return printAlertLine(c, pipeline.units);
        if (found) return;
        if (isOutbreakAlert(c.alert, outbreak)) {
          found = c.alert;
          shutdown.request('outbreak alert');
        } else printAlertLine(c, pipeline.units, process.stderr);
      });

      const sim = { start: o.start, model: { scale: o.scale, outbreaks: [outbreak] }, units, rng, say, stop: shutdown.signal };
      // The simulated hospitals are registered on this pipeline with keys, as real ones would be (ews hospitals add).
      const keys = await registerSimulatedHospitals(pipeline, units);
      const client = createIngestClient(pipeline.url || 'http://localhost', keys);
      say(`simulated calendar from ${dayString(o.start - o.historyDays)}; live from ${dayString(o.start)} (--start)`);
      await loadHistory(pipeline, { ...sim, client, historyDays: o.historyDays });
      if (!shutdown.signal.aborted) {
        say(
          `live traffic: 1 simulated day every ${o.daySeconds} s; outbreak of dengue from ${dayString(outbreak.firstDay)} in ${outbreak.communes.join(', ')}`,
        );
        await runLive(pipeline, clock, { ...sim, client, daySeconds: o.daySeconds, maxDays: o.untilAlert ? o.maxDays : Infinity });
      }
      if (!o.untilAlert) return 0;
      if (found) return printFirst(found);
      if (shutdown.signal.aborted) return 0;
      say(`no alert of the outbreak within ${o.maxDays} simulated days / không có cảnh báo của ổ dịch`);
      return 1;
    } finally {
      await pipeline.close();
    }
  } finally {
    shutdown.dispose();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  }
}

/** Registers every hospital the simulator names (a new key for one registered before, with --keep) and returns their keys. */
async function registerSimulatedHospitals(pipeline: Pipeline, units: readonly SimUnit[]): Promise<Map<string, string>> {
  const registered = new Set((await pipeline.hospitals.list()).map((h) => h.id));
  const keys = new Map<string, string>();
  for (const id of simulatedHospitals(units)) {
    const issued = registered.has(id)
      ? await pipeline.hospitals.rotate(id)
      : await pipeline.hospitals.add({ id, name: `Simulated ${id}`, provinceCode: id.split('-')[1] });
    keys.set(id, issued.key);
  }
  await pipeline.hospitalKeys.refresh();
  return keys;
}

function printFirst(a: Alert): number {
  process.stdout.write(
    JSON.stringify({
      alert_id: a.alert_id,
      commune_code: a.commune_code,
      area_level: a.area_level,
      cluster_communes: a.cluster_communes,
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
