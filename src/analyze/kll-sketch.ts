/**
 * A mergeable quantile sketch: KLL's compactor stack with every level's capacity equal to `k`
 * (Karnin, Lang & Liberty 2016, the equal-capacity case; also known as the randomized MRL sketch).
 *
 * Level h holds values of weight 2^h. When a level reaches k values it is sorted and compacted: a random
 * one of the two interleavings (even or odd positions) moves up a level with double weight, the rest is dropped.
 *
 * Rank-error bound. For any value y, one compaction at level h changes the estimated count of values <= y
 * by 0 or ±2^h, each sign equally likely; so the total error E is a sum of independent zero-mean terms.
 * A level is compacted only when it holds >= k values (total weight k·2^h), so level h is compacted at most
 * n/(k·2^h) times, and the top compacted level H has k·2^H <= n. Hence Σ (2^h)² over all compactions
 * <= (n/k)·Σ_{h<=H} 2^h < 2n²/k², and Hoeffding gives P(|E| >= εn) <= 2·exp(-ε²k²/4). With δ = 1e-9:
 *
 *     ε = 2·sqrt(ln(2/δ)) / k  ≈ 9.26 / k   (k = 8192: ε ≈ 0.00113)
 *
 * `valueAtRank(r)` returns the first stored value whose estimated count of values <= it exceeds r; both
 * estimates around it are within εn, so the true rank range of the answer meets [r - εn, r + εn] with
 * probability >= 1 - 2δ. Memory: at most 2k values per level, about log2(n/k) + 2 levels.
 */
export const SKETCH_DELTA = 1e-9;

/** The rank error ε (as a fraction of n) a sketch of capacity k keeps with probability 1 - SKETCH_DELTA per query. */
export function sketchRankError(k: number): number {
  return (2 * Math.sqrt(Math.log(2 / SKETCH_DELTA))) / k;
}

export class KllSketch {
  /** levels[h][0 .. sizes[h]) are the values of weight 2^h. */
  private levels: Float64Array[] = [];
  private sizes: number[] = [];
  private random: number;
  /** Total weight (values added, merged ones included). */
  count = 0;
  private sorted: { values: Float64Array; cumulative: Float64Array } | null = null;

  constructor(readonly k = 8192, seed = 0x9e3779b9) {
    if (!(Number.isInteger(k) && k >= 2 && k % 2 === 0)) throw new RangeError(`sketch capacity k must be an even integer >= 2, got ${k}`);
    this.random = seed | 0 || 1;
  }

  get rankError(): number {
    return sketchRankError(this.k);
  }

  /** Adds values[0 .. n) (no NaN: the caller filters them). */
  addAll(values: Float64Array, n: number): void {
    this.sorted = null;
    this.count += n;
    for (let at = 0; at < n;) {
      const level0 = this.level(0);
      const take = Math.min(n - at, this.k - this.sizes[0]);
      level0.set(values.subarray(at, at + take), this.sizes[0]);
      this.sizes[0] += take;
      at += take;
      if (this.sizes[0] >= this.k) this.compactFrom(0);
    }
  }

  /** Adds another sketch's values (same k); the other sketch is left as it was. */
  merge(other: KllSketch): void {
    if (other.k !== this.k) throw new RangeError(`cannot merge sketches of capacities ${this.k} and ${other.k}`);
    this.sorted = null;
    this.count += other.count;
    for (let h = 0; h < other.levels.length; h++) {
      const n = other.sizes[h];
      if (n === 0) continue;
      this.reserve(h, this.sizes[h] + n);
      this.levels[h].set(other.levels[h].subarray(0, n), this.sizes[h]);
      this.sizes[h] += n;
    }
    this.compactFrom(0);
  }

  /** The value at 0-based rank r (r values before it) of the values added, within the stated error. */
  valueAtRank(r: number): number {
    const { values, cumulative } = (this.sorted ??= this.sortAll());
    if (values.length === 0) throw new RangeError('valueAtRank of an empty sketch');
    let lo = 0;
    let hi = values.length - 1;
    while (lo < hi) { // first item whose cumulative weight exceeds r
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid] > r) hi = mid;
      else lo = mid + 1;
    }
    return values[lo];
  }

  /** Number of values the sketch holds (for tests of its size). */
  get retained(): number {
    return this.sizes.reduce((a, b) => a + b, 0);
  }

  private level(h: number): Float64Array {
    while (this.levels.length <= h) {
      this.levels.push(new Float64Array(this.k));
      this.sizes.push(0);
    }
    return this.levels[h];
  }

  private reserve(h: number, size: number): void {
    const level = this.level(h);
    if (level.length >= size) return;
    const bigger = new Float64Array(Math.max(size, level.length * 2));
    bigger.set(level.subarray(0, this.sizes[h]));
    this.levels[h] = bigger;
  }

  /** Compacts every level from h up that holds k or more values. */
  private compactFrom(h: number): void {
    for (; h < this.levels.length; h++) {
      const size = this.sizes[h];
      if (size < this.k) continue;
      const level = this.levels[h];
      level.subarray(0, size).sort();
      // An even number of values is compacted; with an odd count the largest stays here, still exact.
      const even = size & ~1;
      const half = even >> 1;
      const up = h + 1;
      this.level(up);
      this.reserve(up, this.sizes[up] + half);
      const target = this.levels[up];
      let at = this.sizes[up];
      for (let i = this.nextBit(); i < even; i += 2) target[at++] = level[i];
      this.sizes[up] = at;
      level[0] = level[even]; // the odd one out, if any
      this.sizes[h] = size - even;
    }
  }

  /** xorshift32: deterministic, so a fit gives the same boundaries on every run. */
  private nextBit(): number {
    let x = this.random;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.random = x;
    return (x >>> 31) & 1;
  }

  private sortAll(): { values: Float64Array; cumulative: Float64Array } {
    const total = this.retained;
    const pairs = new Float64Array(total);
    const weights = new Float64Array(total);
    let at = 0;
    for (let h = 0; h < this.levels.length; h++) {
      pairs.set(this.levels[h].subarray(0, this.sizes[h]), at);
      weights.fill(2 ** h, at, at + this.sizes[h]);
      at += this.sizes[h];
    }
    const order = Uint32Array.from({ length: total }, (_, i) => i).sort((a, b) => pairs[a] - pairs[b]);
    const values = new Float64Array(total);
    const cumulative = new Float64Array(total);
    let sum = 0;
    for (let i = 0; i < total; i++) {
      values[i] = pairs[order[i]];
      sum += weights[order[i]];
      cumulative[i] = sum;
    }
    return { values, cumulative };
  }
}
