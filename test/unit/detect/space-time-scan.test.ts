import { describe, expect, it } from 'vitest';
import { loadDemoUnits } from '../../../cli/units.ts';
import { earsC } from '../../../processors/detect/algorithms/ears.ts';
import { nearestZones } from '../../../processors/detect/algorithms/scan-zones.ts';
import { permutedWindow } from '../../../processors/detect/algorithms/scan-permutation.ts';
import { seededRandom } from '../../../processors/detect/algorithms/seeded-random.ts';
import { scanLlr, spaceTimePermutationScan } from '../../../processors/detect/algorithms/space-time-scan.ts';

const units = loadDemoUnits();
const zones = nearestZones(units, { maxNeighbours: 10 });
const DAYS = 56;

function poisson(random: () => number, lambda: number): number {
  let k = 0;
  let p = Math.exp(-lambda);
  let cdf = p;
  const u = random();
  while (u > cdf) {
    k += 1;
    p *= lambda / k;
    cdf += p;
  }
  return k;
}

/** Daily counts per demo commune (rate from population, 0.5–4/day), plus `extra` cases/day in `cluster` over the last `days`. */
function series(seed: number, cluster: readonly number[] = [], extra = 0, days = 0): number[][] {
  const random = seededRandom(seed);
  const rate = units.map((u) => Math.min(4, 0.5 + (2.5 * u.population) / 40000));
  return Array.from({ length: DAYS }, (_, d) =>
    rate.map((l, z) => poisson(random, l) + (d >= DAYS - days && cluster.includes(z) ? extra : 0)),
  );
}

describe('scan building blocks', () => {
  it.each([
    // c, μ, C, LLR = c·ln(c/μ) + (C − c)·ln((C − c)/(C − μ))
    [20, 10, 100, 20 * Math.log(2) + 80 * Math.log(80 / 90)],
    [10, 10, 100, 0],
    [5, 10, 100, 0], // a deficit is not a cluster
    [100, 50, 100, 100 * Math.log(2)],
  ])('LLR(c = %d, μ = %d, C = %d)', (c, mu, total, want) => {
    expect(scanLlr(c, mu, total)).toBeCloseTo(want, 12);
  });

  it('zones start at their centre and grow by distance (registry neighbours)', () => {
    expect(zones.every((z, i) => z[0] === i && z.length === 11)).toBe(true);
    const near = nearestZones(units, { maxNeighbours: 3, maxRadiusKm: 0.001 });
    expect(near.every((z) => z.length === 1)).toBe(true);
  });

  it('permuted tables keep each day total and never exceed a commune total', () => {
    const communeTotals = [5, 0, 3, 7];
    const dayTotals = [4, 6];
    const rows = permutedWindow(communeTotals, dayTotals, seededRandom(3));
    expect(rows.map((r) => r.reduce((a, b) => a + b, 0))).toEqual(dayTotals);
    communeTotals.forEach((t, z) => expect((rows[0]?.[z] ?? 0) + (rows[1]?.[z] ?? 0)).toBeLessThanOrEqual(t));
    expect(rows.every((r) => r[1] === 0)).toBe(true);
  });
});

describe('space-time permutation scan on the demo communes', () => {
  // Commune 40 and its 5 nearest neighbours: +2 cases a day each over the last 3 days.
  const cluster = (zones[40] ?? []).slice(0, 6);
  const counts = series(3, cluster, 2, 3);

  it('finds a cluster across neighbouring communes …', () => {
    const result = spaceTimePermutationScan(counts, zones, { replications: 199, seed: 7 });
    const top = result.clusters[0];
    expect(top?.pValue).toBeLessThan(0.05);
    expect(top?.days).toBeGreaterThanOrEqual(3);
    expect(top?.communes.filter((z) => cluster.includes(z)).length).toBeGreaterThanOrEqual(4);
    expect(top?.recurrenceIntervalDays).toBeCloseTo(1 / (top?.pValue ?? 1), 9);
    expect(top?.observed).toBeGreaterThan(top?.expected ?? Infinity);
  });

  it('… that no single commune series shows (EARS C1 and C2, no alarm on those days)', () => {
    for (const z of cluster) {
      const own = counts.map((row) => row[z] as number);
      for (const method of ['C1', 'C2'] as const) {
        expect(earsC(own, { method, range: [DAYS - 3, DAYS - 1] }).some((p) => p.alarm)).toBe(false);
      }
    }
  });

  it('negative control: the same extra cases scattered over distant communes give no significant cluster', () => {
    const scattered = [0, 60, 120, 150, 180, 200];
    const result = spaceTimePermutationScan(series(3, scattered, 2, 3), zones, { replications: 199, seed: 7 });
    expect(result.clusters[0]?.pValue ?? 1).toBeGreaterThan(0.05);
  });

  it('is deterministic for a seed', () => {
    const a = spaceTimePermutationScan(counts, zones, { replications: 49, seed: 11 });
    const b = spaceTimePermutationScan(counts, zones, { replications: 49, seed: 11 });
    expect(a).toEqual(b);
  });

  it('null case: without a cluster, p < 0.05 about 5% of the time (30 seeds)', () => {
    const significant = Array.from({ length: 30 }, (_, s) => s + 100).filter(
      (seed) => (spaceTimePermutationScan(series(seed), zones, { replications: 99, seed }).clusters[0]?.pValue ?? 1) < 0.05,
    );
    // Binomial(30, 0.05): P(≥ 5) ≈ 1.6%.
    expect(significant.length).toBeLessThanOrEqual(4);
  });

  it('secondary clusters share no commune with earlier ones', () => {
    const { clusters } = spaceTimePermutationScan(counts, zones, { replications: 19, seed: 1, maxClusters: 5 });
    const seen = new Set<number>();
    for (const c of clusters) {
      expect(c.communes.some((z) => seen.has(z))).toBe(false);
      c.communes.forEach((z) => seen.add(z));
    }
    expect(clusters.length).toBeGreaterThan(1);
  });

  it.each([
    [[[1, 2]], 'counts[0]'],
    [[[1, -1, ...new Array<number>(201).fill(0)]], 'counts[0]'],
  ])('rejects bad counts %#', (bad, field) => {
    expect(() => spaceTimePermutationScan(bad, zones)).toThrow(expect.objectContaining({ details: expect.objectContaining({ field }) }));
  });
});
