/**
 * Random tables for the space-time permutation scan's Monte Carlo test. Permuting the days
 * of all cases keeps every commune's total and every day's total; for the days a cluster can
 * cover (the last H) that is the same as drawing each of those days' cases, without
 * replacement, from the pool of all cases by commune. A Fenwick tree over the pool makes
 * each draw O(log communes), so a replication costs O(cases in the last H days · log n).
 */
import type { UniformRandom } from './seeded-random.ts';

/** Fenwick (binary indexed) tree over non-negative integer weights, with weighted sampling. */
class WeightTree {
  private readonly tree: Float64Array;
  private readonly size: number;
  private top = 1;

  constructor(weights: ArrayLike<number>) {
    this.size = weights.length;
    this.tree = new Float64Array(this.size + 1);
    for (let i = 0; i < this.size; i++) this.add(i, weights[i] as number);
    while (this.top * 2 <= this.size) this.top *= 2;
  }

  add(i: number, delta: number): void {
    for (let j = i + 1; j <= this.size; j += j & -j) this.tree[j] = (this.tree[j] as number) + delta;
  }

  /** The index whose cumulative weight range contains `target` (0 ≤ target < total). */
  find(target: number): number {
    let pos = 0;
    let rest = target;
    for (let step = this.top; step > 0; step >>= 1) {
      const next = pos + step;
      if (next <= this.size && (this.tree[next] as number) <= rest) {
        pos = next;
        rest -= this.tree[next] as number;
      }
    }
    return pos; // 0-based index = (1-based pos + 1) − 1
  }
}

/**
 * One permuted table for the last H days: out[h][z] = cases of commune z on day D − H + h.
 * `communeTotals` are the commune totals over the whole study period, `dayTotals` the totals
 * of the last H days (oldest first).
 */
export function permutedWindow(communeTotals: ArrayLike<number>, dayTotals: ArrayLike<number>, random: UniformRandom): Int32Array[] {
  const pool = new WeightTree(communeTotals);
  let remaining = 0;
  for (let z = 0; z < communeTotals.length; z++) remaining += communeTotals[z] as number;
  const out: Int32Array[] = [];
  for (let h = 0; h < dayTotals.length; h++) {
    const row = new Int32Array(communeTotals.length);
    for (let ball = 0; ball < (dayTotals[h] as number); ball++) {
      const z = pool.find(Math.floor(random() * remaining));
      row[z] = (row[z] as number) + 1;
      pool.add(z, -1);
      remaining -= 1;
    }
    out.push(row);
  }
  return out;
}
