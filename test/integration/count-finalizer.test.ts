import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, insertTsv, type ClickHouseClient } from '../../platform/clickhouse.ts';
import { migrate, readMigrations } from '../../platform/migrations.ts';
import { createLogger } from '../../platform/logger.ts';
import { parseDay } from '../../platform/days.ts';
import { MIGRATIONS_DIR } from '../../cli/pipeline.ts';
import { EVENT_COLUMNS, encodeBatch } from '../../processors/count/count-batch.ts';
import { classifyEvent } from '../../processors/classify/index.ts';
import { runFinalizer } from '../../processors/count/finalizer.ts';
import { createDailyCountStore } from '../../storage/daily-counts.ts';
import { createTrendStore, type DayRange } from '../../storage/trends.ts';

/**
 * The count finalizer on the real engine (chDB): finalized daily counts are what the live path
 * counts, whatever runs twice, arrives late or crashes midway; and trends read through the
 * finalized table answer exactly what the live path answers.
 */

const COMMUNES = ['09187', '09190', '11953'];
const DX: Record<string, string[]> = { dengue: ['A90'], ili: ['J11.1'], both: ['A90', 'J11.1'], none: ['S52.5'] };
const TODAY = parseDay('2026-11-30');
const HORIZON = 7;

interface Ev {
  id: string;
  day: string;
  commune: string;
  dx: keyof typeof DX;
  sex?: string;
  age?: number | undefined;
  hospital?: string;
  lab?: boolean;
}

function record(e: Ev, offset: number) {
  const event = e.lab
    ? {
        schema: 'ews.lab.v1',
        event_id: e.id,
        hospital_id: e.hospital ?? 'H1',
        occurred_at: `${e.day}T09:00:00+07:00`,
        commune_code: e.commune,
        patient_key: `pk-${e.id}`,
        sex: e.sex ?? 'female',
        test_code: '75377-6',
        result: 'positive',
      }
    : {
        schema: 'ews.encounter.v1',
        event_id: e.id,
        hospital_id: e.hospital ?? 'H1',
        occurred_at: `${e.day}T09:00:00+07:00`,
        commune_code: e.commune,
        patient_key: `pk-${e.id}`,
        sex: e.sex ?? 'male',
        ...(e.age === undefined ? {} : { age_years: e.age }),
        setting: 'outpatient',
        diagnoses: DX[e.dx],
      };
  return { value: JSON.stringify({ event, received_at: '2026-11-30T01:00:00Z' }), offset };
}

let offset = 0;
async function insertEvents(store: ClickHouseClient, events: readonly Ev[]): Promise<void> {
  if (events.length === 0) return;
  const out = encodeBatch(
    events.map((e) => record(e, ++offset)),
    { classify: classifyEvent, trusted: true },
  );
  await insertTsv(store, 'events', EVENT_COLUMNS, out.tsv);
}

const SERIES = ['dengue', 'ili', '_visits', '_tests'];
type Daily = Map<string, Map<number, number>>;
const plain = (m: Daily) => Object.fromEntries([...m].map(([s, d]) => [s, Object.fromEntries([...d].sort((a, b) => a[0] - b[0]))]));

describe('count finalizer (real chDB)', () => {
  let dir: string;
  let store: ClickHouseClient;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ews-finalizer-'));
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // chDB opens one data directory per process: every test starts on the same one, emptied.
  const open = async (_name: string) => {
    const s = await createStore({ database: 'ews', dataDir: join(dir, 'ch') });
    await migrate(s, readMigrations(MIGRATIONS_DIR), createLogger({ level: 'silent' }));
    for (const t of ['events', 'syndrome_counts', 'daily_counts', 'finalized_days', 'count_finalizer_state'])
      await s.command({ query: `TRUNCATE TABLE ${t}` });
    return s;
  };
  const finalize = (s: ClickHouseClient, extra: Partial<Parameters<typeof runFinalizer>[0]> = {}) =>
    runFinalizer({ store: createDailyCountStore(s), today: () => TODAY, horizonDays: HORIZON, ...extra });
  const RANGE: DayRange[] = [{ from: parseDay('2026-10-01'), to: TODAY }];
  const read = (s: ClickHouseClient, finalized = true) => createTrendStore(s, { finalized }).readDaily(SERIES, COMMUNES, RANGE);
  const rawSum = async (s: ClickHouseClient) =>
    Number(
      (
        await (
          await s.query({ query: "SELECT sum(n) AS n FROM daily_counts WHERE grain = 'total'", format: 'JSONEachRow' })
        ).json<{
          n: string;
        }>()
      )[0]!.n,
    );

  const base: Ev[] = [
    { id: 'a1', day: '2026-10-05', commune: '09187', dx: 'dengue' },
    { id: 'a2', day: '2026-10-05', commune: '09187', dx: 'both', age: 3, sex: 'female' },
    { id: 'a3', day: '2026-10-20', commune: '09190', dx: 'ili', age: 70, hospital: 'H2' },
    { id: 'a4', day: '2026-11-02', commune: '11953', dx: 'none' },
    { id: 'a5', day: '2026-11-02', commune: '11953', dx: 'dengue', lab: true },
    { id: 'a6', day: '2026-11-28', commune: '09187', dx: 'dengue' }, // open: inside the horizon
  ];

  it('finalize twice → the same counts, equal to the live path (negative control: the rows were written twice)', async () => {
    store = await open('twice');
    await insertEvents(store, base);
    await insertEvents(store, base.slice(0, 2)); // a resend: the same identities again
    const live = plain(await read(store, false));
    expect(live['dengue']).toEqual({ [parseDay('2026-10-05')]: 2, [parseDay('2026-11-28')]: 1 });

    const first = await finalize(store, { version: () => 1 });
    expect(first.days).toBeGreaterThan(0);
    expect(plain(await read(store))).toEqual(live);
    const once = await rawSum(store);
    // A second run that re-writes every finalized day (its parts memory lost).
    await store.command({ query: 'TRUNCATE TABLE count_finalizer_state' });
    const second = await finalize(store, { version: () => 2 });
    expect(second.days).toBe(first.days);
    expect(plain(await read(store))).toEqual(live);
    // Negative control: the rows really are there twice; only the version makes them count once.
    expect(await rawSum(store)).toBe(2 * once);
    // And a run with nothing new writes nothing.
    expect((await finalize(store, { version: () => 3 })).days).toBe(0);
    await store.close();
  });

  it('a late event for a finalized day is counted after the next run (negative control: without the parts check it is not)', async () => {
    store = await open('late');
    await insertEvents(store, base);
    await finalize(store, { version: () => 1 });
    const day = parseDay('2026-10-05');
    expect((await read(store)).get('dengue')?.get(day)).toBe(2);

    await insertEvents(store, [{ id: 'late-1', day: '2026-10-05', commune: '09190', dx: 'dengue' }]);
    // Until the next run, the finalized day still answers its finalized count.
    expect((await read(store)).get('dengue')?.get(day)).toBe(2);
    expect((await read(store, false)).get('dengue')?.get(day)).toBe(3);

    // Negative control: a finalizer told it has already seen the new part skips the day.
    const dc = createDailyCountStore(store);
    const parts = await dc.eventParts();
    await dc.writeState(
      parts.map((p) => p.name),
      2,
    );
    expect((await finalize(store, { version: () => 3 })).days).toBe(0);
    expect((await read(store)).get('dengue')?.get(day)).toBe(2);

    // The real sequence: the parts memory is that of the last real run (before the late insert).
    await store.command({ query: 'TRUNCATE TABLE count_finalizer_state' });
    await finalize(store, { version: () => 4 });
    await insertEvents(store, [{ id: 'late-2', day: '2026-10-05', commune: '09187', dx: 'dengue' }]);
    const r = await finalize(store, { version: () => 5 });
    expect(r.days).toBeGreaterThan(0);
    expect((await read(store)).get('dengue')?.get(day)).toBe(4);
    expect(plain(await read(store))).toEqual(plain(await read(store, false)));
    await store.close();
  });

  it('a crash between writing rows and marking days → the same counts after a restart (negative control: the rows alone are incomplete)', async () => {
    store = await open('crash');
    await insertEvents(store, base);
    await insertEvents(store, [
      { id: 'c1', day: '2026-10-05', commune: '09187', dx: 'dengue' },
      { id: 'c2', day: '2026-11-02', commune: '11953', dx: 'dengue' },
    ]);
    const expected = plain(await read(store, false));
    // A run that dies after the first month's rows (October), before marking its days.
    let calls = 0;
    await expect(
      finalize(store, {
        version: () => 1,
        afterRows: () => {
          if (++calls === 1) throw new Error('injected crash');
        },
      }),
    ).rejects.toThrow('injected crash');
    // Between crash and restart the answer is already right: unmarked days are read live.
    expect(plain(await read(store))).toEqual(expected);
    await store.close();

    store = await createStore({ database: 'ews', dataDir: join(dir, 'ch') }); // the restart
    const dc = createDailyCountStore(store);
    // Negative control: October's rows were written, yet no day is marked; trusting the rows
    // alone would drop November's counts (never written) from the answer.
    expect((await dc.finalizedDays()).size).toBe(0);
    const rowsDengue = await (
      await store.query({
        query:
          "SELECT toString(day) AS day, sum(n) AS n FROM daily_counts FINAL WHERE grain = 'total' AND series = 'dengue' GROUP BY day ORDER BY day",
        format: 'JSONEachRow',
      })
    ).json<{ day: string; n: string }>();
    expect(rowsDengue.map((x) => [x.day, Number(x.n)])).toEqual([['2026-10-05', 3]]);

    const r = await finalize(store, { version: () => 2 });
    expect(r.days).toBeGreaterThan(0);
    expect((await dc.finalizedDays()).has(parseDay('2026-11-02'))).toBe(true);
    expect(plain(await read(store))).toEqual(expected);
    expect((await read(store)).get('dengue')?.get(parseDay('2026-11-02'))).toBe(1); // c2 (a5 is a lab result)
    // The counts are not doubled by the rewrite of October.
    expect((await read(store)).get('dengue')?.get(parseDay('2026-10-05'))).toBe(3);
    await store.close();
  });

  it('property: trends through finalized days equal the live path; strata sum to the totals', async () => {
    store = await open('prop');
    const days = Array.from({ length: 40 }, (_, i) => TODAY - 39 + i);
    const dayStr = (d: number) => new Date(d * 86_400_000).toISOString().slice(0, 10);
    const ev = fc.record({
      day: fc.constantFrom(...days),
      commune: fc.constantFrom(...COMMUNES),
      dx: fc.constantFrom<keyof typeof DX>('dengue', 'ili', 'both', 'none'),
      sex: fc.constantFrom('male', 'female', 'other', 'unknown'),
      age: fc.option(fc.integer({ min: 0, max: 99 }), { nil: undefined }),
      hospital: fc.constantFrom('H1', 'H2', 'H3'),
      lab: fc.boolean(),
      resend: fc.boolean(),
    });
    type Gen = { day: number; commune: string; dx: keyof typeof DX; sex: string; age: number | undefined; hospital: string; lab: boolean };
    let round = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(ev, { minLength: 1, maxLength: 40 }), fc.array(ev, { maxLength: 10 }), async (batch, late) => {
        round++;
        const mk = (e: Gen, i: number, tag: string): Ev => ({
          id: `p${round}-${tag}-${i}`,
          day: dayStr(e.day),
          commune: e.commune,
          dx: e.dx,
          sex: e.sex,
          age: e.age,
          hospital: e.hospital,
          lab: e.lab,
        });
        const evs = batch.map((e, i) => mk(e, i, 'b'));
        await insertEvents(store, evs);
        await insertEvents(
          store,
          evs.filter((_, i) => batch[i]!.resend),
        );
        await finalize(store, { version: () => round * 10 });
        const lateEvs = late.map((e, i) => mk(e, i, 'l'));
        await insertEvents(store, lateEvs);
        await finalize(store, { version: () => round * 10 + 1 });
        const ranges: DayRange[] = [
          { from: days[0]!, to: days[25]! },
          { from: days[20]!, to: days.at(-1)! },
        ];
        const fin = createTrendStore(store);
        const live = createTrendStore(store, { finalized: false });
        const a = await fin.readDaily(SERIES, COMMUNES, ranges);
        const b = await live.readDaily(SERIES, COMMUNES, ranges);
        expect(plain(a)).toEqual(plain(b));
        const one = await fin.readDaily(SERIES, ['09187'], ranges);
        expect(plain(one)).toEqual(plain(await live.readDaily(SERIES, ['09187'], ranges)));
        for (const strata of [['sex'], ['age_band', 'sex'], ['hospital'], ['setting', 'hospital']] as const) {
          const s = await fin.readStrata(SERIES, COMMUNES, ranges, strata);
          const sLive = await live.readStrata(SERIES, COMMUNES, ranges, strata);
          const sum = new Map([...s].map(([k]) => [k, new Map<number, number>()]));
          for (const [k, byStratum] of s)
            for (const m of byStratum.values()) for (const [d, n] of m) sum.get(k)!.set(d, (sum.get(k)!.get(d) ?? 0) + n);
          expect(plain(sum)).toEqual(plain(a));
          expect(JSON.stringify([...s].map(([k, v]) => [k, [...v].sort().map(([x, m]) => [x, plain(new Map([[x, m]]))])]))).toEqual(
            JSON.stringify([...sLive].map(([k, v]) => [k, [...v].sort().map(([x, m]) => [x, plain(new Map([[x, m]]))])])),
          );
        }
      }),
      { numRuns: 8 },
    );
    // Negative control: the comparison does see a difference when the finalized table is wrong.
    await store.command({ query: "ALTER TABLE daily_counts UPDATE n = n + 1 WHERE grain = 'total' SETTINGS mutations_sync = 2" });
    const ranges = [{ from: days[0]!, to: TODAY - HORIZON }];
    const fin = await createTrendStore(store).readDaily(SERIES, COMMUNES, ranges);
    const live = await createTrendStore(store, { finalized: false }).readDaily(SERIES, COMMUNES, ranges);
    expect(plain(fin)).not.toEqual(plain(live));
    await store.close();
  }, 240_000);
});
