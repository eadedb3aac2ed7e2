// Load generator for the ingest benchmark, run as a child process so it does not share the
// server's event loop. Pre-serializes every batch, then POSTs them with N requests in flight
// and reports the accepted count and wall time as one JSON line. Every event is sent as the
// benchmark's hospital (BENCH_HOSPITAL), with its key from EWS_HOSPITAL_KEY (not argv: not in ps).
import { createRng } from '../simulator/random.ts';
import { generateDay } from '../simulator/model.ts';
import { loadDemoUnits } from '../cli/units.ts';

const [url, totalArg, batchArg, concurrencyArg, hospital] = process.argv.slice(2);
const key = process.env['EWS_HOSPITAL_KEY'];
if (!key || !hospital) throw new Error('usage: ingest-client URL TOTAL BATCH CONCURRENCY HOSPITAL, with EWS_HOSPITAL_KEY set');
const total = Number(totalArg);
const batchSize = Number(batchArg);
const concurrency = Number(concurrencyArg);

const units = loadDemoUnits().map((u) => ({ code: u.code, provinceCode: u.provinceCode, population: u.population }));
const rng = createRng(7);
const lines: string[] = [];
for (let day = 20000; lines.length < total; day++) {
  for (const e of generateDay(day, units, { scale: 1, outbreaks: [] }, rng)) {
    lines.push(JSON.stringify({ ...e, hospital_id: hospital }));
    if (lines.length >= total) break;
  }
}
const bodies: string[] = [];
for (let i = 0; i < lines.length; i += batchSize) bodies.push(lines.slice(i, i + batchSize).join('\n'));

let next = 0;
let accepted = 0;
const started = performance.now();
async function worker(): Promise<void> {
  while (next < bodies.length) {
    const body = bodies[next++]!;
    const res = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${key}` },
      body,
    });
    const json = (await res.json()) as { accepted: number };
    if (!res.ok) throw new Error(`status ${res.status}: ${JSON.stringify(json)}`);
    accepted += json.accepted;
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
const seconds = (performance.now() - started) / 1000;
process.stdout.write(JSON.stringify({ accepted, seconds, batches: bodies.length }) + '\n');
