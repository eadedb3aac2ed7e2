/**
 * Prospective space-time permutation scan statistic (Kulldorff et al. 2005, PLoS Med 2:e59)
 * over communes. Expected counts need no population: under the null hypothesis a case's
 * commune and day are independent, so μ(z, d) = (cases on day d)(cases in z) / C. Cylinders
 * are a zone (a commune and its nearest neighbours, see scan-zones.ts) times the last 1 …
 * maxDays days, ending on the last day (prospective: only clusters still going on). Each is
 * scored by the Poisson generalised likelihood ratio for an excess; the largest is tested
 * by Monte Carlo against the same maximum over tables with permuted case days.
 */
import { assertFiniteSeries, invalidField } from './errors.ts';
import { permutedWindow } from './scan-permutation.ts';
import { seededRandom } from './seeded-random.ts';

/** Options of {@link spaceTimePermutationScan}. */
export interface SpaceTimeScanOptions {
  /** Longest cluster, days (cylinders cover the last 1 … maxDays days). Default 7. */
  readonly maxDays?: number;
  /** Monte Carlo replications; the smallest p-value is 1/(replications + 1). Default 999. */
  readonly replications?: number;
  /** Seed of the permutations (same seed, same p-values). Default 1. */
  readonly seed?: number;
  /** Days between two analyses, for the recurrence interval. Default 1 (a daily scan). */
  readonly analysisIntervalDays?: number;
  /** Clusters reported: the most likely, then secondary ones sharing no commune with it. Default 5. */
  readonly maxClusters?: number;
  /** Fewest cases a cluster must hold. Default 2. */
  readonly minCases?: number;
}

/** A cylinder: communes (by position in the counts' columns) × the last `days` days. */
export interface ScanCluster {
  /** Position of the zone's centre commune. */
  readonly centre: number;
  /** Positions of the communes in the zone, centre first, then by distance. */
  readonly communes: readonly number[];
  /** Days covered: the last `days` rows, i.e. row indices firstDay … counts.length − 1. */
  readonly days: number;
  readonly firstDay: number;
  readonly observed: number;
  /** Expected cases under the permutation null, Σ μ(z, d) over the cylinder. */
  readonly expected: number;
  /** (observed / expected) / ((C − observed) / (C − expected)), Kulldorff's relative risk. */
  readonly relativeRisk: number;
  /** Log generalised likelihood ratio. */
  readonly llr: number;
  /** Monte Carlo p-value against the maximum LLR over permuted tables. */
  readonly pValue: number;
  /** analysisIntervalDays / pValue: how often a cluster this strong turns up by chance, days. */
  readonly recurrenceIntervalDays: number;
}

export interface SpaceTimeScanResult {
  readonly totalCases: number;
  readonly replications: number;
  /** Most likely cluster first, then secondary clusters by LLR; empty when no cylinder has an excess. */
  readonly clusters: readonly ScanCluster[];
}

/** Poisson GLR of c cases where μ were expected, out of C (0 unless c > μ). */
export function scanLlr(c: number, mu: number, total: number): number {
  if (!(c > mu) || mu <= 0) return 0;
  const rest = total - c;
  return c * Math.log(c / mu) + (rest > 0 ? rest * Math.log(rest / (total - mu)) : 0);
}

interface Candidate {
  readonly centre: number;
  readonly size: number;
  readonly days: number;
  readonly observed: number;
  readonly expected: number;
  readonly llr: number;
}

/** Cumulative sums over the last 1 … H days, per commune: tail[z·H + h − 1]. */
function tails(rows: readonly ArrayLike<number>[], communes: number): Float64Array {
  const H = rows.length;
  const out = new Float64Array(communes * H);
  for (let z = 0; z < communes; z++) {
    let sum = 0;
    for (let h = 1; h <= H; h++) {
      sum += (rows[H - h] as ArrayLike<number>)[z] as number;
      out[z * H + h - 1] = sum;
    }
  }
  return out;
}

/** Scores every cylinder; calls `visit` for those with an excess and ≥ minCases, returns the max LLR. */
function scanAll(
  caseTails: Float64Array,
  muTails: Float64Array,
  zones: readonly (readonly number[])[],
  H: number,
  total: number,
  minCases: number,
  visit?: (c: Candidate) => void,
): number {
  const c = new Float64Array(H);
  const mu = new Float64Array(H);
  let best = 0;
  zones.forEach((zone, centre) => {
    c.fill(0);
    mu.fill(0);
    zone.forEach((z, k) => {
      for (let h = 0; h < H; h++) {
        c[h] = (c[h] as number) + (caseTails[z * H + h] as number);
        mu[h] = (mu[h] as number) + (muTails[z * H + h] as number);
        const observed = c[h] as number;
        if (observed < minCases) continue;
        const llr = scanLlr(observed, mu[h] as number, total);
        if (llr <= 0) continue;
        if (llr > best) best = llr;
        visit?.({ centre, size: k + 1, days: h + 1, observed, expected: mu[h] as number, llr });
      }
    });
  });
  return best;
}

function resolve(counts: readonly (readonly number[])[], zones: readonly (readonly number[])[], o: SpaceTimeScanOptions) {
  const D = counts.length;
  const n = zones.length;
  if (D === 0) throw invalidField('counts', 'needs at least one day');
  counts.forEach((row, d) => {
    if (row.length !== n) throw invalidField(`counts[${d}]`, `must have one count per commune (${n})`);
    assertFiniteSeries(row, `counts[${d}]`);
    if (row.some((v) => v < 0 || !Number.isInteger(v))) throw invalidField(`counts[${d}]`, 'counts must be integers ≥ 0');
  });
  zones.forEach((zone, i) => {
    if (zone[0] !== i || zone.some((z) => !(z >= 0 && z < n)))
      throw invalidField(`zones[${i}]`, `must start with ${i} and hold positions < ${n}`);
  });
  const H = Math.min(o.maxDays ?? 7, D);
  const replications = o.replications ?? 999;
  if (!Number.isInteger(H) || H < 1) throw invalidField('maxDays', 'must be an integer ≥ 1');
  if (!Number.isInteger(replications) || replications < 0) throw invalidField('replications', 'must be an integer ≥ 0');
  return {
    D,
    n,
    H,
    replications,
    seed: o.seed ?? 1,
    interval: o.analysisIntervalDays ?? 1,
    maxClusters: o.maxClusters ?? 5,
    minCases: o.minCases ?? 2,
  };
}

/** Greedy: best cylinders by LLR whose communes do not overlap an already chosen one. */
function pickClusters(candidates: Candidate[], zones: readonly (readonly number[])[], max: number): Candidate[] {
  candidates.sort((a, b) => b.llr - a.llr || a.centre - b.centre || a.size - b.size || a.days - b.days);
  const used = new Set<number>();
  const chosen: Candidate[] = [];
  for (const c of candidates) {
    if (chosen.length >= max) break;
    const communes = (zones[c.centre] as readonly number[]).slice(0, c.size);
    if (communes.some((z) => used.has(z))) continue;
    communes.forEach((z) => used.add(z));
    chosen.push(c);
  }
  return chosen;
}

/**
 * Scans `counts[day][commune]` (oldest day first; the last row is the day of analysis) over
 * `zones` (zones[i] = commune i then its neighbours, e.g. from nearestZones). Pure and
 * deterministic for a given seed.
 */
export function spaceTimePermutationScan(
  counts: readonly (readonly number[])[],
  zones: readonly (readonly number[])[],
  options: SpaceTimeScanOptions = {},
): SpaceTimeScanResult {
  const o = resolve(counts, zones, options);
  const communeTotals = new Float64Array(o.n);
  let total = 0;
  for (const row of counts) {
    row.forEach((v, z) => (communeTotals[z] = (communeTotals[z] as number) + v));
    total += row.reduce((a, b) => a + b, 0);
  }
  const window = counts.slice(o.D - o.H);
  const dayTotals = window.map((row) => row.reduce((a, b) => a + b, 0));
  const muRows = dayTotals.map((nd) => Array.from(communeTotals, (nz) => (total > 0 ? (nd * nz) / total : 0)));
  const muTails = tails(muRows, o.n);
  const candidates: Candidate[] = [];
  const observedMax = scanAll(tails(window, o.n), muTails, zones, o.H, total, o.minCases, (c) => candidates.push(c));
  const chosen = pickClusters(candidates, zones, o.maxClusters);
  // Monte Carlo: the maximum LLR over tables with permuted case days.
  const random = seededRandom(o.seed);
  const nullMax: number[] = [];
  if (observedMax > 0) {
    for (let r = 0; r < o.replications; r++) {
      nullMax.push(scanAll(tails(permutedWindow(communeTotals, dayTotals, random), o.n), muTails, zones, o.H, total, o.minCases));
    }
  }
  const clusters = chosen.map((c): ScanCluster => {
    const pValue = (1 + nullMax.filter((m) => m >= c.llr).length) / (o.replications + 1);
    return {
      centre: c.centre,
      communes: (zones[c.centre] as readonly number[]).slice(0, c.size),
      days: c.days,
      firstDay: o.D - c.days,
      observed: c.observed,
      expected: c.expected,
      relativeRisk: c.observed / c.expected / ((total - c.observed) / (total - c.expected)),
      llr: c.llr,
      pValue,
      recurrenceIntervalDays: o.interval / pValue,
    };
  });
  return { totalCases: total, replications: o.replications, clusters };
}
