// FHIR R4 ingest benchmark (issue 12), beside the JSON figure of `npm run bench`:
//   npm run bench:fhir -- [--events N] [--per-bundle N] [--concurrency N] [--type batch|transaction] [--no-write]
// A one-process pipeline listening on a free port; a separate client process posts Bundles of
// the demo simulator's events (bench/fhir-client.ts) to POST /fhir with the hospital's key.
// Each answer comes after the Bundle's events are durable in the embedded log (fsynced):
// Bundles/s and events/s durable, then until all are counted in ClickHouse (chDB). Written to
// BENCHMARKS.md (section `fhir`) unless --no-write.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readConfig } from '../cli/config.ts';
import { startPipeline } from '../cli/pipeline.ts';
import { createLogger } from '../platform/logger.ts';
import { systemClock } from '../platform/clock.ts';
import { createEventStore } from '../storage/events.ts';
import { loadLine, machineLine, recordIngestFormat, runBenchClient, writeSectionBefore } from './report.ts';

const HELP = `npm run bench:fhir [-- options] — FHIR R4 Bundles to POST /fhir on the real pipeline, durable events/s

  --events N       events sent (default 60000)
  --per-bundle N   events per Bundle (default 100)
  --concurrency N  Bundles in flight (default 4)
  --type T         Bundle type: batch, transaction or collection (default batch)
  --no-write       print the figures only, leave BENCHMARKS.md alone
  -h, --help       this text`;

const { values } = parseArgs({
  options: {
    help: { type: 'boolean', short: 'h' },
    events: { type: 'string', default: '60000' },
    'per-bundle': { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '4' },
    type: { type: 'string', default: 'batch' },
    'no-write': { type: 'boolean' },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const total = Number(values.events);
const perBundle = Number(values['per-bundle']);
const concurrency = Number(values.concurrency);
const HOSPITAL = 'BV-BENCH';

const dir = mkdtempSync(join(tmpdir(), 'ews-bench-fhir-'));
const config = readConfig({ ...process.env, EWS_DATA_DIR: dir, PORT: '0', EWS_LOG_LEVEL: 'warn' });
const pipeline = await startPipeline(config, { log: createLogger({ level: 'warn' }), clock: systemClock, cronSchedule: false });
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100);
let code: number | undefined;
try {
  process.stderr.write(
    `bench fhir: ${total} events in ${values.type} Bundles of ${perBundle} events, ${concurrency} in flight → ${pipeline.url}\n`,
  );
  const { key } = await pipeline.hospitals.add({ id: HOSPITAL, name: 'Benchmark hospital' });
  await pipeline.hospitalKeys.refresh();
  const r = JSON.parse(
    await runBenchClient(
      new URL('./fhir-client.ts', import.meta.url),
      [pipeline.url, String(total), String(perBundle), String(concurrency), HOSPITAL, values.type],
      key,
    ),
  ) as {
    events: number;
    stored: number;
    seconds: number;
    bundles: number;
    entries: number;
    bytes: number;
  };
  const settleStart = performance.now();
  await pipeline.settle();
  const countedSeconds = r.seconds + (performance.now() - settleStart) / 1000;
  const counted = await createEventStore(pipeline.store).countStored();
  peakRss = Math.max(peakRss, process.memoryUsage.rss(), process.resourceUsage().maxRSS * 1024);
  const f = {
    ...r,
    bundlesPerSecond: Math.round((r.bundles / r.seconds) * 10) / 10,
    eventsPerSecond: Math.round(r.stored / r.seconds),
    entriesPerSecond: Math.round(r.entries / r.seconds),
    mbPerSecond: Math.round((r.bytes / 2 ** 20 / r.seconds) * 10) / 10,
    counted,
    countedPerSecond: Math.round(counted / countedSeconds),
    peakRssMb: Math.round(peakRss / 1048576),
  };
  process.stdout.write(JSON.stringify(f) + '\n');
  if (!values['no-write']) {
    const machine = machineLine();
    const load = loadLine();
    recordIngestFormat('fhir', {
      label: `FHIR R4 ${values.type} Bundles of ${perBundle} events`,
      command: 'npm run bench:fhir',
      unitsPerSecond: f.bundlesPerSecond,
      unit: `Bundles/s (${concurrency} in flight)`,
      eventsPerSecond: f.eventsPerSecond,
      countedPerSecond: f.countedPerSecond,
      peakRssMb: f.peakRssMb,
      when: machine.slice(machine.lastIndexOf('; ') + 2),
      load,
    });
    writeSectionBefore(
      'fhir',
      'detect',
      `## FHIR R4 ingest (\`npm run bench:fhir\`)\n\nMachine: ${machine}; load average at the end ${load}\n\n` +
        `${r.events} demo simulator events as FHIR R4 ${values.type} Bundles of ${perBundle} events (each event: its Patient, the Encounter ` +
        `and a Condition per ICD-10 code, or the Observation; ${r.entries} entries, ${(r.bytes / 2 ** 20).toFixed(1)} MiB), ${concurrency} ` +
        `requests in flight from a separate client process to POST /fhir with the hospital's key; each answer comes after the Bundle's ` +
        `events are fsynced to the embedded log. Compare the JSON figure of \`npm run bench\` above (NDJSON, batches of 500).\n\n` +
        `| figure | value |\n|---|---|\n` +
        `| Bundles through POST /fhir (durable) | **${f.bundlesPerSecond} Bundles/s** (${r.bundles} in ${r.seconds.toFixed(2)} s) |\n` +
        `| events durable | **${f.eventsPerSecond.toLocaleString('en')} events/s** (${f.entriesPerSecond.toLocaleString('en')} entries/s, ${f.mbPerSecond} MiB/s) |\n` +
        `| until all counted in ClickHouse (chDB) | ${f.countedPerSecond.toLocaleString('en')} events/s |\n` +
        `| events stored / sent | ${counted} / ${r.events} |\n` +
        `| peak RSS of the pipeline process | ${f.peakRssMb} MB |\n`,
    );
  }
  code = r.stored === r.events && counted === r.events ? 0 : 1;
} finally {
  clearInterval(sampler);
  await pipeline.close();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(code ?? 1);
