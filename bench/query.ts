// `npm run bench:query` — a benchmark, not a test (issue 11): the trends queries on the embedded
// ClickHouse (chDB) over a large synthetic history. Events are generated inside the engine
// (INSERT … SELECT, one month per INSERT) into a data directory migrated with the project's own
// migrations, so the materialized view builds `syndrome_counts` exactly as in production.
// Then each query runs after a warm-up ≥ 20 times: p50 / p95. Target p95 ≤ 200 ms on 2 cores.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createStore, type ClickHouseClient } from '../platform/clickhouse.ts';
import { migrate, readMigrations } from '../platform/migrations.ts';
import { createLogger } from '../platform/logger.ts';
import { dayString, parseDay } from '../platform/days.ts';
import { createCountStore } from '../storage/counts.ts';
import { createTrendStore } from '../storage/trends.ts';
import { createDailyCountStore } from '../storage/daily-counts.ts';
import { runFinalizer } from '../processors/count/finalizer.ts';
import { loadDemoUnits } from '../cli/units.ts';
import { machineLine, writeSection } from './report.ts';

const HELP = `npm run bench:query [-- options] — trends queries on the embedded ClickHouse over a large history

  --events N       events generated (default 100000000), over 5 years (2021-01-01 … 2025-12-31)
                   and the 203 communes of provinces 24 and 33
  --data-dir DIR   the chDB data directory (default: a new one under the temporary directory,
                   removed at the end unless --keep)
  --keep           keep the data directory; if it already holds a loaded history, reuse it
                   (no load; the load time recorded in DIR/bench-load.json is reported) and only
                   finalize what is new and run the queries
  --runs N         timed runs per query after one warm-up (default 20)
  --live-runs N    timed runs of the slow live-path reads (default 5)
  --no-before      skip the count-table reads (syndrome_counts states, events) of before daily_counts
  --no-live        skip the live-path reads of storage/trends.ts and the finalized = live check
  --candidates     also build and time the bench-only tables bench_daily_counts, bench_strata_weekly
  --finalize-from DAY  finalize only the days from DAY (YYYY-MM-DD) on; earlier days stay open
                   (the finalizer's backfill bound; the 100M history takes ~40 s a month here)
  --through YEAR   the trends reads end on 31 December of YEAR (default 2025)
  --a-years N      years query (a) spans (default 2)
  --no-finalized   skip the finalizer and the trends reads
  --no-write       print the figures only, leave BENCHMARKS.md alone
  -h, --help       this text

Queries, through storage/trends.ts as GET /v1/trends makes them, every day closed and finalized
into daily_counts: (a) province × ISO week × syndrome over 2 years (readDaily, both provinces);
(b) one commune × day over 1 year (readDaily); (c) age band × sex for one province over 1 year
(readStrata); each also on the live path, and their answers compared cell by cell.
Target: p95 ≤ 200 ms on 2 cores.`;

const { values } = parseArgs({
  options: {
    help: { type: 'boolean', short: 'h' },
    events: { type: 'string', default: '100000000' },
    'data-dir': { type: 'string' },
    keep: { type: 'boolean' },
    runs: { type: 'string', default: '20' },
    write: { type: 'boolean', default: true },
    'live-runs': { type: 'string', default: '5' },
    'finalize-from': { type: 'string' },
    through: { type: 'string', default: '2025' },
    'a-years': { type: 'string', default: '2' },
    candidates: { type: 'boolean', default: false },
    finalized: { type: 'boolean', default: true },
    before: { type: 'boolean', default: true },
    live: { type: 'boolean', default: true },
  },
  allowNegative: true,
});
if (values.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}

const EVENTS = Number(values.events);
const RUNS = Number(values.runs);
const LIVE_RUNS = Number(values['live-runs']);
if (!Number.isInteger(EVENTS) || EVENTS < 1000 || !Number.isInteger(RUNS) || RUNS < 1 || !Number.isInteger(LIVE_RUNS) || LIVE_RUNS < 1) {
  process.stderr.write('bench:query: --events must be an integer ≥ 1000, --runs and --live-runs ≥ 1\n');
  process.exit(2);
}
const KEEP = values.keep === true;
const DIR = values['data-dir'] ?? mkdtempSync(join(tmpdir(), 'ews-bench-query-'));
const say = (s: string) => process.stderr.write(`bench:query: ${s}\n`);

const FIRST_DAY = parseDay('2021-01-01');
const LAST_DAY = parseDay('2025-12-31');
const SYNDROMES = [
  'ili',
  'sari',
  'acute_diarrhoea',
  'dengue',
  'hfmd',
  'measles_rubella',
  'meningitis_encephalitis',
  'afp',
  'jaundice_hepatitis',
  'fever_unspecified',
] as const;

const units = loadDemoUnits();
const provinceOf = new Map(units.map((u) => [u.code, u.provinceCode]));

/** Events per day: weekday shape (Monday busiest, Sunday least) × a yearly wave (peak in late January and July). */
function dailyCounts(total: number): number[] {
  const weekday = [1.25, 1.1, 1.05, 1.05, 1.0, 0.8, 0.55]; // Mon … Sun
  const w: number[] = [];
  for (let d = FIRST_DAY; d <= LAST_DAY; d++) {
    const dow = (d + 3) % 7; // 1970-01-01 was a Thursday: (d + 3) % 7 = 0 on Mondays
    const doy = (d - parseDay(`${dayString(d).slice(0, 4)}-01-01`)) / 365.25;
    w.push(weekday[dow]! * (1 + 0.12 * Math.cos(2 * Math.PI * (doy - 0.07)) + 0.08 * Math.cos(4 * Math.PI * (doy - 0.07))));
  }
  const sum = w.reduce((a, b) => a + b, 0);
  const counts = w.map((x) => Math.floor((x / sum) * total));
  let rest = total - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; rest > 0; i = (i + 1) % counts.length, rest--) counts[i]!++;
  return counts;
}

/** 10,000 slots of syndrome lists for one month (a comma-joined list per slot, '' for none), seasonal. */
function syndromeSlots(month: number): string[] {
  const rainy = month >= 6 && month <= 11 ? 1 : 0; // dengue season
  const flu = month <= 3 || month === 7 || month === 8 ? 1 : 0;
  const hfmd = (month >= 3 && month <= 5) || (month >= 9 && month <= 11) ? 1 : 0;
  const share: [string, number][] = [
    ['ili', 1100 + 500 * flu],
    ['ili,fever_unspecified', 150],
    ['sari', 120 + 60 * flu],
    ['sari,ili', 40],
    ['acute_diarrhoea', 650 + 250 * (month >= 5 && month <= 9 ? 1 : 0)],
    ['dengue', 80 + 320 * rainy],
    ['dengue,fever_unspecified', 20 + 60 * rainy],
    ['hfmd', 60 + 120 * hfmd],
    ['measles_rubella', 15 + 10 * (month <= 4 ? 1 : 0)],
    ['meningitis_encephalitis', 8],
    ['afp', 1],
    ['jaundice_hepatitis', 25],
    ['fever_unspecified', 450],
  ];
  const slots: string[] = [];
  for (const [s, n] of share) for (let i = 0; i < n; i++) slots.push(s);
  while (slots.length < 10000) slots.push('');
  return slots;
}

/** 4,096 slots of commune codes, proportional to population. */
function communeSlots(): string[] {
  const pop = units.reduce((a, u) => a + u.population, 0);
  const slots: string[] = [];
  let acc = 0;
  for (const u of units) {
    acc += u.population;
    while (slots.length < Math.round((acc / pop) * 4096)) slots.push(u.code);
  }
  return slots;
}

const EVENT_COLUMNS =
  'hospital_id, event_id, schema, occurred_at, day, commune_code, patient_key, sex, age_years, setting, diagnoses, chief_complaint, temperature_c, test_code, result, syndromes, received_at, log_offset';

/**
 * One INSERT … SELECT per month: `dc` holds (day, events that day, id of its first event); each
 * field is drawn from hashes of the event's number, so a run is reproducible.
 */
const INSERT_MONTH = `
INSERT INTO events (${EVENT_COLUMNS})
SELECT
  concat('BV-', province, '-', toString(h3 % 24)) AS hospital_id,
  concat('bench-', toString(id)) AS event_id,
  if(lab, 'ews.lab.v1', 'ews.encounter.v1') AS schema,
  toDateTime64(toDateTime(day) - 25200 + toUInt32(h3 % 86400), 3, 'UTC') AS occurred_at,
  day,
  commune_code,
  lower(hex(cityHash64(intDiv(id, 3), 7))) AS patient_key,
  multiIf(h2 % 100 < 49, 'male', h2 % 100 < 98, 'female', h2 % 100 < 99, 'other', 'unknown') AS sex,
  if(intDiv(h2, 100) % 100 = 0, NULL, toUInt8(floor(92 * pow((intDiv(h2, 10000) % 10000) / 10000, 1.35)))) AS age_years,
  multiIf(lab, 'outpatient', h3 % 100 < 70, 'outpatient', h3 % 100 < 90, 'emergency', h3 % 100 < 99, 'inpatient', 'telehealth') AS setting,
  if(lab, [], if(syn = '', ['Z00.0'], [transform(splitByChar(',', syn)[1], {syn:Array(String)}, {icd:Array(String)}, 'R69')])) AS diagnoses,
  if(lab OR h3 % 5 != 0, '', 'sốt, ho') AS chief_complaint,
  if(h3 % 3 = 0, NULL, toFloat32(36.5 + (h2 % 30) / 10)) AS temperature_c,
  if(lab, if(h2 % 2 = 0, '75377-6', '94500-6'), '') AS test_code,
  if(lab, if(syn = '', 'negative', 'positive'), '') AS result,
  if(syn = '', [], splitByChar(',', syn)) AS syndromes,
  occurred_at + toIntervalSecond(30 + h3 % 600) AS received_at,
  id AS log_offset
FROM (
  SELECT
    dc.1 AS day,
    dc.3 + i AS id,
    cityHash64(id) AS h1,
    cityHash64(id, 1) AS h2,
    cityHash64(id, 2) AS h3,
    transform(toUInt16(h1 % 4096), {cidx:Array(UInt16)}, {communes:Array(String)}, '') AS commune_code,
    transform(commune_code, {codes:Array(String)}, {provs:Array(String)}, '') AS province,
    intDiv(h1, 4096) % 10 = 0 AS lab,
    transform(toUInt16(intDiv(h1, 40960) % 10000), {sidx:Array(UInt16)}, {slots:Array(String)}, '') AS syn
  FROM (SELECT arrayJoin(arrayZip({days:Array(Date)}, {counts:Array(UInt32)}, {firsts:Array(UInt64)})) AS dc)
  ARRAY JOIN range(dc.2) AS i
)`;

const ICD: Record<string, string> = {
  ili: 'J11.1',
  sari: 'J18.9',
  acute_diarrhoea: 'A09',
  dengue: 'A90',
  hfmd: 'B08.4',
  measles_rubella: 'B05.9',
  meningitis_encephalitis: 'G03.9',
  afp: 'G83.9',
  jaundice_hepatitis: 'B17.9',
  fever_unspecified: 'R50.9',
};

async function load(client: ClickHouseClient): Promise<{ seconds: number; months: number }> {
  const counts = dailyCounts(EVENTS);
  const communes = communeSlots();
  const codes = units.map((u) => u.code);
  const provs = units.map((u) => u.provinceCode);
  let first = 0;
  const t0 = performance.now();
  let done = 0;
  let months = 0;
  for (let d = FIRST_DAY; d <= LAST_DAY;) {
    const month = dayString(d).slice(0, 7);
    const days: string[] = [];
    const n: number[] = [];
    const firsts: number[] = [];
    for (; d <= LAST_DAY && dayString(d).startsWith(month); d++) {
      days.push(dayString(d));
      n.push(counts[d - FIRST_DAY]!);
      firsts.push(first);
      first += counts[d - FIRST_DAY]!;
    }
    const monthEvents = n.reduce((a, b) => a + b, 0);
    const slots = syndromeSlots(Number(month.slice(5)));
    await client.command({
      query: INSERT_MONTH,
      query_params: {
        days,
        counts: n,
        firsts,
        cidx: communes.map((_, i) => i),
        communes,
        codes,
        provs,
        sidx: slots.map((_, i) => i),
        slots,
        syn: Object.keys(ICD),
        icd: Object.values(ICD),
      },
      clickhouse_settings: { max_partitions_per_insert_block: '10', max_insert_threads: '2' },
    });
    done += monthEvents;
    months++;
    const s = (performance.now() - t0) / 1000;
    say(
      `${month}: ${done.toLocaleString('en')} / ${EVENTS.toLocaleString('en')} events, ${s.toFixed(1)} s, ${Math.round(done / s).toLocaleString('en')} events/s`,
    );
  }
  return { seconds: (performance.now() - t0) / 1000, months };
}

async function rows<T>(client: ClickHouseClient, query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const rs = await client.query({ query, query_params: params, format: 'JSONEachRow' });
  return rs.json<T>();
}

async function waitForMerges(client: ClickHouseClient, maxSeconds: number): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const [m] = await rows<{ n: string }>(client, 'SELECT count() AS n FROM system.merges WHERE database = currentDatabase()');
    if (Number(m?.n ?? 0) === 0 || (performance.now() - t0) / 1000 > maxSeconds) return (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

interface TableSize {
  table: string;
  rows: number;
  parts: number;
  bytes: number;
  uncompressed: number;
}

async function tableSizes(client: ClickHouseClient): Promise<TableSize[]> {
  const r = await rows<Record<string, string>>(
    client,
    `SELECT table, sum(rows) AS rows, count() AS parts, sum(bytes_on_disk) AS bytes, sum(data_uncompressed_bytes) AS uncompressed
     FROM system.parts WHERE database = currentDatabase() AND active AND table IN ('events', 'syndrome_counts', 'daily_counts')
     GROUP BY table ORDER BY table`,
  );
  return r.map((x) => ({
    table: x['table']!,
    rows: Number(x['rows']),
    parts: Number(x['parts']),
    bytes: Number(x['bytes']),
    uncompressed: Number(x['uncompressed']),
  }));
}

interface Timing {
  name: string;
  table: string;
  p50: number;
  p95: number;
  min: number;
  max: number;
  resultRows: number;
  runs: number;
  /** UTC time (HH:MM) the runs started, and the 1-minute load average when they ended. */
  at: string;
  load1: number;
  readRows: number;
  marks: number;
  parts: number;
}

function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
  return sorted[Math.max(0, i)]!;
}

async function time(
  name: string,
  table: string,
  run: () => Promise<number>,
  stats: () => Promise<{ readRows: number; marks: number; parts: number }>,
  runs = RUNS,
): Promise<Timing> {
  const resultRows = await run(); // warm-up
  const ms: number[] = [];
  const at = new Date().toISOString().slice(11, 16);
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await run();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const s = await stats();
  const t: Timing = {
    name,
    table,
    p50: quantile(ms, 0.5),
    p95: quantile(ms, 0.95),
    min: ms[0]!,
    max: ms[ms.length - 1]!,
    resultRows,
    runs,
    at,
    load1: loadavg()[0]!,
    ...s,
  };
  say(
    `${name}: p50 ${t.p50.toFixed(1)} ms, p95 ${t.p95.toFixed(1)} ms (${resultRows} result rows; plans to read ${s.readRows.toLocaleString('en')} rows, ${s.parts} parts)`,
  );
  return t;
}

const AGE_BAND = `multiIf(age_years IS NULL, 'unknown', age_years < 5, '0-4', age_years < 15, '5-14', age_years < 25, '15-24',
               age_years < 45, '25-44', age_years < 65, '45-64', '65+')`;

const STRATIFIED = `
SELECT syndrome,
       ${AGE_BAND} AS age_band,
       sex,
       uniqExact(hospital_id, event_id) AS n
FROM events
ARRAY JOIN syndromes AS syndrome
WHERE day BETWEEN {from:Date} AND {to:Date} AND commune_code IN {communes:Array(String)}
GROUP BY syndrome, age_band, sex`;

const WEEKLY_FROM_DAILY = `
SELECT syndrome, transform(commune_code, {codes:Array(String)}, {provs:Array(String)}, '') AS area,
       intDiv(toUInt32(day) + 3, 7) AS period, sum(n) AS n
FROM bench_daily_counts
WHERE syndrome IN {syndromes:Array(String)} AND day BETWEEN {from:Date} AND {to:Date}
GROUP BY syndrome, area, period`;

const STRATA_FROM_WEEKLY = `
SELECT syndrome, age_band, sex, sum(n) AS n
FROM bench_strata_weekly
WHERE commune_code IN {communes:Array(String)} AND week BETWEEN {from:UInt32} AND {to:UInt32}
GROUP BY syndrome, age_band, sex`;

/** Builds the candidate tables from the loaded data (what a finalization job would write for closed days). */
async function buildCandidates(client: ClickHouseClient): Promise<{ daily: number; strata: number }> {
  for (const t of ['bench_daily_counts', 'bench_strata_weekly']) await client.command({ query: `DROP TABLE IF EXISTS ${t}` });
  await client.command({
    query: `CREATE TABLE bench_daily_counts (syndrome LowCardinality(String), commune_code LowCardinality(String), day Date, n UInt32)
            ENGINE = ReplacingMergeTree ORDER BY (syndrome, day, commune_code)`,
  });
  await client.command({
    query: `CREATE TABLE bench_strata_weekly (commune_code LowCardinality(String), week UInt32, syndrome LowCardinality(String),
              age_band LowCardinality(String), sex LowCardinality(String), n UInt32)
            ENGINE = ReplacingMergeTree ORDER BY (commune_code, week, syndrome, age_band, sex)`,
  });
  let t = performance.now();
  await client.command({
    query: `INSERT INTO bench_daily_counts SELECT syndrome, commune_code, day, uniqExactMerge(events) FROM syndrome_counts GROUP BY syndrome, commune_code, day`,
  });
  const daily = (performance.now() - t) / 1000;
  t = performance.now();
  await client.command({
    query: `INSERT INTO bench_strata_weekly
            SELECT commune_code, intDiv(toUInt32(day) + 3, 7) AS week, syndrome, ${AGE_BAND} AS age_band, sex, uniqExact(hospital_id, event_id)
            FROM events ARRAY JOIN syndromes AS syndrome GROUP BY commune_code, week, syndrome, age_band, sex`,
  });
  const strata = (performance.now() - t) / 1000;
  await client.command({ query: 'OPTIMIZE TABLE bench_daily_counts FINAL' });
  await client.command({ query: 'OPTIMIZE TABLE bench_strata_weekly FINAL' });
  say(`candidate tables built: bench_daily_counts ${daily.toFixed(1)} s, bench_strata_weekly ${strata.toFixed(1)} s`);
  return { daily, strata };
}

/** The load of a kept data directory, recorded when it was loaded (a rerun reports it). */
interface LoadRecord {
  seconds: number;
  months: number;
  events: number;
  at: string;
  load1: number;
}

async function main(): Promise<number> {
  const reuse = KEEP && existsSync(join(DIR, 'metadata'));
  say(`data directory ${DIR}${reuse ? ' (reused)' : ''}`);
  const client = await createStore({ database: 'ews', dataDir: DIR });
  const loadFile = join(DIR, 'bench-load.json');
  try {
    await migrate(
      client,
      readMigrations(fileURLToPath(new URL('../schemas/migrations/', import.meta.url))),
      createLogger({ level: 'silent' }),
    );
    let loaded: LoadRecord | undefined;
    let reused = false;
    const [existing] = await rows<{ n: string }>(client, 'SELECT count() AS n FROM events');
    const have = Number(existing?.n ?? 0);
    if (have === 0) {
      say(`loading ${EVENTS.toLocaleString('en')} events, one INSERT … SELECT per month`);
      const l = await load(client);
      loaded = { ...l, events: EVENTS, at: new Date().toISOString().slice(0, 16), load1: loadavg()[0]! };
      writeFileSync(loadFile, JSON.stringify(loaded));
      say(`loaded in ${l.seconds.toFixed(1)} s (${Math.round(EVENTS / l.seconds).toLocaleString('en')} events/s)`);
    } else {
      reused = true;
      if (existsSync(loadFile)) loaded = JSON.parse(readFileSync(loadFile, 'utf8')) as LoadRecord;
      say(`reusing ${have.toLocaleString('en')} events already loaded`);
    }
    const mergeWait = await waitForMerges(client, 120);
    const sizes = await tableSizes(client);
    const events = sizes.find((s) => s.table === 'events')?.rows ?? 0;
    for (const s of sizes)
      say(`${s.table}: ${s.rows.toLocaleString('en')} rows in ${s.parts} parts, ${(s.bytes / 2 ** 20).toFixed(1)} MiB on disk`);

    const rec = recording(client);
    const counts = createCountStore(rec);
    const allPairs = (areas: string[]) => SYNDROMES.flatMap((syndrome) => areas.map((area) => ({ syndrome, area })));
    const week = (day: string) => Math.floor((parseDay(day) + 3) / 7);
    const communeB = [...units].sort((a, b) => b.population - a.population)[0]!.code;
    const province = '24';
    const codes = units.map((u) => u.code);
    const provs = units.map((u) => u.provinceCode);
    const provinceCommunes = units.filter((u) => u.provinceCode === province).map((u) => u.code);
    const stats = () => lastStats(client);

    // Before daily_counts: the count-table reads (syndrome_counts states, events for strata).
    const timings: Timing[] = [];
    if (values.before !== false) {
      timings.push(
        await time(
          '(a) province × ISO week × syndrome, 2 years (readSeries)',
          'syndrome_counts',
          async () => {
            const m = await counts.readSeries(allPairs(['24', '33']), week('2024-01-01'), week('2025-12-31'), {
              granularity: 'week',
              area: 'province',
              provinceOf,
            });
            return m.size;
          },
          stats,
          LIVE_RUNS,
        ),
      );
      timings.push(
        await time(
          '(b) one commune × day, 1 year (readCounts, commune filter)',
          'syndrome_counts',
          async () =>
            (await counts.readCounts({ syndromes: SYNDROMES, communes: [communeB], from: '2025-01-01', to: '2025-12-31' }, [communeB]))
              .length,
          stats,
          LIVE_RUNS,
        ),
      );
      timings.push(
        await time(
          '(c) syndrome × age band × sex, one province, 1 year (uniqExact on events)',
          'events',
          async () => (await rows(rec, STRATIFIED, { from: '2025-01-01', to: '2025-12-31', communes: provinceCommunes })).length,
          stats,
          LIVE_RUNS,
        ),
      );
    }
    const candidates: Timing[] = [];
    let buildSeconds: { daily: number; strata: number } | undefined;
    if (values.candidates === true) {
      buildSeconds = await buildCandidates(client);
      candidates.push(
        await time(
          '(a) over `bench_daily_counts` (plain counts per syndrome × commune × day)',
          'bench_daily_counts',
          async () =>
            (await rows(rec, WEEKLY_FROM_DAILY, { syndromes: [...SYNDROMES], codes, provs, from: '2024-01-01', to: '2025-12-31' })).length,
          stats,
        ),
      );
      candidates.push(
        await time(
          '(c) over `bench_strata_weekly` (plain counts per syndrome × commune × ISO week × age band × sex)',
          'bench_strata_weekly',
          async () =>
            (await rows(rec, STRATA_FROM_WEEKLY, { communes: provinceCommunes, from: week('2025-01-01'), to: week('2025-12-31') })).length,
          stats,
        ),
      );
    }
    // The API's read path: every day of the history closed and finalized into daily_counts by
    // the app's finalizer, then the reads of storage/trends.ts that GET /v1/trends makes.
    const finalized: Timing[] = [];
    const checks: { name: string; cells: number; differ: number }[] = [];
    let finalizeSeconds: { first: number; again: number; days: number } | undefined;
    if (values.finalized !== false) {
      const dc = createDailyCountStore(client);
      let t = performance.now();
      const from = values['finalize-from'] === undefined ? undefined : parseDay(values['finalize-from']);
      const first = await runFinalizer({ store: dc, today: () => LAST_DAY + 8, horizonDays: 7, from });
      const firstS = (performance.now() - t) / 1000;
      t = performance.now();
      await runFinalizer({ store: dc, today: () => LAST_DAY + 8, horizonDays: 7, from });
      finalizeSeconds = { first: firstS, again: (performance.now() - t) / 1000, days: first.days };
      say(`finalized ${first.days} days in ${firstS.toFixed(1)} s (a run with nothing new: ${finalizeSeconds.again.toFixed(2)} s)`);
      await waitForMerges(client, 120);
      const fin = createTrendStore(rec);
      const live = createTrendStore(rec, { finalized: false });
      // The trends reads end on the last year (--through YEAR, default 2025); (a) spans --a-years years.
      const through = Number(values.through);
      const twoYears = [{ from: parseDay(`${through - Number(values['a-years']) + 1}-01-01`), to: parseDay(`${through}-12-31`) }];
      const oneYear = [{ from: parseDay(`${through}-01-01`), to: parseDay(`${through}-12-31`) }];
      const otherCommunes = units.filter((u) => u.provinceCode !== province).map((u) => u.code);
      const series = [...SYNDROMES, '_visits'];
      const api = ['dengue', '_visits'];
      const byDay = (m: Map<string, Map<number, number>>) =>
        new Map([...m].flatMap(([s, days]) => [...days].map(([d, n]) => [`${s}|${d}`, n] as const)));
      const byStratum = (m: Map<string, Map<string, Map<number, number>>>) =>
        new Map([...m].flatMap(([s, ks]) => [...ks].flatMap(([k, days]) => [...days].map(([d, n]) => [`${s}|${k}|${d}`, n] as const))));
      const compare = (name: string, a: Map<string, number>, b: Map<string, number>) => {
        let differ = 0;
        for (const k of new Set([...a.keys(), ...b.keys()])) if ((a.get(k) ?? 0) !== (b.get(k) ?? 0)) differ++;
        checks.push({ name, cells: a.size, differ });
        say(`check ${name}: ${a.size} cells finalized, ${b.size} live, ${differ} differ`);
      };
      const readA = async (store: typeof fin, s: string[]) => {
        const a = await store.readDaily(s, provinceCommunes, twoYears);
        const b = await store.readDaily(s, otherCommunes, twoYears);
        const out = new Map<string, number>();
        for (const [k, n] of byDay(a)) out.set(`24|${k}`, n);
        for (const [k, n] of byDay(b)) out.set(`33|${k}`, n);
        return out;
      };
      const readB = async (store: typeof fin) => byDay(await store.readDaily(series, [communeB], oneYear));
      const readC = async (store: typeof fin, s: string[]) =>
        byStratum(await store.readStrata(s, provinceCommunes, oneYear, ['age_band', 'sex']));
      const queries: { name: string; run: (store: typeof fin) => Promise<Map<string, number>>; live: string }[] = [
        {
          name: '(a) readDaily, 10 syndromes + _visits × each province (two calls), 2 years',
          run: (s) => readA(s, series),
          live: 'syndrome_counts',
        },
        {
          name: '(a1) readDaily, dengue + _visits, one province, 2 years (one GET /v1/trends)',
          run: async (s) => byDay(await s.readDaily(api, provinceCommunes, twoYears)),
          live: 'syndrome_counts',
        },
        { name: '(b) readDaily, 10 syndromes + _visits, one commune × day, 1 year', run: readB, live: 'syndrome_counts' },
        {
          name: '(c) readStrata age band × sex, 10 syndromes + _visits, one province, 1 year',
          run: (s) => readC(s, series),
          live: 'events FINAL',
        },
        {
          name: '(c1) readStrata age band × sex, dengue + _visits, one province, 1 year (one GET /v1/trends?strata=age_band,sex)',
          run: (s) => readC(s, api),
          live: 'events FINAL',
        },
      ];
      for (const q of queries) {
        // The answers of the last timed runs are the ones compared (no extra run of the slow live path).
        let finAnswer = new Map<string, number>();
        let liveAnswer = new Map<string, number>();
        finalized.push(await time(`${q.name} — finalized`, 'daily_counts', async () => (finAnswer = await q.run(fin)).size, stats));
        if (values.live !== false) {
          finalized.push(await time(`${q.name} — live path`, q.live, async () => (liveAnswer = await q.run(live)).size, stats, LIVE_RUNS));
          compare(q.name, finAnswer, liveAnswer);
        }
      }
    }
    const finalSizes = await tableSizes(client);
    const figures = {
      finalized,
      checks,
      finalizeSeconds,
      finalSizes,
      events,
      requested: EVENTS,
      loaded,
      reused,
      mergeWait,
      sizes,
      timings,
      candidates,
      buildSeconds,
      load: loadavg(),
      du: du(DIR),
    };
    process.stdout.write(JSON.stringify(figures) + '\n');
    if (values.write !== false) writeSection('query', render(figures));
    return 0;
  } finally {
    await client.close();
    if (!KEEP) rmSync(DIR, { recursive: true, force: true });
  }
}

/** The last query sent through `recording(client)`, with its parameters. */
let lastQuery: { query: string; query_params?: Record<string, unknown> } | undefined;

/** The client, recording each query it sends (the app's own SQL from storage/counts.ts is then explained as sent). */
function recording(client: ClickHouseClient): ClickHouseClient {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'query') {
        return (args: Parameters<ClickHouseClient['query']>[0]) => {
          lastQuery = { query: args.query, query_params: args.query_params as Record<string, unknown> };
          return target.query(args);
        };
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}

/** Rows, marks and parts the engine plans to read for the last recorded query (EXPLAIN ESTIMATE; chDB keeps no query_log). */
async function lastStats(client: ClickHouseClient): Promise<{ readRows: number; marks: number; parts: number }> {
  const q = lastQuery!;
  const r = await rows<{ rows: string; marks: string; parts: string }>(client, `EXPLAIN ESTIMATE ${q.query}`, q.query_params ?? {});
  return {
    readRows: r.reduce((a, x) => a + Number(x.rows), 0),
    marks: r.reduce((a, x) => a + Number(x.marks), 0),
    parts: r.reduce((a, x) => a + Number(x.parts), 0),
  };
}

function du(dir: string): number {
  try {
    return Number(execFileSync('du', ['-sb', dir]).toString().split('\t')[0]);
  } catch {
    return -1;
  }
}

function render(f: {
  finalized: Timing[];
  checks: { name: string; cells: number; differ: number }[];
  finalizeSeconds: { first: number; again: number; days: number } | undefined;
  finalSizes: TableSize[];
  events: number;
  loaded: LoadRecord | undefined;
  reused: boolean;
  mergeWait: number;
  sizes: TableSize[];
  timings: Timing[];
  candidates: Timing[];
  buildSeconds: { daily: number; strata: number } | undefined;
  load: number[];
  du: number;
}): string {
  const mib = (b: number) => (b / 2 ** 20).toFixed(1);
  const perM = (b: number) => (b / 2 ** 20 / (f.events / 1e6)).toFixed(1);
  const row = (t: Timing) =>
    `| ${t.name} | \`${t.table}\` | ${t.p50.toFixed(1)} ms | **${t.p95.toFixed(1)} ms** | ${t.runs} | ${t.readRows.toLocaleString('en')}, ${t.parts} | ${t.resultRows} | ${t.at}, ${t.load1.toFixed(2)} | ${t.p95 <= 200 ? 'met' : '**not met**'} |`;
  const head = [
    '| query | reads | p50 | p95 | runs | rows to read (EXPLAIN ESTIMATE), parts | result cells | UTC, load (1 min) | p95 ≤ 200 ms |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  const l = f.loaded;
  return [
    '## Trends queries (`npm run bench:query`)',
    '',
    `Machine: ${machineLine()}; load average at the end ${f.load.map((x) => x.toFixed(2)).join(' / ')} (shared machine: other work changes every figure)`,
    '',
    `${f.events.toLocaleString('en')} synthetic events (2021-01-01 … 2025-12-31, the 203 communes of provinces 24 and 33 by population, weekly and seasonal shape, 10 % lab results) generated inside chDB by one INSERT … SELECT per month into a data directory migrated with schemas/migrations (the materialized view fills \`syndrome_counts\` as in production). Each query: one warm-up, then the runs given; wall time through @clickhouse/client on the embedded engine. Target p95 ≤ 200 ms on 2 cores.`,
    '',
    l
      ? `Load: **${l.seconds.toFixed(1)} s** for ${l.events.toLocaleString('en')} events, ${Math.round(l.events / l.seconds).toLocaleString('en')} events/s (${l.months} INSERTs; ended ${l.at.replace('T', ' ')} UTC, load ${l.load1.toFixed(2)})${f.reused ? '; this run reused that data directory' : ''}; merges waited for before the queries: ${f.mergeWait.toFixed(1)} s.`
      : 'Load: none in this run (a kept data directory was reused; its load was not recorded).',
    '',
    '| table | rows | parts | on disk | per million events | uncompressed |',
    '|---|---|---|---|---|---|',
    ...f.finalSizes.map(
      (s) =>
        `| \`${s.table}\` | ${s.rows.toLocaleString('en')} | ${s.parts} | ${mib(s.bytes)} MiB | ${perM(s.bytes)} MiB | ${mib(s.uncompressed)} MiB |`,
    ),
    `| data directory (du) | | | ${mib(f.du)} MiB | ${perM(f.du)} MiB | |`,
    '',
    ...(f.finalized.length > 0
      ? [
          `The API's read path (storage/trends.ts, as GET /v1/trends calls it): every day of the history closed and finalized into \`daily_counts\` by the app's finalizer (${f.finalizeSeconds?.days} days in ${f.finalizeSeconds?.first.toFixed(1)} s; a run with nothing new ${f.finalizeSeconds?.again.toFixed(2)} s), each read finalized and, for comparison, on the live path (\`finalized: false\`).`,
          '',
          ...head,
          ...f.finalized.map(row),
          '',
          ...(f.checks.length > 0
            ? [
                'Finalized against live, cell by cell (series × [stratum ×] day): ' +
                  f.checks.map((c) => `${c.name.split(' ')[0]} ${c.cells.toLocaleString('en')} cells, ${c.differ} differ`).join('; ') +
                  '.',
                '',
              ]
            : []),
        ]
      : []),
    ...(f.timings.length > 0 ? ['Before `daily_counts` (the count-table reads):', '', ...head, ...f.timings.map(row), ''] : []),
    ...(f.candidates.length > 0
      ? [
          `Bench-only candidate tables (\`bench_daily_counts\` ${f.buildSeconds?.daily.toFixed(1)} s, \`bench_strata_weekly\` ${f.buildSeconds?.strata.toFixed(1)} s to build):`,
          '',
          ...head,
          ...f.candidates.map(row),
          '',
        ]
      : []),
  ].join('\n');
}

process.exitCode = await main();
