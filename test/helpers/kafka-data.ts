import type { ClickHouseClient } from '@clickhouse/client';
import type { Message } from 'kafkajs';
import { createRng } from '../../simulator/random.ts';
import { generateDay, type SimEvent } from '../../simulator/model.ts';
import { loadDemoUnits } from '../../cli/units.ts';
import { classifyEvent } from '../../processors/classify/index.ts';
import { localDay } from '../../processors/count/window.ts';
import type { LogRecordV1 } from '../../schemas/events.ts';

/** `n` hospital events from the demo simulator (realistic mix of encounters and labs). */
export function simulatedEvents(n: number, seed: number, firstDay = 20_300): SimEvent[] {
  const units = loadDemoUnits().map((u) => ({ code: u.code, provinceCode: u.provinceCode, population: u.population }));
  const rng = createRng(seed);
  const out: SimEvent[] = [];
  for (let day = firstDay; out.length < n; day++) {
    for (const e of generateDay(day, units, { scale: 1, outbreaks: [] }, rng)) {
      if (out.length < n) out.push(e);
    }
  }
  return out;
}

/** The log record ingest would write for an event (pseudonym stands in for the HMAC). */
export function logRecord(ev: SimEvent): LogRecordV1 {
  const { patient_id, ...rest } = ev as Record<string, unknown>;
  return { event: { ...rest, patient_key: `pk-${String(patient_id)}` } as LogRecordV1['event'], received_at: '2026-11-25T05:00:00.000Z' };
}

/** A Kafka message of a log record, keyed by commune code as ingest keys them. */
export function logMessage(ev: SimEvent): Message {
  return { key: String(ev['commune_code']), value: JSON.stringify(logRecord(ev)) };
}

/** Topic of an event by its schema. */
export const topicOf = (ev: SimEvent, topics: { encounters: string; labs: string }) =>
  ev['schema'] === 'ews.lab.v1' ? topics.labs : topics.encounters;

/**
 * Poison messages of every kind a processor must survive: not JSON, truncated JSON, JSON of
 * the wrong shape, a field of the wrong type, an impossible date, binary bytes, an empty
 * value, a tombstone (null value). `i` picks the kind; each is unique by its content.
 */
export function poisonMessage(i: number, like: SimEvent): Message {
  const commune = String(like['commune_code']);
  const base = logRecord({ ...like, event_id: `poison-${i}` });
  const kinds: (() => Buffer | string | null)[] = [
    () => `not json #${i}`,
    () => JSON.stringify(base).slice(0, 40) + `#${i}`,
    () => JSON.stringify({ hello: 'world', i }),
    () => JSON.stringify({ ...base, event: { ...base.event, age_years: `old-${i}` } }),
    () => JSON.stringify({ ...base, event: { ...base.event, event_id: `bad-date-${i}`, occurred_at: '2026-02-30T10:00:00+07:00' } }),
    () => Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0x81]), Buffer.from(`binary #${i}`)]),
    () => JSON.stringify({ ...base, event: { ...base.event, event_id: `extra-${i}`, surprise: true } }),
    () => JSON.stringify([i]),
  ];
  return { key: commune, value: kinds[i % kinds.length]!() };
}

export type Counts = Map<string, number>;

/**
 * Counts per `syndrome|commune|day` computed directly from distinct events (what the store
 * must hold). With `distinct: false` every occurrence counts (what counting without
 * idempotency would give for input without replays).
 */
export function expectedCounts(events: readonly SimEvent[], options: { distinct?: boolean } = {}): Counts {
  const seen = new Set<string>();
  const counts: Counts = new Map();
  for (const ev of events) {
    const id = `${ev.hospital_id}\u0000${ev.event_id}`;
    if (seen.has(id) && options.distinct !== false) continue;
    seen.add(id);
    const rec = logRecord(ev);
    const day = localDay(rec.event.occurred_at);
    const series = [...classifyEvent(rec.event), rec.event.schema === 'ews.lab.v1' ? '_tests' : '_visits'];
    for (const s of series) {
      const k = `${s}|${rec.event.commune_code}|${day}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
  }
  return counts;
}

/** Counts per `syndrome|commune|day` as the store answers them. */
export async function storedCounts(store: ClickHouseClient, table = 'syndrome_counts', expr = 'uniqExactMerge(events)'): Promise<Counts> {
  const rs = await store.query({
    query: `SELECT syndrome, commune_code, toString(day) AS day, ${expr} AS n FROM ${table} GROUP BY syndrome, commune_code, day`,
    format: 'JSONEachRow',
  });
  const counts: Counts = new Map();
  for (const r of await rs.json<{ syndrome: string; commune_code: string; day: string; n: string | number }>()) {
    if (Number(r.n) > 0) counts.set(`${r.syndrome}|${r.commune_code}|${r.day}`, Number(r.n));
  }
  return counts;
}

/** Cells whose counts differ, for a readable assertion message (at most `limit`). */
export function countDiff(expected: Counts, actual: Counts, limit = 10): string[] {
  const out: string[] = [];
  for (const k of new Set([...expected.keys(), ...actual.keys()])) {
    if ((expected.get(k) ?? 0) !== (actual.get(k) ?? 0)) out.push(`${k}: expected ${expected.get(k) ?? 0}, got ${actual.get(k) ?? 0}`);
  }
  return out.slice(0, limit).concat(out.length > limit ? [`… ${out.length - limit} more`] : []);
}

/** The cells of `actual` on the days `expected` covers (other tests write other days). */
export function onDaysOf(expected: Counts, actual: Counts): Counts {
  const days = new Set([...expected.keys()].map((k) => k.split('|')[2]));
  return new Map([...actual].filter(([k]) => days.has(k.split('|')[2])));
}

/**
 * The negative control of the exactly-once tests: the same counts as `syndrome_counts`, but as
 * a plain row count, i.e. with idempotency switched off. Every replayed or resent event adds
 * to it again.
 */
export const NAIVE_COUNTS_SQL = [
  `CREATE TABLE IF NOT EXISTS naive_counts (syndrome LowCardinality(String), commune_code LowCardinality(String), day Date, n UInt64)
   ENGINE = SummingMergeTree ORDER BY (syndrome, commune_code, day)`,
  `CREATE MATERIALIZED VIEW IF NOT EXISTS naive_counts_mv TO naive_counts AS
   SELECT arrayJoin(arrayPushBack(syndromes, if(schema = 'ews.lab.v1', '_tests', '_visits'))) AS syndrome, commune_code, day, count() AS n
   FROM events GROUP BY syndrome, commune_code, day`,
];

/** The original bytes a dead letter carries, hex-encoded (raw is text or base64). */
export const letterBytes = (l: { raw: string; raw_encoding: 'utf8' | 'base64' }) =>
  Buffer.from(l.raw, l.raw_encoding === 'base64' ? 'base64' : 'utf8').toString('hex');
/** A message value's bytes, hex-encoded. */
export const messageBytes = (m: Message) => (m.value === null ? '' : Buffer.from(m.value).toString('hex'));

/** Sum of all cells. */
export const totalOf = (c: Counts) => [...c.values()].reduce((a, b) => a + b, 0);
