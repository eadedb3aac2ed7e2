import { describe, expect, it } from 'vitest';
import { alertSeries, detailPlan, evidenceDays } from '../../alerts/alert-detail.ts';
import { cluster, ev, province, stored } from '../helpers/alert-evidence.ts';

const communesOf = (p: string) => (p === '24' ? ['07774', '07777', '07780'] : []);
const all = () => true;

describe('detailPlan', () => {
  it('a commune alert: its commune, 8 weeks up to its last day, bands of that commune and the evidence detector', () => {
    const a = stored({ evidence: [ev({ day: '2026-07-03' })] });
    const plan = detailPlan(a, communesOf, all);
    expect(plan).toMatchObject({
      syndrome: 'dengue',
      from: '2026-05-09',
      to: '2026-07-03',
      communes: ['07774'],
      bandArea: { level: 'commune', code: '07774' },
      algorithm: 'ears_c2',
      lineListSeries: ['dengue'],
      lineListDays: ['2026-07-03'],
    });
  });

  it('a province alert sums every commune of the province; bands of the province', () => {
    const a = stored({ area: { level: 'province', code: '24', communes: ['07777'] }, evidence: [province('24', '2026-06-29')] });
    expect(detailPlan(a, communesOf, all)).toMatchObject({
      communes: ['07774', '07777', '07780'],
      bandArea: { level: 'province', code: '24' },
    });
  });

  it('only the communes the caller covers are summed, and then no band (a partial area is no series a detector saw)', () => {
    const a = stored({ area: { level: 'province', code: '24', communes: ['07777'] }, evidence: [] });
    const plan = detailPlan(a, communesOf, (c) => c === '07777');
    expect(plan).toMatchObject({ communes: ['07777'], bandArea: null });
  });

  it('a cluster: its communes, no bands; line-list days span its days; series of the evidence joined', () => {
    const a = stored({
      area: { level: 'cluster', code: '07774', communes: ['07774', '07777'] },
      evidence: [cluster(['07774', '07777'], '2026-07-03', { cluster_days: 3 }), ev({ series: 'lab_dengue', day: '2026-07-01' })],
    });
    const plan = detailPlan(a, communesOf, all);
    expect(plan).toMatchObject({ communes: ['07774', '07777'], bandArea: null, lineListSeries: ['dengue', 'lab_dengue'] });
    expect(plan.lineListDays).toEqual(['2026-07-01', '2026-07-02', '2026-07-03']);
  });
});

describe('evidenceDays', () => {
  it('a weekly item covers its ISO week from the Monday', () => {
    expect(evidenceDays({ evidence: [province('24', '2026-06-29')] })).toEqual([
      '2026-06-29',
      '2026-06-30',
      '2026-07-01',
      '2026-07-02',
      '2026-07-03',
      '2026-07-04',
      '2026-07-05',
    ]);
  });
});

describe('alertSeries', () => {
  const a = stored({ evidence: [ev({ day: '2026-07-03', expected: 0.4, threshold: 2.9 })] });
  const plan = detailPlan(a, communesOf, all);

  it('sums the communes per day, zero elsewhere; the evidence figures win over a stored signal of the same day', () => {
    const s = alertSeries(
      a,
      plan,
      [
        { commune_code: '07774', date: '2026-07-02', count: 2 },
        { commune_code: '07774', date: '2026-07-03', count: 6 },
        // Another commune and a day out of range are not summed (negative controls).
        { commune_code: '07777', date: '2026-07-03', count: 50 },
        { commune_code: '07774', date: '2026-07-04', count: 50 },
      ],
      [
        { day: '2026-07-02', algorithm: 'ears_c2', expected: 0.5, upperbound: 3 },
        { day: '2026-07-02', algorithm: 'farrington_flexible', expected: 9, upperbound: 9 },
        { day: '2026-07-03', algorithm: 'ears_c2', expected: 1, upperbound: 1 },
      ],
    );
    expect(s.days).toHaveLength(56);
    expect(s.area).toEqual({ level: 'commune', code: '07774', communes: ['07774'] });
    expect(s.observed.slice(-2)).toEqual([2, 6]);
    expect(s.observed.slice(0, -2).every((n) => n === 0)).toBe(true);
    expect(s.expected.slice(-3)).toEqual([null, 0.5, 0.4]);
    expect(s.upperbound.slice(-3)).toEqual([null, 3, 2.9]);
  });

  it('no band area: expected and upperbound all null, whatever is stored', () => {
    const partial = { ...plan, bandArea: null };
    const s = alertSeries(a, partial, [], [{ day: '2026-07-03', algorithm: 'ears_c2', expected: 1, upperbound: 1 }]);
    expect(s.expected.every((x) => x === null) && s.upperbound.every((x) => x === null)).toBe(true);
  });
});
