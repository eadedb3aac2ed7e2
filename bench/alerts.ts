// `npm run bench:alerts` — a benchmark, not a test (issue 10): the time from the acceptance of
// the event that completes an alarm (the HTTP 200 of its POST /v1/events) to the receipt of its
// signed webhook by a real HTTP receiver, over ≥ 200 alarms: p50, p95, p99, max.
// Targets: p99 ≤ 2 s in one process, ≤ 5 s through Kafka (--kafka).
//
// The pipeline runs as it does in production, in processes of its own (`ews serve`; with
// --kafka an `--role ingest` and an `--role processor` process on a real broker); this process
// is the hospital (the client) and the officers' webhook endpoint (verifying X-EWS-Signature).
// Workload: for each alarm a distinct (commune, syndrome), so grouping opens one alert each: a
// quiet series (0–1 cases a day for 14 days), then 4 cases today (EARS C2 flags them, but an
// alert needs EWS_ALERT_MIN_COUNT = 5 cases), posted and processed first; then, one per alarm,
// the 5th case alone in a POST: its acceptance starts the clock, the webhook stops it. One
// national officer subscribes by webhook (EWS_OFFICERS_FILE), so each alarm is one delivery.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import kafkajs from 'kafkajs';
import { machineLine, writeSection } from './report.ts';
import { loadDemoUnits } from '../cli/units.ts';
import { readConfig } from '../cli/config.ts';
import { openMigratedOperationalStore } from '../cli/operational-store.ts';
import { createHospitalStore } from '../storage/hospitals.ts';
import { createLogger } from '../platform/logger.ts';
import { systemClock } from '../platform/clock.ts';
import { localDayNumber, dayString } from '../processors/count/window.ts';
import { verifyWebhookSignature, SIGNATURE_HEADER } from '../alerts/channels/webhook.ts';
import { TOPICS } from '../schemas/topics.ts';

const HELP = `npm run bench:alerts [-- options] — alarm latency: acceptance of the completing event → signed webhook received

  --kafka            through a real Kafka broker (KAFKA_BROKERS, else the local one of scripts/kafka/start.sh):
                     an \`ews serve --role ingest\` and an \`ews serve --role processor\` process
                     (default: one \`ews serve\` process on the embedded log)
  --alarms N         alarms measured, default 200 (each a distinct commune × syndrome; ≤ ${'203 × 4'})
  --warmup N         alarms completed first and not measured, default 5
  --interval-ms MS   completing events sent every MS ms without waiting for the webhooks
                     (open loop), default 250; 0 = one at a time, each after the previous webhook
  --timeout-s S      wait for the last webhooks at most S s, default 60
  --no-write         print the figures only, leave BENCHMARKS.md alone
  -h, --help         this text

Targets: p99 ≤ 2 s in one process, ≤ 5 s through Kafka. Results go to BENCHMARKS.md
(sections alerts / alerts-kafka).`;

const { values } = parseArgs({
  options: {
    help: { type: 'boolean', short: 'h' },
    kafka: { type: 'boolean' },
    alarms: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '5' },
    'interval-ms': { type: 'string', default: '250' },
    'timeout-s': { type: 'string', default: '60' },
    'no-write': { type: 'boolean' },
  },
});
if (values.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}

const REPO = fileURLToPath(new URL('..', import.meta.url));
const KAFKA = values.kafka === true;
const ALARMS = Number(values.alarms);
const WARMUP = Number(values.warmup);
const INTERVAL_MS = Number(values['interval-ms']);
const TIMEOUT_MS = Number(values['timeout-s']) * 1000;
const say = (s: string) => process.stderr.write(`bench:alerts${KAFKA ? ' (kafka)' : ''}: ${s}\n`);

const HOSPITAL = 'BV-BENCH-ALERTS';
const SECRET = 'bench-webhook-secret-0123456789abcdef';
const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdefghijklmn';
const PSEUDONYM_KEY = 'bench-key-bench-key-bench-key-0123456789';
/** Syndromes the alarms are spread over (a commune gets a second one past 203 alarms), by an ICD-10 code of each. */
const FAMILIES = [
  ['dengue', 'A90'],
  ['hfmd', 'B08.4'],
  ['measles_rubella', 'B05'],
  ['acute_diarrhoea', 'A09'],
] as const;
const BASELINE_DAYS = 14;
const SPIKE_BEFORE = 4;

interface Target {
  commune: string;
  family: string;
  code: string;
}

interface Receipt {
  alertId: string;
  event: string;
  at: number;
  signed: boolean;
}

// ---------- the officers' webhook endpoint ----------
const receipts: Receipt[] = [];
let badSignatures = 0;
let onReceipt: (() => void) | undefined;
const receiver: Server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const at = performance.now();
    const raw = Buffer.concat(chunks);
    const header = req.headers[SIGNATURE_HEADER.toLowerCase()];
    const signed = verifyWebhookSignature(SECRET, typeof header === 'string' ? header : undefined, raw, Date.now());
    if (!signed) {
      badSignatures++;
      res.writeHead(401).end();
      return;
    }
    const body = JSON.parse(raw.toString('utf8')) as { alert_id: string; event: string };
    receipts.push({ alertId: body.alert_id, event: body.event, at, signed });
    res.writeHead(204).end();
    onReceipt?.();
  });
});
await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

const dir = mkdtempSync(join(tmpdir(), 'ews-bench-alerts-'));
const children: ChildProcess[] = [];
let kafkaTopics: string[] = [];
let brokers = '';
try {
  const officersFile = join(dir, 'officers.json');
  writeFileSync(
    officersFile,
    JSON.stringify({
      officers: [
        {
          username: 'bench.national',
          name: 'Benchmark officer',
          jurisdiction: { level: 'national' },
          syndromes: 'all',
          min_level: 'yellow',
          channels: { webhook: hookUrl },
          lang: 'en',
        },
      ],
    }),
  );
  const ingestDir = join(dir, 'ingest');
  const processorDir = KAFKA ? join(dir, 'processor') : ingestDir;
  const key = await registerHospital(ingestDir);
  const common: Record<string, string> = {
    EWS_PSEUDONYM_KEY: PSEUDONYM_KEY,
    EWS_ADMIN_TOKEN: ADMIN_TOKEN,
    EWS_WEBHOOK_SECRET: SECRET,
    EWS_OFFICERS_FILE: officersFile,
    EWS_LOG_LEVEL: 'warn',
    EWS_PRINT_ALERTS: 'false',
    PORT: '0',
  };
  let ingestUrl: string;
  let processorUrl: string;
  if (KAFKA) {
    brokers = process.env['KAFKA_BROKERS'] ?? (startLocalBroker(), '127.0.0.1:9092');
    const prefix = `bench-alerts-${Date.now().toString(36)}.`;
    kafkaTopics = [TOPICS.encounters, TOPICS.labs, TOPICS.deadletter].map((t) => prefix + t);
    const kafkaEnv = { KAFKA_BROKERS: brokers, KAFKA_TOPIC_PREFIX: prefix, KAFKA_GROUP: `${prefix}processors` };
    mkdirSync(processorDir, { recursive: true, mode: 0o700 });
    const processor = await startEws(['serve', '--role', 'processor'], { ...common, ...kafkaEnv, EWS_DATA_DIR: processorDir }, 'processor');
    processorUrl = processor;
    ingestUrl = await startEws(['serve', '--role', 'ingest'], { ...common, ...kafkaEnv, EWS_DATA_DIR: ingestDir }, 'ingest');
    say(`broker ${brokers}, topics ${prefix}*; ingest ${ingestUrl}, processor ${processorUrl}; webhook receiver ${hookUrl}`);
  } else {
    ingestUrl = processorUrl = await startEws(['serve'], { ...common, EWS_DATA_DIR: ingestDir }, 'pipeline');
    say(`one process ${ingestUrl} (embedded log); webhook receiver ${hookUrl}`);
  }

  // ---------- the workload ----------
  const units = loadDemoUnits();
  const total = WARMUP + ALARMS;
  if (total > units.length * FAMILIES.length) throw new Error(`at most ${units.length * FAMILIES.length} alarms`);
  const targets: Target[] = Array.from({ length: total }, (_, i) => {
    const [family, code] = FAMILIES[Math.floor(i / units.length)]!;
    return { commune: units[i % units.length]!.code, family, code };
  });
  const today = localDayNumber(Date.now());
  let serial = 0;
  const event = (t: Target, day: number) => ({
    schema: 'ews.encounter.v1',
    event_id: `bench-${t.family}-${t.commune}-${day}-${serial}`,
    hospital_id: HOSPITAL,
    occurred_at: `${dayString(day)}T00:00:00+07:00`,
    commune_code: t.commune,
    patient_id: `P-${serial++}`,
    sex: serial % 2 ? 'female' : 'male',
    age_years: 5 + (serial % 60),
    setting: 'outpatient',
    diagnoses: [t.code],
  });
  const setup: unknown[] = [];
  targets.forEach((t, i) => {
    for (let d = BASELINE_DAYS; d >= 1; d--) for (let k = 0; k < (i + d) % 2; k++) setup.push(event(t, today - d));
    for (let k = 0; k < SPIKE_BEFORE; k++) setup.push(event(t, today));
  });
  say(
    `setup: ${setup.length} events (quiet ${BASELINE_DAYS} days, then ${SPIKE_BEFORE} cases today) for ${total} commune × syndrome series`,
  );
  const processedBefore = await processed(processorUrl);
  for (let i = 0; i < setup.length; i += 500) await post(ingestUrl, key, setup.slice(i, i + 500));
  await waitFor(async () => (await processed(processorUrl)) - processedBefore >= setup.length, 120_000, 'the setup events to be counted');
  await quiet(processorUrl);
  if (receipts.length > 0) throw new Error(`the setup alone raised ${receipts.length} webhooks: the workload is not as intended`);
  say(`setup counted and evaluated, no alert yet`);

  // ---------- warm-up, then the measured alarms ----------
  const accepted = new Map<string, number>(); // `${commune}|${family}` → acceptance time
  const complete = async (t: Target) => {
    await post(ingestUrl, key, [event(t, today)]);
    accepted.set(`${t.commune}|${t.family}`, performance.now());
  };
  for (const t of targets.slice(0, WARMUP)) {
    const n = receipts.length;
    await complete(t);
    await waitFor(() => Promise.resolve(receipts.length > n), 30_000, 'a warm-up webhook');
  }
  const warmReceipts = receipts.length;
  accepted.clear();
  say(
    `warm-up: ${WARMUP} alarms delivered; measuring ${ALARMS} (${INTERVAL_MS > 0 ? `one every ${INTERVAL_MS} ms, open loop` : 'one at a time'})`,
  );
  const measured = targets.slice(WARMUP);
  const started = performance.now();
  let sent = 0;
  const progress = setInterval(
    () => say(`${sent}/${ALARMS} completing events accepted, ${receipts.length - warmReceipts} webhooks received`),
    5000,
  );
  try {
    if (INTERVAL_MS > 0) {
      const inflight: Promise<void>[] = [];
      for (const [i, t] of measured.entries()) {
        const due = started + i * INTERVAL_MS;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        inflight.push(complete(t).then(() => void sent++));
      }
      await Promise.all(inflight);
    } else {
      for (const t of measured) {
        const n = receipts.length;
        await complete(t);
        sent++;
        await waitFor(() => Promise.resolve(receipts.length > n), TIMEOUT_MS, 'a webhook');
      }
    }
    await waitFor(() => Promise.resolve(receipts.length - warmReceipts >= ALARMS), TIMEOUT_MS, 'the last webhooks').catch((err: Error) =>
      say(err.message),
    );
  } finally {
    clearInterval(progress);
  }
  const wall = (performance.now() - started) / 1000;

  // ---------- matching: each webhook's alert → its commune and syndrome ----------
  const latencies: number[] = [];
  const seen = new Set<string>();
  let unmatched = 0;
  for (const r of receipts.slice(warmReceipts)) {
    const a = await getAlert(processorUrl, r.alertId);
    const series = `${a.area.code}|${a.family}`;
    const t0 = accepted.get(series);
    if (t0 === undefined || seen.has(series) || r.event !== 'opened') {
      unmatched++;
      continue;
    }
    seen.add(series);
    latencies.push((r.at - t0) / 1000);
  }
  const metricsText = await metrics(processorUrl);
  const sorted = [...latencies].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN;
  const figures = {
    mode: KAFKA ? 'kafka' : 'one-process',
    alarms: ALARMS,
    intervalMs: INTERVAL_MS,
    received: latencies.length,
    unmatched,
    badSignatures,
    p50: q(0.5),
    p95: q(0.95),
    p99: q(0.99),
    max: sorted.at(-1) ?? NaN,
    min: sorted[0] ?? NaN,
    mean: latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length),
    wallSeconds: wall,
    deliveryMean: histogramMean(metricsText, 'ews_alerts_notification_delivery_seconds', 'webhook'),
    detectionRunMean: histogramMean(metricsText, 'ews_processors_detection_run_seconds', 'counts_changed'),
    detectionRuns: counterValue(metricsText, 'ews_processors_detection_runs_total{trigger="counts_changed",outcome="ok"}'),
  };
  process.stdout.write(JSON.stringify(figures) + '\n');
  say(
    `${figures.received}/${ALARMS} alarms: p50 ${figures.p50.toFixed(3)} s, p95 ${figures.p95.toFixed(3)} s, p99 ${figures.p99.toFixed(3)} s, max ${figures.max.toFixed(3)} s`,
  );
  const target = KAFKA ? 5 : 2;
  if (!values['no-write']) writeSection(KAFKA ? 'alerts-kafka' : 'alerts', render(figures, target));
  process.exitCode = figures.received === ALARMS && badSignatures === 0 && figures.p99 <= target ? 0 : 1;
} finally {
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : Promise.resolve())));
  receiver.close();
  if (KAFKA && kafkaTopics.length > 0) {
    const admin = new kafkajs.Kafka({ clientId: 'bench-alerts', brokers: brokers.split(','), logLevel: kafkajs.logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: kafkaTopics }).catch(() => undefined);
    await admin.disconnect();
  }
  rmSync(dir, { recursive: true, force: true });
}

// ---------- helpers ----------

/** Registers the benchmark's hospital in a stopped data directory (as `ews hospitals add`); returns its key. */
async function registerHospital(dataDir: string): Promise<string> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const store = await openMigratedOperationalStore(readConfig({ EWS_DATA_DIR: dataDir }), createLogger({ level: 'silent' }));
  try {
    return (await createHospitalStore(store, systemClock).add({ id: HOSPITAL, name: 'Benchmark hospital' })).key;
  } finally {
    await store.close();
  }
}

/** Starts `node bin/ews.mjs …args` and resolves its API URL once it prints it. */
function startEws(args: string[], env: Record<string, string>, what: string): Promise<string> {
  const child = spawn(process.execPath, ['--max-semi-space-size=32', join(REPO, 'bin/ews.mjs'), ...args], {
    cwd: REPO,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', KAFKAJS_NO_PARTITIONER_WARNING: '1', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /https?:\/\/(?:localhost|127\.0\.0\.1):\d+/.exec(out)?.[0];
      if (url) resolve(url);
    });
    child.once('exit', (code) => reject(new Error(`${what} (${args.join(' ')}) exited with ${code} before listening`)));
  });
}

async function post(url: string, key: string, events: unknown[]): Promise<void> {
  const res = await fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${key}` },
    body: events.map((e) => JSON.stringify(e)).join('\n'),
  });
  const body = (await res.json()) as { accepted?: number };
  if (!res.ok || body.accepted !== events.length) throw new Error(`POST /v1/events: ${res.status} ${JSON.stringify(body)}`);
}

async function metrics(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  if (!res.ok) throw new Error(`GET /metrics: ${res.status}`);
  return res.text();
}

async function processed(url: string): Promise<number> {
  const text = await metrics(url);
  let sum = 0;
  for (const m of text.matchAll(/^ews_processors_events_processed_total(?:\{[^}]*\})? (\S+)$/gm)) sum += Number(m[1]);
  return sum;
}

/** Waits until no detection run started or ended for a second. */
async function quiet(url: string): Promise<void> {
  let last = '';
  for (;;) {
    const text = await metrics(url);
    const now = [...text.matchAll(/^ews_processors_detection_run(?:s_total|_seconds_count)\{[^}]*\} \S+$/gm)].map((m) => m[0]).join();
    if (now === last) return;
    last = now;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function getAlert(url: string, id: string): Promise<{ area: { code: string }; family: string }> {
  const res = await fetch(`${url}/v1/alerts/${id}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  if (!res.ok) throw new Error(`GET /v1/alerts/${id}: ${res.status}`);
  return ((await res.json()) as { alert: { area: { code: string }; family: string } }).alert;
}

async function waitFor(ok: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (!(await ok())) {
    if (performance.now() > until) throw new Error(`gave up waiting for ${what} after ${timeoutMs / 1000} s`);
    await new Promise<void>((r) => {
      const t = setTimeout(r, 20);
      onReceipt = () => {
        clearTimeout(t);
        r();
      };
    });
  }
}

function histogramMean(text: string, name: string, label: string): number {
  const sum = Number(new RegExp(`^${name}_sum\\{[^}]*"${label}"[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  const count = Number(new RegExp(`^${name}_count\\{[^}]*"${label}"[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return sum / count;
}

function counterValue(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return Number(line?.split(' ')[1] ?? NaN);
}

function startLocalBroker(): void {
  const r = spawnSync('bash', [join(REPO, 'scripts/kafka/start.sh')], { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error('no broker: set KAFKA_BROKERS or make scripts/kafka/start.sh work');
}

function render(f: Record<string, number | string>, target: number): string {
  const s = (x: number | string | undefined) => (typeof x === 'number' ? x.toFixed(3) : String(x));
  const ms = (x: number | string | undefined) => (typeof x === 'number' ? `${Math.round(x * 1000)} ms` : String(x));
  const p99 = Number(f['p99']);
  return [
    KAFKA ? '## Alarm latency through Kafka (`npm run bench:alerts -- --kafka`)' : '## Alarm latency, one process (`npm run bench:alerts`)',
    '',
    `Machine: ${machineLine()}; load average at the end ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ')} (a shared machine: other work lengthens every figure).`,
    '',
    `${f['alarms']} alarms, each on its own commune × syndrome series (quiet for ${BASELINE_DAYS} days, ${SPIKE_BEFORE} cases today, then the 5th case alone in a POST; EARS C2, EWS_ALERT_MIN_COUNT 5), ${
      Number(f['intervalMs']) > 0 ? `one completing event every ${f['intervalMs']} ms (open loop)` : 'one at a time'
    }; ${
      KAFKA
        ? '`ews serve --role ingest` → local Kafka broker → `ews serve --role processor` (counts, detection, lifecycle alert, outbox, webhook)'
        : 'one `ews serve` process (embedded log)'
    }; one national officer subscribed by webhook; the receiver (this benchmark's process) verifies each X-EWS-Signature. Clock: from the HTTP 200 of the completing POST to the webhook request read by the receiver, both on this process's clock.`,
    '',
    '| figure | value | target |',
    '|---|---|---|',
    `| webhooks received, signed / alarms | ${f['received']} / ${f['alarms']} (bad signatures ${f['badSignatures']}, unmatched ${f['unmatched']}) | all |`,
    `| p50 | ${s(f['p50'])} s | |`,
    `| p95 | ${s(f['p95'])} s | |`,
    `| **p99** | **${s(f['p99'])} s** | ≤ ${target} s: ${p99 <= target ? 'met' : '**not met**'} |`,
    `| max (min) | ${s(f['max'])} s (${s(f['min'])} s) | |`,
    `| mean enqueue → delivered (ews_alerts_notification_delivery_seconds, webhook) | ${ms(f['deliveryMean'])} | |`,
    `| mean detection run on changed counts (ews_processors_detection_run_seconds), runs | ${ms(f['detectionRunMean'])}, ${f['detectionRuns']} | |`,
    '',
  ].join('\n');
}
