// `npm run bench:query` — a benchmark, not a test (issue 11): the trends queries on the embedded
// ClickHouse (chDB) over a large synthetic history. Events are generated inside the engine
// (INSERT … SELECT, one month per INSERT) into a data directory migrated with the project's own
// migrations, so the materialized view builds `syndrome_counts` exactly as in production.
// Then each query runs after a warm-up ≥ 20 times: p50 / p95. Target p95 ≤ 200 ms on 2 cores.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
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

  --events N      events generated (default 100000000), over 5 years (2021-01-01 … 2025-12-31)
                  and the 203 communes of provinces 24 and 33
  --data-dir DIR  the chDB data directory (default: a new one under the temporary directory,
                  removed at the end unless --keep)
  --keep          keep the data directory; if it already holds a loaded history, reuse it
                  (no load) and only run the queries
  --runs N        timed runs per query after one warm-up (default 20)
  --no-candidates skip the candidate-fix tables (bench_daily_counts, bench_strata_weekly)
  --no-finalized  skip finalizing the history into daily_counts and the trends reads over it
  --no-write      print the figures only, leave BENCHMARKS.md alone
  -h, --help      this text

Queries: (a) province × ISO week × syndrome, 2 years (syndrome_counts); (b) one commune × day,
1 year (syndrome_counts); (c) syndrome × age band × sex, one province, 1 year (events: the count
table has no strata). Target: p95 ≤ 200 ms on 2 cores.`;

const { values } = parseArgs({
  options: {
    help: { type: 'boolean', short: 'h' },
    events: { type: 'string', default: '100000000' },
    'data-dir': { type: 'string' },
    keep: { type: 'boolean' },
    runs: { type: 'string', default: '20' },
    write: { type: 'boolean', default: true },
    candidates: { type: 'boolean', default: true },
    finalized: { type: 'boolean', default: true },
  },
  allowNegative: true,
});
if (values.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}

const EVENTS = Number(values.events);
const RUNS = Number(values.runs);
if (!Number.isInteger(EVENTS) || EVENTS < 1000 || !Number.isInteger(RUNS) || RUNS < 1) {
  process.stderr.write('bench:query: --events must be an integer ≥ 1000 and --runs ≥ 1\n');
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
): Promise<Timing> {
  const resultRows = await run(); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
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

async function main(): Promise<number> {
  const reuse = KEEP && existsSync(join(DIR, 'metadata'));
  say(`data directory ${DIR}${reuse ? ' (reused)' : ''}`);
  const client = await createStore({ database: 'ews', dataDir: DIR });
  try {
    await migrate(
      client,
      readMigrations(fileURLToPath(new URL('../schemas/migrations/', import.meta.url))),
      createLogger({ level: 'silent' }),
    );
    let loaded: { seconds: number; months: number } | undefined;
    const [existing] = await rows<{ n: string }>(client, 'SELECT count() AS n FROM events');
    const have = Number(existing?.n ?? 0);
    if (have === 0) {
      say(`loading ${EVENTS.toLocaleString('en')} events, one INSERT … SELECT per month`);
      loaded = await load(client);
      say(`loaded in ${loaded.seconds.toFixed(1)} s (${Math.round(EVENTS / loaded.seconds).toLocaleString('en')} events/s)`);
    } else {
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

    const timings: Timing[] = [];
    // (a) the dashboard's weekly province trends: every syndrome × both provinces, 2024–2025.
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
        () => lastStats(client),
      ),
    );
    // (b) one commune (the most populous), every syndrome, per day over 2025: both reads the app has.
    timings.push(
      await time(
        '(b) one commune × day, 1 year (readCounts, commune filter)',
        'syndrome_counts',
        async () =>
          (await counts.readCounts({ syndromes: SYNDROMES, communes: [communeB], from: '2025-01-01', to: '2025-12-31' }, [communeB]))
            .length,
        () => lastStats(client),
      ),
    );
    timings.push(
      await time(
        '(b′) one commune × day, 1 year (readSeries)',
        'syndrome_counts',
        async () => (await counts.readSeries(allPairs([communeB]), parseDay('2025-01-01'), parseDay('2025-12-31'))).size,
        () => lastStats(client),
      ),
    );
    // (c) stratified: syndrome × age band × sex for province 24 over 2025, from `events`.
    timings.push(
      await time(
        '(c) syndrome × age band × sex, one province, 1 year',
        'events',
        async () => (await rows(rec, STRATIFIED, { from: '2025-01-01', to: '2025-12-31', communes: provinceCommunes })).length,
        () => lastStats(client),
      ),
    );
    // Candidate fixes, measured on bench-only tables (not migrations): plain counts finalized
    // from syndrome_counts for closed days, and weekly strata counts from events.
    const candidates: Timing[] = [];
    let buildSeconds: { daily: number; strata: number } | undefined;
    if (values.candidates !== false) {
      buildSeconds = await buildCandidates(client);
      candidates.push(
        await time(
          '(a) over `bench_daily_counts` (plain counts per syndrome × commune × day)',
          'bench_daily_counts',
          async () =>
            (await rows(rec, WEEKLY_FROM_DAILY, { syndromes: [...SYNDROMES], codes, provs, from: '2024-01-01', to: '2025-12-31' })).length,
          () => lastStats(client),
        ),
      );
      candidates.push(
        await time(
          '(c) over `bench_strata_weekly` (plain counts per syndrome × commune × ISO week × age band × sex)',
          'bench_strata_weekly',
          async () =>
            (await rows(rec, STRATA_FROM_WEEKLY, { communes: provinceCommunes, from: week('2025-01-01'), to: week('2025-12-31') })).length,
          () => lastStats(client),
        ),
      );
      candidates.push(
        await time(
          '(c) on `events` with count() instead of uniqExact (duplicates not removed)',
          'events',
          async () =>
            (
              await rows(rec, STRATIFIED.replace('uniqExact(hospital_id, event_id)', 'count()'), {
                from: '2025-01-01',
                to: '2025-12-31',
                communes: provinceCommunes,
              })
            ).length,
          () => lastStats(client),
        ),
      );
    }
    // The finalized table (schemas/migrations/006): every day of the history closed, finalized
    // by the app's finalizer, then the trends reads (storage/trends.ts) with and without it.
    const finalized: Timing[] = [];
    let finalizeSeconds: { first: number; again: number; days: number } | undefined;
    if (values.finalized !== false) {
      const dc = createDailyCountStore(client);
      let t = performance.now();
      const first = await runFinalizer({ store: dc, today: () => LAST_DAY + 8, horizonDays: 7 });
      const firstS = (performance.now() - t) / 1000;
      t = performance.now();
      await runFinalizer({ store: dc, today: () => LAST_DAY + 8, horizonDays: 7 });
      finalizeSeconds = { first: firstS, again: (performance.now() - t) / 1000, days: first.days };
      say(`finalized ${first.days} days in ${firstS.toFixed(1)} s (a run with nothing new: ${finalizeSeconds.again.toFixed(2)} s)`);
      await waitForMerges(client, 120);
      const fin = createTrendStore(rec);
      const live = createTrendStore(rec, { finalized: false });
      const twoYears = [{ from: parseDay('2024-01-01'), to: parseDay('2025-12-31') }];
      const oneYear = [{ from: parseDay('2025-01-01'), to: parseDay('2025-12-31') }];
      const otherCommunes = units.filter((u) => u.provinceCode !== province).map((u) => u.code);
      const series = [...SYNDROMES, '_visits'];
      for (const [label, store, table] of [
        ['live path', live, 'syndrome_counts'],
        ['finalized', fin, 'daily_counts'],
      ] as const) {
        finalized.push(
          await time(
            `(a′) trends readDaily, 10 syndromes + _visits × each province, 2 years (${label})`,
            table,
            async () => {
              const a = await store.readDaily(series, provinceCommunes, twoYears);
              const b = await store.readDaily(series, otherCommunes, twoYears);
              return a.size + b.size;
            },
            () => lastStats(client),
          ),
        );
      }
      for (const [label, store, table] of [
        ['live path', live, 'events FINAL'],
        ['finalized', fin, 'daily_counts'],
      ] as const) {
        finalized.push(
          await time(
            `(c′) trends readStrata age band × sex, 10 syndromes + _visits, one province, 1 year (${label})`,
            table,
            async () => {
              const m = await store.readStrata(series, provinceCommunes, oneYear, ['age_band', 'sex']);
              return [...m.values()].reduce((n, x) => n + x.size, 0);
            },
            () => lastStats(client),
          ),
        );
      }
      finalized.push(
        await time(
          '(b″) trends readDaily, one commune × day, 1 year (finalized)',
          'daily_counts',
          async () => (await fin.readDaily(series, [communeB], oneYear)).size,
          () => lastStats(client),
        ),
      );
      // FINAL against a plain read of the merged table (what a partition-replacing finalizer would read).
      await client.command({ query: 'OPTIMIZE TABLE daily_counts FINAL' });
      const plainRead = (final: boolean) => `SELECT series, toUInt32(day) AS d, sum(n) FROM daily_counts ${final ? 'FINAL' : ''}
        WHERE grain = 'total' AND series IN {series:Array(String)} AND commune_code IN {communes:Array(String)}
          AND day BETWEEN '2024-01-01' AND '2025-12-31' GROUP BY series, day`;
      for (const final of [true, false])
        finalized.push(
          await time(
            `(a′) one province, 2 years, on \`daily_counts\` merged, ${final ? 'FINAL' : 'without FINAL'}`,
            'daily_counts',
            async () => (await rows(rec, plainRead(final), { series, communes: provinceCommunes })).length,
            () => lastStats(client),
          ),
        );
    }
    const finalSizes = await tableSizes(client);
    const figures = {
      finalized,
      finalizeSeconds,
      finalSizes,
      events,
      requested: EVENTS,
      loaded,
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
  finalizeSeconds: { first: number; again: number; days: number } | undefined;
  finalSizes: TableSize[];
  events: number;
  loaded: { seconds: number; months: number } | undefined;
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
  return [
    '## Trends queries (`npm run bench:query`)',
    '',
    `Machine: ${machineLine()}; load average at the end ${f.load.map((x) => x.toFixed(2)).join(' / ')} (shared machine: other work changes every figure)`,
    '',
    `${f.events.toLocaleString('en')} synthetic events (2021-01-01 … 2025-12-31, the 203 communes of provinces 24 and 33 by population, weekly and seasonal shape, 10 % lab results) generated inside chDB by one INSERT … SELECT per month into a data directory migrated with schemas/migrations (the materialized view fills \`syndrome_counts\` as in production). Each query: one warm-up, then ${RUNS} runs; wall time through @clickhouse/client on the embedded engine. Target p95 ≤ 200 ms on 2 cores.`,
    '',
    f.loaded
      ? `Load: **${f.loaded.seconds.toFixed(1)} s**, ${Math.round(f.events / f.loaded.seconds).toLocaleString('en')} events/s (${f.loaded.months} INSERTs); merges waited for afterwards: ${f.mergeWait.toFixed(1)} s.`
      : 'Load: none in this run (a kept data directory was reused).',
    '',
    '| table | rows | parts | on disk | per million events | uncompressed |',
    '|---|---|---|---|---|---|',
    ...f.sizes.map(
      (s) =>
        `| \`${s.table}\` | ${s.rows.toLocaleString('en')} | ${s.parts} | ${mib(s.bytes)} MiB | ${perM(s.bytes)} MiB | ${mib(s.uncompressed)} MiB |`,
    ),
    `| data directory (du) | | | ${mib(f.du)} MiB | ${perM(f.du)} MiB | |`,
    '',
    '| query | reads | p50 | p95 | rows to read (EXPLAIN ESTIMATE), parts | result rows | target |',
    '|---|---|---|---|---|---|---|',
    ...f.timings.map(
      (t) =>
        `| ${t.name} | \`${t.table}\` | ${t.p50.toFixed(1)} ms | **${t.p95.toFixed(1)} ms** | ${t.readRows.toLocaleString('en')}, ${t.parts} | ${t.resultRows} | ${t.p95 <= 200 ? 'met' : '**not met**'} |`,
    ),
    '',
    ...(f.candidates.length > 0
      ? [
          `Candidate fixes, on bench-only tables built from the loaded data (finalizing all 5 years: \`bench_daily_counts\` ${f.buildSeconds?.daily.toFixed(1)} s, \`bench_strata_weekly\` ${f.buildSeconds?.strata.toFixed(1)} s):`,
          '',
          '| query | reads | p50 | p95 | rows to read, parts | result rows |',
          '|---|---|---|---|---|---|',
          ...f.candidates.map(
            (t) =>
              `| ${t.name} | \`${t.table}\` | ${t.p50.toFixed(1)} ms | **${t.p95.toFixed(1)} ms** | ${t.readRows.toLocaleString('en')}, ${t.parts} | ${t.resultRows} |`,
          ),
          '',
        ]
      : []),
    ...(f.finalized.length > 0
      ? [
          `The finalized table \`daily_counts\` (migration 006), filled by the app's finalizer for every day of the history: ${f.finalizeSeconds?.days} days in ${f.finalizeSeconds?.first.toFixed(1)} s; a run with nothing new ${f.finalizeSeconds?.again.toFixed(2)} s. Sizes after it:`,
          '',
          '| table | rows | parts | on disk | uncompressed |',
          '|---|---|---|---|---|',
          ...f.finalSizes.map(
            (s) => `| \`${s.table}\` | ${s.rows.toLocaleString('en')} | ${s.parts} | ${mib(s.bytes)} MiB | ${mib(s.uncompressed)} MiB |`,
          ),
          '',
          'Trends reads (storage/trends.ts) as GET /v1/trends makes them, live path against finalized:',
          '',
          '| query | reads | p50 | p95 | rows to read, parts | result rows | target |',
          '|---|---|---|---|---|---|---|',
          ...f.finalized.map(
            (t) =>
              `| ${t.name} | \`${t.table}\` | ${t.p50.toFixed(1)} ms | **${t.p95.toFixed(1)} ms** | ${t.readRows.toLocaleString('en')}, ${t.parts} | ${t.resultRows} | ${t.p95 <= 200 ? 'met' : '**not met**'} |`,
          ),
          '',
        ]
      : []),
  ].join('\n');
}

process.exitCode = await main();
