import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evidenceFromSignal } from '../../alerts/evidence.ts';
import { areaOverlaps, evidenceSpan } from '../../alerts/event-extent.ts';
import { groupEvidence, relevantForGrouping, type GroupingOptions } from '../../alerts/grouping.ts';
import { SERIES_FAMILY, seriesFamily } from '../../alerts/series-family.ts';
import { lifecycleAlertSchema, type EvidenceItem, type LifecycleAlert } from '../../schemas/alert-lifecycle.ts';
import { LAB_SERIES } from '../../schemas/code-tables/loinc-pathogens.ts';
import { SYNDROME_IDS } from '../../schemas/code-tables/syndromes.ts';
import type { Signal } from '../../schemas/signals.ts';
import { cluster, counterIds, ev, province, provinceOf, stored } from '../helpers/alert-evidence.ts';

const at = '2026-07-10T00:00:00.000Z';
const options: GroupingOptions = { provinceOf };
const run = (evidence: EvidenceItem[], alerts: LifecycleAlert[] = [], opts: Partial<GroupingOptions> = {}, now = at) =>
  groupEvidence(evidence, alerts, { ...options, ...opts }, { at: now, newId: counterIds() });
/** Alerts that are still active after a batch (merged ones excluded). */
const active = (r: ReturnType<typeof run>, alerts: LifecycleAlert[] = []) => {
  const byId = new Map(alerts.map((a) => [a.id, a]));
  for (const c of r.changes) byId.set(c.alert.id, c.alert);
  return [...byId.values()].filter((a) => a.merged_into === null && a.status !== 'closed' && a.status !== 'discarded');
};

describe('series families from the code tables', () => {
  it('every syndrome is its own family and every lab series has a syndrome', () => {
    for (const s of SYNDROME_IDS) expect(seriesFamily(s)).toBe(s);
    for (const l of LAB_SERIES) expect(SYNDROME_IDS).toContain(SERIES_FAMILY.get(l.id));
    expect(SERIES_FAMILY.size).toBe(SYNDROME_IDS.length + LAB_SERIES.length);
  });
  it.each([
    ['lab_dengue', 'dengue'],
    ['lab_measles', 'measles_rubella'],
    ['lab_influenza_a', 'ili'],
    ['lab_vibrio', 'acute_diarrhoea'],
    ['cholera_group_a', 'cholera_group_a'],
  ])('%s → %s', (series, family) => expect(seriesFamily(series)).toBe(family));
});

describe('evidence from a detector signal', () => {
  const sig = (over: Partial<Signal>): Signal => ({
    syndrome: 'lab_dengue',
    commune_code: '07774',
    area_level: 'cluster',
    cluster_communes: ['07774', '07777'],
    cluster_days: 3,
    granularity: 'day',
    day: '2026-07-05',
    algorithm: 'scan_space_time',
    params: {},
    observed: 9,
    expected: 2,
    upperbound: 6,
    p_value: 0.004,
    score: 3.1,
    alarm: true,
    level: 'red',
    ...over,
  });
  it.each([
    ['red', sig({}), 'red'],
    ['yellow', sig({ level: 'yellow' }), 'yellow'],
    ['an ungraded alarm counts as yellow', sig({ level: 'none' }), 'yellow'],
    ['no alarm is no evidence', sig({ level: 'none', alarm: false }), null],
  ])('%s', (_n, s, level) => expect(evidenceFromSignal(s)?.level ?? null).toBe(level));
  it('keeps the figures and the cluster', () => {
    expect(evidenceFromSignal(sig({}))).toMatchObject({
      series: 'lab_dengue',
      area_level: 'cluster',
      area_code: '07774',
      cluster_communes: ['07774', '07777'],
      cluster_days: 3,
      threshold: 6,
      p_value: 0.004,
      score: 3.1,
    });
    expect(evidenceFromSignal(sig({ area_level: 'commune' }))).toMatchObject({ cluster_communes: [], cluster_days: 1 });
  });
});

describe('evidence spans', () => {
  it.each([
    ['a day', ev({ day: '2026-07-03' }), '2026-07-03', '2026-07-03'],
    ['an ISO week (Monday + 6)', province('24', '2026-06-29'), '2026-06-29', '2026-07-05'],
    ['a cluster over 3 days', cluster(['07774'], '2026-07-05', { cluster_days: 3 }), '2026-07-03', '2026-07-05'],
    ['across a month end', ev({ day: '2026-02-28', granularity: 'week' }), '2026-02-28', '2026-03-06'],
  ])('%s', (_n, e, from, to) => expect(evidenceSpan(e)).toEqual({ from, to }));
});

describe('area overlap', () => {
  const commune = { level: 'commune', code: '07774', communes: ['07774'] } as const;
  const clusterArea = { level: 'cluster', code: '07777', communes: ['07777', '07351'] } as const;
  const prov = { level: 'province', code: '24', communes: [] } as const;
  it.each([
    ['commune / same commune', commune, ev(), true],
    ['commune / other commune', commune, ev({ area_code: '07777' }), false],
    ['commune / cluster containing it', commune, cluster(['07777', '07774'], '2026-07-03'), true],
    ['commune / its province', commune, province('24', '2026-06-29'), true],
    ['commune / another province', commune, province('33', '2026-06-29'), false],
    ['cluster / a member', clusterArea, ev({ area_code: '07351' }), true],
    ['cluster / cluster sharing a commune', clusterArea, cluster(['07351', '07333'], '2026-07-03'), true],
    ['cluster / disjoint cluster', clusterArea, cluster(['07333', '07774'], '2026-07-03'), false],
    ['province / a commune in it', prov, ev({ area_code: '07627' }), true],
    ['province / a commune elsewhere', prov, ev({ area_code: '11020' }), false],
    ['province / a cluster reaching into it', prov, cluster(['11020', '07627'], '2026-07-03'), true],
    ['province / itself', prov, province('24', '2026-06-29'), true],
    ['province / another province', prov, province('33', '2026-06-29'), false],
    ['province with a commune beyond / that commune’s province', { ...prov, communes: ['11020'] }, province('33', '2026-06-29'), true],
  ] as const)('%s → %s', (_n, area, e, expected) => {
    expect(areaOverlaps({ ...area, communes: [...area.communes] }, e, provinceOf)).toBe(expected);
  });
});

describe('one alert per event: joins or opens', () => {
  const open = stored({}); // dengue, commune 07774, days 07-01..07-03, yellow
  it.each([
    ['same commune, next day', ev({ day: '2026-07-04' }), 'joined'],
    ['the lab twin (lab_dengue)', ev({ series: 'lab_dengue', algorithm: 'ears_c3' }), 'joined'],
    ['another syndrome', ev({ series: 'ili' }), 'opened'],
    ['lab series of another syndrome', ev({ series: 'lab_measles' }), 'opened'],
    ['a neighbouring commune alone', ev({ area_code: '07777' }), 'opened'],
    ['a cluster containing the commune', cluster(['07777', '07774'], '2026-07-04'), 'joined'],
    ['a cluster not containing it', cluster(['07777', '07351'], '2026-07-04'), 'opened'],
    ['its province, weekly', province('24', '2026-06-29'), 'joined'],
    ['another province', province('33', '2026-06-29'), 'opened'],
    ['last day + gap (7): inside', ev({ day: '2026-07-10' }), 'joined'],
    ['last day + gap + 1: a new event', ev({ day: '2026-07-11' }), 'opened'],
    ['first day − gap: inside', ev({ day: '2026-06-24' }), 'joined'],
    ['first day − gap − 1: a new event', ev({ day: '2026-06-23' }), 'opened'],
    ['a week ending at first day − gap', ev({ granularity: 'week', day: '2026-06-18' }), 'joined'],
    ['a week ending a day before that', ev({ granularity: 'week', day: '2026-06-17' }), 'opened'],
  ])('%s → %s', (_n, e, kind) => {
    const r = run([e], [open]);
    expect(r.decisions.map((d) => d.kind)).toEqual([kind]);
  });

  it.each([
    ['verified', 'joined'],
    ['monitoring', 'joined'],
    ['risk_characterised', 'joined'],
  ] as const)('an alert %s still gathers evidence', (status, kind) => {
    expect(run([ev({ day: '2026-07-04' })], [stored({ status })]).decisions[0]!.kind).toBe(kind);
  });

  it.each([
    ['sharing a commune', cluster(['07351', '07333'], '2026-07-04'), 'joined'],
    ['sharing none', cluster(['07339', '07627'], '2026-07-04'), 'opened'],
  ])('a cluster alert and a cluster %s → %s', (_n, e, kind) => {
    const cl = stored({ area: { level: 'cluster', code: '07774', communes: ['07774', '07777', '07351'] } });
    expect(run([e], [cl]).decisions[0]!.kind).toBe(kind);
  });

  it('gap is a parameter', () => {
    expect(run([ev({ day: '2026-07-05' })], [open], { gapDays: 1 }).decisions[0]!.kind).toBe('opened');
    expect(run([ev({ day: '2026-07-04' })], [open], { gapDays: 1 }).decisions[0]!.kind).toBe('joined');
  });

  it('negative control: with families switched off the lab twin opens a second alert', () => {
    const r = run([ev({ series: 'lab_dengue' })], [open], { familyOf: (s) => s });
    expect(r.decisions[0]).toMatchObject({ kind: 'opened' });
  });

  it('negative control: without provinces the weekly province alarm opens a second alert', () => {
    const r = run([province('24', '2026-06-29')], [open], { provinceOf: () => undefined });
    expect(r.decisions[0]).toMatchObject({ kind: 'opened' });
  });
});

describe('what joining does to the alert', () => {
  const open = stored({ evidence: [ev({ day: '2026-07-03' })] });
  const after = (evidence: EvidenceItem[], alerts = [open]) => {
    const r = run(evidence, alerts);
    return r.changes.find((c) => c.alert.id === 'OLD')!;
  };

  it('adds the evidence, widens the days, advances the version once per batch', () => {
    const c = after([ev({ day: '2026-07-04' }), ev({ day: '2026-07-05', series: 'lab_dengue' })]);
    expect(c.change).toBe('updated');
    expect(c.alert.evidence).toHaveLength(3);
    expect(c.alert).toMatchObject({ first_day: '2026-07-01', last_day: '2026-07-05', version: 3, updated_at: at, status: 'open' });
  });

  it.each([
    ['yellow + red → red', 'yellow', 'red', 'red', at],
    ['red + yellow stays red', 'red', 'yellow', 'red', '2026-07-01T02:00:00.000Z'],
    ['yellow + yellow stays yellow', 'yellow', 'yellow', 'yellow', '2026-07-01T02:00:00.000Z'],
  ] as const)('%s (level_since %s)', (_n, level, add, expected, since) => {
    const c = after([ev({ day: '2026-07-04', level: add })], [stored({ level })]);
    expect(c.alert.level).toBe(expected);
    expect(c.alert.level_since).toBe(since);
    expect(c.previous_level).toBe(level);
  });

  it('the same item evaluated again replaces its figures; its level lowering does not lower the alert', () => {
    const red = stored({ level: 'red', evidence: [ev({ level: 'red', observed: 9 })] });
    const c = after([ev({ level: 'yellow', observed: 7 })], [red]);
    expect(c.alert.evidence).toEqual([ev({ level: 'yellow', observed: 7 })]);
    expect(c.alert.level).toBe('red');
    expect(run([ev({ level: 'yellow', observed: 7 })], [red]).decisions[0]).toMatchObject({ kind: 'joined', replaced: true });
  });

  it('the same item again, unchanged, changes nothing', () => {
    const r = run([ev({ day: '2026-07-03' })], [open]);
    expect(r.decisions[0]!.kind).toBe('duplicate');
    expect(r.changes).toEqual([]);
  });

  it.each([
    [
      'commune + its cluster → the cluster',
      cluster(['07777', '07774', '07351'], '2026-07-04'),
      'cluster',
      '07777',
      ['07774', '07777', '07351'],
    ],
    ['commune + its province → the province', province('24', '2026-06-29'), 'province', '24', ['07774']],
    ['commune + itself stays the commune', ev({ day: '2026-07-04' }), 'commune', '07774', ['07774']],
  ])('%s', (_n, e, level, code, communes) => {
    const c = after([e]);
    expect(c.alert.area).toEqual({ level, code, communes });
    expect(c.alert.criterion).toBe(`dengue|${level}:${code}`);
  });

  it('a province alert that gains a commune stays the province alert', () => {
    const prov = stored({ area: { level: 'province', code: '24', communes: [] }, criterion: 'dengue|province:24' });
    const c = after([ev({ area_code: '07351', day: '2026-07-04' })], [prov]);
    expect(c.alert.area).toEqual({ level: 'province', code: '24', communes: ['07351'] });
  });

  it('a cluster alert that gains a commune stays the cluster', () => {
    const cl = stored({ area: { level: 'cluster', code: '07777', communes: ['07777', '07774'] } });
    const c = after([ev({ area_code: '07774', day: '2026-07-04' })], [cl]);
    expect(c.alert.area).toEqual({ level: 'cluster', code: '07777', communes: ['07777', '07774'] });
  });

  it('closed and discarded alerts gather nothing', () => {
    for (const status of ['closed', 'discarded'] as const) {
      const old = stored({ status, closed_at: '2026-06-01T00:00:00.000Z' });
      expect(run([ev({ day: '2026-07-04' })], [old]).decisions[0]!.kind).toBe('opened');
    }
  });
});

describe('evidence spanning two alerts merges them', () => {
  const a = stored({ id: 'A', area: { level: 'commune', code: '07774', communes: ['07774'] }, evidence: [ev({})] });
  const b = stored({
    id: 'B',
    criterion: 'dengue|commune:07777',
    area: { level: 'commune', code: '07777', communes: ['07777'] },
    first_day: '2026-07-02',
    evidence: [ev({ area_code: '07777', day: '2026-07-02', level: 'red' })],
    level: 'red',
  });

  it('a cluster over both communes: one cluster alert, the other merged into it', () => {
    const r = run([cluster(['07774', '07777'], '2026-07-04')], [a, b]);
    const merged = r.changes.find((c) => c.alert.id === 'B')!;
    const primary = r.changes.find((c) => c.alert.id === 'A')!;
    expect(merged).toMatchObject({ change: 'merged', alert: { status: 'closed', merged_into: 'A', closed_at: at, version: 3 } });
    expect(primary.alert).toMatchObject({ level: 'red', area: { level: 'cluster', code: '07774' }, first_day: '2026-07-01' });
    expect(primary.alert.area.communes).toEqual(['07774', '07777']);
    expect(primary.alert.evidence).toHaveLength(3);
    expect(r.decisions.map((d) => d.kind)).toEqual(['joined', 'merged']);
  });

  it('the primary is the alert officers took furthest', () => {
    const r = run([cluster(['07774', '07777'], '2026-07-04')], [a, { ...b, status: 'verified' }]);
    expect(r.changes.find((c) => c.alert.id === 'A')!.alert.merged_into).toBe('B');
  });

  it('alerts opened and merged within one batch are not reported: their evidence joins the survivor', () => {
    const r = run([
      cluster(['07774', '07777'], '2026-07-01'),
      cluster(['07351', '07333'], '2026-07-01'),
      cluster(['07777', '07351'], '2026-07-03'),
    ]);
    expect(r.changes).toHaveLength(1);
    expect(r.changes[0]).toMatchObject({ change: 'opened', alert: { id: 'A001', version: 1 } });
    expect([...r.changes[0]!.alert.area.communes].sort()).toEqual(['07333', '07351', '07774', '07777']);
    expect(r.decisions.map((d) => [d.kind, 'alert_id' in d ? d.alert_id : ''])).toEqual([
      ['opened', 'A001'],
      ['joined', 'A001'],
      ['joined', 'A001'],
    ]);
  });

  it('an alert merged into one that is merged in turn within the batch points at the survivor', () => {
    const e = stored({ id: 'E', first_day: '2026-07-05', last_day: '2026-07-05' });
    const f = stored({ id: 'F', status: 'verified', area: { level: 'commune', code: '07627', communes: ['07627'] } });
    const r = run(
      [cluster(['07333', '07351'], '2026-07-01'), cluster(['07351', '07774'], '2026-07-04'), cluster(['07627', '07333'], '2026-07-06')],
      [e, f],
    );
    expect(r.changes.map((c) => [c.alert.id, c.change, c.alert.merged_into])).toEqual([
      ['E', 'merged', 'F'],
      ['F', 'updated', null],
    ]);
    expect(r.decisions.filter((d) => d.kind === 'merged')).toEqual([{ kind: 'merged', alert_id: 'E', into: 'F' }]);
    expect(r.changes[1]!.alert.evidence).toHaveLength(3);
  });

  it('a merged alert suppresses nothing', () => {
    const merged = stored({ status: 'closed', merged_into: 'X', closed_at: '2026-07-09T00:00:00.000Z' });
    expect(run([ev({ day: '2026-07-09' })], [merged]).decisions[0]!.kind).toBe('opened');
  });
});

describe('suppression after closing', () => {
  const closed = (over: Partial<LifecycleAlert> = {}) =>
    stored({ status: 'closed', closed_at: '2026-07-05T00:00:00.000Z', level: 'yellow', last_day: '2026-07-04', ...over });
  it.each([
    ['closed 5 days ago, same level', closed(), ev({ day: '2026-07-09' }), at, 'suppressed'],
    ['discarded 5 days ago, same level', closed({ status: 'discarded' }), ev({ day: '2026-07-09' }), at, 'suppressed'],
    ['a lab twin is the same criterion', closed(), ev({ day: '2026-07-09', series: 'lab_dengue' }), at, 'suppressed'],
    ['a cluster over the commune', closed(), cluster(['07774', '07777'], '2026-07-09'), at, 'suppressed'],
    ['closed red, evidence yellow', closed({ level: 'red' }), ev({ day: '2026-07-09' }), at, 'suppressed'],
    ['level rises: yellow closed, red evidence', closed(), ev({ day: '2026-07-09', level: 'red' }), at, 'opened'],
    ['6 days 23 h 59 later: still suppressed', closed(), ev({ day: '2026-07-11' }), '2026-07-11T23:59:59.999Z', 'suppressed'],
    ['exactly 7 days later: opens', closed(), ev({ day: '2026-07-12' }), '2026-07-12T00:00:00.000Z', 'opened'],
    ['another commune', closed(), ev({ day: '2026-07-09', area_code: '07777' }), at, 'opened'],
    ['another syndrome', closed(), ev({ day: '2026-07-09', series: 'ili' }), at, 'opened'],
  ])('%s → %s', (_n, old, e, now, kind) => {
    const r = run([e], [old], {}, now);
    expect(r.decisions[0]!.kind).toBe(kind);
    if (kind === 'suppressed') expect(r.changes).toEqual([]);
  });

  it.each([
    ['open', {}, true],
    ['verified', { status: 'verified' }, true],
    ['closed 6 days before', { status: 'closed', closed_at: '2026-07-04T00:00:00.001Z' }, true],
    ['closed 7 days before', { status: 'closed', closed_at: '2026-07-03T00:00:00.000Z' }, false],
    ['discarded yesterday', { status: 'discarded', closed_at: '2026-07-09T00:00:00.000Z' }, true],
    ['merged yesterday', { status: 'closed', closed_at: '2026-07-09T00:00:00.000Z', merged_into: 'X' }, false],
  ] as const)('the service passes an alert %s: %s', (_n, over, expected) => {
    expect(relevantForGrouping(stored(over), at)).toBe(expected);
  });

  it('the window is a parameter', () => {
    expect(run([ev({ day: '2026-07-09' })], [closed()], { suppressionDays: 3 }).decisions[0]!.kind).toBe('opened');
  });

  it('an active alert wins over suppression', () => {
    const r = run([ev({ day: '2026-07-09' })], [closed({ id: 'C' }), stored({ id: 'O', last_day: '2026-07-08' })]);
    expect(r.decisions[0]).toMatchObject({ kind: 'joined', alert_id: 'O' });
  });
});

describe('determinism and invariants (fast-check)', () => {
  const communes = ['07774', '07777', '07351', '11020'];
  const item = fc
    .record({
      series: fc.constantFrom('dengue', 'lab_dengue', 'ili'),
      kind: fc.constantFrom('commune', 'cluster', 'province'),
      c: fc.constantFrom(...communes),
      c2: fc.constantFrom(...communes),
      d: fc.integer({ min: 0, max: 14 }),
      week: fc.boolean(),
      level: fc.constantFrom('yellow', 'red'),
      observed: fc.integer({ min: 3, max: 9 }),
    } as const)
    .map((x): EvidenceItem => {
      const day = `2026-07-${String(1 + x.d).padStart(2, '0')}`;
      const base = { series: x.series, level: x.level, observed: x.observed, day };
      if (x.kind === 'cluster') return cluster([...new Set([x.c, x.c2])], day, { ...base, cluster_days: 1 + (x.d % 3) });
      if (x.kind === 'province') return province(provinceOf(x.c)!, day, base);
      return ev({ ...base, area_code: x.c, granularity: x.week ? 'week' : 'day' });
    });
  const closedOne = stored({ id: 'Z', status: 'closed', closed_at: '2026-07-08T00:00:00.000Z', level: 'yellow' });
  const existing = [
    closedOne,
    stored({
      id: 'E1',
      area: { level: 'commune', code: '07777', communes: ['07777'] },
      evidence: [ev({ area_code: '07777', day: '2026-07-02' })],
    }),
    stored({
      id: 'E2',
      status: 'verified',
      area: { level: 'commune', code: '07351', communes: ['07351'] },
      first_day: '2026-07-09',
      last_day: '2026-07-09',
    }),
  ];

  it('merged alerts always point at a surviving alert', () => {
    fc.assert(
      fc.property(fc.array(item, { minLength: 3, maxLength: 30 }), (items) => {
        const r = run(items, existing);
        const final = new Map(existing.map((a) => [a.id, a]));
        for (const c of r.changes) final.set(c.alert.id, c.alert);
        for (const a of final.values()) {
          if (a.merged_into === null) continue;
          expect(final.get(a.merged_into)?.merged_into).toBeNull();
        }
        for (const d of r.decisions) if (d.kind !== 'suppressed') expect(final.has(d.alert_id)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('any order of the same evidence gives the same alerts', () => {
    fc.assert(
      fc.property(fc.array(item, { minLength: 3, maxLength: 30 }), fc.integer(), (items, seed) => {
        const shuffled = fc.sample(fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length }), {
          numRuns: 1,
          seed,
        })[0]!;
        expect(run(shuffled, existing)).toEqual(run(items, existing));
      }),
      { numRuns: 200 },
    );
  });

  it('every item lands in exactly one alert of its family or is suppressed; levels are the highest evidence', () => {
    fc.assert(
      fc.property(fc.array(item, { minLength: 3, maxLength: 30 }), (items) => {
        const r = run(items, [closedOne]);
        const alerts = active(r);
        for (const a of alerts) {
          for (const e of a.evidence) expect(seriesFamily(e.series)).toBe(a.family);
          // The highest level of every item that reached it, replaced ones included.
          const keys = new Set(a.evidence.map(identity));
          const reached = items.filter((e) => keys.has(identity(e)));
          expect(a.level).toBe(reached.some((e) => e.level === 'red') ? 'red' : 'yellow');
        }
        for (const c of r.changes) expect(lifecycleAlertSchema.parse(c.alert)).toEqual(c.alert);
        const placed = alerts.flatMap((a) => a.evidence.map((e) => JSON.stringify(e)));
        expect(new Set(placed).size).toBe(placed.length);
        const suppressed = r.decisions.filter((d) => d.kind === 'suppressed').map((d) => JSON.stringify(d.evidence));
        const distinctIn = new Set(items.map((e) => JSON.stringify(e)));
        // Re-evaluations replace: an item survives unless a later one shares its identity.
        for (const s of distinctIn) expect(placed.includes(s) || suppressed.includes(s) || replacedIn(items, s)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

const identity = (x: EvidenceItem) => [x.source, x.algorithm, x.series, x.area_level, x.area_code, x.granularity, x.day].join('|');

/** Whether another item in the batch has the same identity (and so may have replaced this one). */
function replacedIn(items: EvidenceItem[], json: string): boolean {
  const e = JSON.parse(json) as EvidenceItem;
  return items.some((x) => JSON.stringify(x) !== json && identity(x) === identity(e));
}
