import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { readConfig, type Config } from './config.ts';
import { startKafkaBackbone } from './kafka-backbone.ts';
import { createLogger } from '../platform/logger.ts';
import { createMetricsRegistry } from '../platform/metrics.ts';
import { systemClock } from '../platform/clock.ts';
import { createUnitRegistry } from '../schemas/units/registry.ts';
import { createIngestService, type BodyItem } from '../ingest/ingest-service.ts';
import { createDedupIndex } from '../ingest/dedup-index.ts';
import { configuredKeyRing, createPseudonymiser, singleKeyRing, type PseudonymKeyRing } from '../ingest/pseudonymise.ts';
import { createHospitalKeyVerifier } from '../ingest/hospital-keys.ts';
import { unauthenticatedError } from '../ingest/ingest-auth.ts';
import { createHospitalStore } from '../storage/hospitals.ts';
import { DirectoryHeldError } from '../platform/pg/directory-lock.ts';
import { openMigratedOperationalStore } from './operational-store.ts';
import type { Logger } from 'pino';

const HELP = `ews produce — send a file of hospital events to Kafka (a batch upload or a replay) / gửi tệp sự kiện lên Kafka

Usage / Cách dùng: ews produce [options] FILE.ndjson

Each line goes through the same validation and pseudonymisation as POST /v1/events: valid
events are published to ews.encounters.v1 / ews.labs.v1 (acks from all in-sync replicas),
invalid lines to ews.deadletter.v1 with the reason, resends within the file are skipped.
Needs KAFKA_BROKERS, and the provincial key (EWS_PSEUDONYM_KEY, or the key file of
EWS_DATA_DIR that ews serve created). Does not open ClickHouse, so the service may be running.

The file is sent as one hospital, authenticated by its API key as on POST /v1/events: lines
naming another hospital are refused (HOSPITAL_MISMATCH, dead-lettered). The key is checked
against the operational store (DATABASE_URL, else PGlite in EWS_DATA_DIR/pg, which must not be
held by a running service: use DATABASE_URL then).

Options:
  --key KEY         the hospital's API key (ews hospitals add); or EWS_HOSPITAL_KEY, which
                    does not show in the process list / khóa API của bệnh viện
  --batch N         lines per publish (default 5000)
  --concurrency N   batches in flight (default 4)
  --json            print the summary as one JSON line
  --quiet           no progress bar`;

export interface ProduceSummary {
  file: string;
  lines: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  seconds: number;
  eventsPerSecond: number;
}

export async function runProduce(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      batch: { type: 'string', default: '5000' },
      concurrency: { type: 'string', default: '4' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean' },
      key: { type: 'string' },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const file = positionals[0];
  const batchSize = Number(values.batch);
  const concurrency = Number(values.concurrency);
  if (!file || positionals.length > 1) return usage('give exactly one FILE.ndjson');
  if (!existsSync(file)) return usage(`no such file: ${file}`);
  if (!(batchSize >= 1 && concurrency >= 1)) return usage('--batch and --concurrency must be positive integers');
  const config = readConfig(process.env);
  if (!config.KAFKA_BROKERS) return usage('KAFKA_BROKERS is not set: ews produce publishes to Kafka');
  const key = pseudonymKey(config);
  if (!key)
    return usage(
      `neither EWS_PSEUDONYM_KEYS nor EWS_PSEUDONYM_KEY is set and ${join(config.EWS_DATA_DIR, 'pseudonym.key')} does not exist: use the key ews serve uses`,
    );

  const hospitalKey = values.key ?? config.EWS_HOSPITAL_KEY;
  if (!hospitalKey) return usage('a hospital API key is required: --key KEY or EWS_HOSPITAL_KEY (issued by ews hospitals add)');

  const log = createLogger({ level: config.EWS_LOG_LEVEL === 'info' ? 'warn' : config.EWS_LOG_LEVEL });
  const hospital = await authenticatedHospital(config, hospitalKey, log);
  if (!hospital.ok) {
    process.stderr.write(`ews produce: ${hospital.message}\n`);
    return hospital.status;
  }
  const metrics = createMetricsRegistry({ defaultMetrics: false });
  const kafka = await startKafkaBackbone(config, { log, metrics });
  const progress = createProgress(statSync(file).size, !values.quiet);
  try {
    const ingest = createIngestService({
      log: log.child({ module: 'ingest' }),
      metrics,
      clock: systemClock,
      eventLog: kafka.eventLog,
      deadLetters: kafka.eventLog.deadLetters,
      units: createUnitRegistry(config.units),
      dedup: createDedupIndex({ capacity: Math.min(config.EWS_DEDUP_CAPACITY, 50_000_000) }),
      pseudonymise: createPseudonymiser(key),
    });
    const source = `file:${basename(file)}`;
    const totals = { lines: 0, accepted: 0, duplicates: 0, rejected: 0, bytes: 0 };
    const started = performance.now();
    const inFlight = new Set<Promise<void>>();
    let failure: Error | undefined;
    let logged = 0;
    const send = (items: BodyItem[], lineNos: number[], bytes: number) => {
      const p = ingest
        .ingest(items, source, hospital.id)
        .then((r) => {
          totals.accepted += r.accepted;
          totals.duplicates += r.duplicates;
          totals.rejected += r.rejected.length;
          totals.bytes += bytes;
          for (const rej of r.rejected) {
            if (logged++ < 10)
              log.warn({ line: lineNos[rej.index], event_id: rej.event_id, errors: rej.errors }, 'line rejected (dead-lettered)');
          }
          progress.update(totals.bytes, totals.lines, totals.accepted, (performance.now() - started) / 1000);
        })
        .catch((err: unknown) => {
          failure ??= err as Error;
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    };

    let items: BodyItem[] = [];
    let lineNos: number[] = [];
    let itemsBytes = 0;
    const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    for await (const line of lines) {
      totals.lines++;
      itemsBytes += Buffer.byteLength(line) + 1;
      if (line.trim() === '') continue;
      try {
        items.push({ raw: line, value: JSON.parse(line) });
      } catch (err) {
        items.push({ raw: line, decodeError: `line ${totals.lines} is not valid JSON: ${(err as Error).message}` });
      }
      lineNos.push(totals.lines);
      if (items.length >= batchSize) {
        send(items, lineNos, itemsBytes);
        items = [];
        lineNos = [];
        itemsBytes = 0;
        while (inFlight.size >= concurrency) await Promise.race(inFlight);
        if (failure) throw failure;
      }
    }
    if (items.length > 0) send(items, lineNos, itemsBytes);
    while (inFlight.size > 0) await Promise.race(inFlight);
    // A failed publish (broker down past KAFKA_PRODUCE_TIMEOUT_MS) is the exit status.
    if (failure) throw failure;
    const seconds = (performance.now() - started) / 1000;
    progress.done();
    const summary: ProduceSummary = {
      file,
      lines: totals.lines,
      accepted: totals.accepted,
      duplicates: totals.duplicates,
      rejected: totals.rejected,
      seconds: Math.round(seconds * 1000) / 1000,
      eventsPerSecond: Math.round(totals.accepted / Math.max(seconds, 1e-9)),
    };
    process.stdout.write(values.json ? `${JSON.stringify(summary)}\n` : renderSummary(summary));
    return 0;
  } catch (err) {
    progress.done();
    process.stderr.write(`ews produce: publishing failed, the file was not fully sent: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await kafka.close();
  }
}

/** The hospital a key belongs to, verified against the operational store, or why not (exit status 1 or 2). */
async function authenticatedHospital(
  config: Readonly<Config>,
  key: string,
  log: Logger,
): Promise<{ ok: true; id: string } | { ok: false; status: number; message: string }> {
  let store;
  try {
    store = await openMigratedOperationalStore(config, log);
  } catch (err) {
    if (!(err instanceof DirectoryHeldError)) throw err;
    return {
      ok: false,
      status: 1,
      message:
        `${err.message}: the hospital key cannot be checked while the service holds the embedded operational store; ` +
        `set DATABASE_URL (a PostgreSQL server shared by every process) / không kiểm tra được khóa khi dịch vụ đang giữ kho nhúng`,
    };
  }
  try {
    const verifier = createHospitalKeyVerifier({
      store: createHospitalStore(store, systemClock),
      clock: systemClock,
      graceMs: config.EWS_HOSPITAL_KEY_GRACE_SECONDS * 1000,
    });
    const verdict = await verifier.verify(key);
    return verdict.ok
      ? { ok: true, id: verdict.hospitalId }
      : { ok: false, status: 2, message: unauthenticatedError(verdict.reason).message };
  } finally {
    await store.close();
  }
}

function usage(message: string): number {
  process.stderr.write(`ews produce: ${message}\n\n${HELP}\n`);
  return 2;
}

/** The provincial key: EWS_PSEUDONYM_KEY, else the key file `ews serve` keeps in EWS_DATA_DIR. Never creates one. */
function pseudonymKey(config: Readonly<Config>): PseudonymKeyRing | undefined {
  const ring = configuredKeyRing(config);
  if (ring) return ring;
  const file = join(config.EWS_DATA_DIR, 'pseudonym.key');
  return existsSync(file) ? singleKeyRing(Buffer.from(readFileSync(file, 'utf8').trim(), 'utf8')) : undefined;
}

function renderSummary(s: ProduceSummary): string {
  const n = (x: number) => x.toLocaleString('en');
  return [
    `ews produce ${s.file}: ${n(s.lines)} lines in ${s.seconds.toFixed(1)} s`,
    `  accepted   ${n(s.accepted)} (published, acknowledged by all in-sync replicas; ${n(s.eventsPerSecond)} events/s)`,
    `  duplicates ${n(s.duplicates)} (resends within the file, skipped)`,
    `  rejected   ${n(s.rejected)} (published to ews.deadletter.v1 with the reason)`,
    '',
  ].join('\n');
}

/** A progress bar on a terminal, a line per 10 % otherwise (logs, CI); nothing when disabled. */
function createProgress(totalBytes: number, enabled: boolean) {
  const tty = process.stderr.isTTY === true;
  let lastDecile = -1;
  let lastDraw = 0;
  return {
    update(bytes: number, lines: number, accepted: number, seconds: number) {
      if (!enabled) return;
      const frac = totalBytes > 0 ? Math.min(1, bytes / totalBytes) : 1;
      const rate = Math.round(accepted / Math.max(seconds, 1e-9)).toLocaleString('en');
      if (tty) {
        const now = Date.now();
        if (now - lastDraw < 100 && frac < 1) return;
        lastDraw = now;
        const width = 30;
        const filled = Math.round(frac * width);
        process.stderr.write(
          `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}%  ${lines.toLocaleString('en')} lines  ${rate} events/s `,
        );
      } else {
        const decile = Math.floor(frac * 10);
        if (decile === lastDecile) return;
        lastDecile = decile;
        process.stderr.write(`ews produce: ${decile * 10}% (${lines.toLocaleString('en')} lines, ${rate} events/s)\n`);
      }
    },
    done() {
      if (enabled && tty) process.stderr.write('\n');
    },
  };
}
