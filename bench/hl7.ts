// HL7 v2 over MLLP ingest benchmark (issue 12), beside the JSON and FHIR figures of `npm run bench`:
//   node --import tsx bench/hl7.ts [--messages N] [--connections N] [--window N] [--no-write]
// A one-process pipeline with its MLLP listener on a free port; a separate client process
// (bench/hl7-client.ts) sends the demo simulator's events as ADT^A04 and ORU^R01 messages over
// several TCP connections, the hospital key in MSH-8. The listener answers each message's ACK
// only once ingest has fsynced its event to the embedded log (ingest/hl7/mllp-server.ts), so an
// AA is a durable message: messages/s and events/s durable, then until all are counted in
// ClickHouse (chDB), and the pipeline's peak RSS. Written to BENCHMARKS.md (section `hl7`, and
// the HL7 row of `ingest-formats`) unless --no-write.
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

const HELP = `npm run bench:hl7 [-- options] — HL7 v2 ADT^A04/ORU^R01 over MLLP into the real pipeline, durable messages/s

  --messages N     messages sent (default 40000)
  --connections N  MLLP connections (default 8)
  --window N       messages in flight per connection (default 1: each waits for its ACK)
  --no-write       print the figures only, leave BENCHMARKS.md alone
  -h, --help       this text`;

const { values } = parseArgs({
  options: {
    help: { type: 'boolean', short: 'h' },
    messages: { type: 'string', default: '40000' },
    connections: { type: 'string', default: '8' },
    window: { type: 'string', default: '1' },
    'no-write': { type: 'boolean' },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const total = Number(values.messages);
const connections = Number(values.connections);
const window = Number(values.window);
const HOSPITAL = 'BV-BENCH';

const dir = mkdtempSync(join(tmpdir(), 'ews-bench-hl7-'));
// The per-hospital limit counts each MLLP message as a request: off here, as one hospital sends it all.
const config = readConfig({
  ...process.env,
  EWS_DATA_DIR: dir,
  PORT: '0',
  EWS_LOG_LEVEL: 'warn',
  EWS_MLLP_PORT: '0',
  EWS_INGEST_RATE_LIMIT_PER_MINUTE: '0',
});
const pipeline = await startPipeline(config, { log: createLogger({ level: 'warn' }), clock: systemClock, cronSchedule: false });
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100);
let code: number | undefined;
try {
  const port = pipeline.mllpPort;
  if (port === undefined) throw new Error('the MLLP listener did not start');
  process.stderr.write(
    `bench hl7: ${total} messages over ${connections} MLLP connections, ${window} awaiting their ACK on each → 127.0.0.1:${port}\n`,
  );
  const { key } = await pipeline.hospitals.add({ id: HOSPITAL, name: 'Benchmark hospital' });
  await pipeline.hospitalKeys.refresh();
  const r = JSON.parse(
    await runBenchClient(
      new URL('./hl7-client.ts', import.meta.url),
      ['127.0.0.1', String(port), String(total), String(connections), String(window), HOSPITAL],
      key,
    ),
  ) as {
    messages: number;
    labs: number;
    accepted: number;
    refused: number;
    firstRefusals: string[];
    seconds: number;
    bytes: number;
  };
  if (r.refused > 0) process.stderr.write(`bench hl7: ${r.refused} not AA, e.g. ${r.firstRefusals.join(' | ')}\n`);
  const settleStart = performance.now();
  await pipeline.settle();
  const countedSeconds = r.seconds + (performance.now() - settleStart) / 1000;
  const counted = await createEventStore(pipeline.store).countStored();
  peakRss = Math.max(peakRss, process.memoryUsage.rss(), process.resourceUsage().maxRSS * 1024);
  const f = {
    ...r,
    messagesPerSecond: Math.round(r.accepted / r.seconds),
    // One event per message (an ADT is one visit, each ORU here one result).
    eventsPerSecond: Math.round(counted / r.seconds),
    mbPerSecond: Math.round((r.bytes / 2 ** 20 / r.seconds) * 10) / 10,
    counted,
    countedSeconds,
    countedPerSecond: Math.round(counted / countedSeconds),
    peakRssMb: Math.round(peakRss / 1048576),
    load: loadLine(),
  };
  process.stdout.write(JSON.stringify(f) + '\n');
  if (!values['no-write']) {
    const machine = machineLine();
    recordIngestFormat('hl7', {
      label: 'HL7 v2 ADT/ORU over MLLP',
      command: 'npm run bench:hl7',
      unitsPerSecond: f.messagesPerSecond,
      unit: `messages/s (${connections} connections${window === 1 ? '' : `, window ${window}`})`,
      eventsPerSecond: f.eventsPerSecond,
      countedPerSecond: f.countedPerSecond,
      peakRssMb: f.peakRssMb,
      when: machine.slice(machine.lastIndexOf('; ') + 2),
      load: f.load,
    });
    writeSectionBefore(
      'hl7',
      'detect',
      `## HL7 v2 over MLLP ingest (\`npm run bench:hl7\`)\n\nMachine: ${machine}; load average at the end ${f.load}\n\n` +
        `${r.messages} demo simulator events as HL7 v2.5.1 messages (${r.messages - r.labs} ADT^A04 with PID, PV1, DG1 and the OBX ` +
        `8661-1 chief complaint; ${r.labs} ORU^R01 with OBR and one OBX; ${(r.bytes / 2 ** 20).toFixed(1)} MiB framed) from a separate ` +
        `client process over ${connections} MLLP (TCP) connections, ${window === 1 ? 'each sender waiting for the ACK before its next message (original mode)' : `up to ${window} messages awaiting their ACK on each`}, ` +
        `the hospital key in MSH-8. The listener handles a connection's messages in order and answers each ACK only once its ` +
        `event is fsynced to the embedded log, so messages/s grows with the connections (their appends share a group commit). ` +
        `The per-hospital rate limit is off for the run (each MLLP message counts as a request).\n\n` +
        `| figure | value |\n|---|---|\n` +
        `| messages answered AA over MLLP (durable) | **${f.messagesPerSecond.toLocaleString('en')} messages/s** (${r.accepted} in ${r.seconds.toFixed(2)} s, ${f.mbPerSecond} MiB/s) |\n` +
        `| events durable | ${f.eventsPerSecond.toLocaleString('en')} events/s |\n` +
        `| until all counted in ClickHouse (chDB) | ${f.countedPerSecond.toLocaleString('en')} events/s (${countedSeconds.toFixed(2)} s) |\n` +
        `| events stored / messages sent | ${counted} / ${r.messages} (${r.refused} not AA) |\n` +
        `| peak RSS of the pipeline process | ${f.peakRssMb} MB |\n`,
    );
  }
  code = r.accepted === r.messages && counted === r.messages ? 0 : 1;
} finally {
  clearInterval(sampler);
  await pipeline.close();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(code ?? 1);
