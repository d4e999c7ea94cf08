import type { Normalizer } from '../spec/types.ts';
import type { QuantileCollector } from './quantile-collector.ts';

/**
 * Quantile definition: for q = i/numBuckets (i = 1 .. numBuckets-1) over m values sorted ascending
 * (0-based x[0] <= ... <= x[m-1]), boundary i is x[floor(i·m / numBuckets)]: the smallest value with more
 * than q·m values at or below it. Bucketize is left-closed (x >= b goes up), so with distinct values
 * bucket 0 holds exactly floor(m/numBuckets) values, and every bucket about m/numBuckets.
 * Example: 1..100 in 4 buckets → [26, 51, 76], 25 values per bucket.
 */
export function quantileRank(i: number, numBuckets: number, m: number): number {
  return Math.floor((i * m) / numBuckets);
}

export interface QuantileBoundaries {
  boundaries: number[];
  /** Quantiles that fell on the same float32 value as the one before (repeated values), or on ±Infinity. */
  removed: number;
}

/**
 * Boundaries on the values bucketize sees: `seen(x)` of the raw values, as float32. `seen` is monotone
 * non-decreasing, so the quantile of the seen values is `seen` of the raw quantile (order statistics commute
 * with it). The first `below` ranks (raw values below -1, which log1p maps to NaN) are skipped. Needs m = count - below > 0.
 */
export function quantileBoundaries(
  values: QuantileCollector, numBuckets: number, below: number, seen: (x: number) => number,
): QuantileBoundaries {
  const m = values.count - below;
  const boundaries: number[] = [];
  let removed = 0;
  for (let i = 1; i < numBuckets; i++) {
    const b = seen(values.valueAtRank(below + quantileRank(i, numBuckets, m)));
    // ±Infinity serializes as null in JSON and makes an always- or never-empty bucket; equal ones make empty buckets.
    if (!Number.isFinite(b) || (boundaries.length > 0 && b <= boundaries[boundaries.length - 1])) removed++;
    else boundaries.push(b === 0 ? 0 : b); // -0 → 0: the same comparisons, and JSON writes them alike
  }
  return { boundaries, removed };
}

/**
 * What bucketize sees of a raw value x under a fitted normalizer: the compiled graph's rescale, then float32
 * (the same arithmetic, in the same order, as compile's scaleOf and readNumeric's rescale).
 */
export function valueBucketizeSees(normalizer: Normalizer | null): (x: number) => number {
  if (normalizer === null) return Math.fround;
  if (normalizer === 'log1p') return (x) => Math.fround(Math.log1p(x));
  if (typeof normalizer === 'string') throw new Error(`normalizer '${normalizer}' is not fitted yet`);
  const [shift, scale] = 'zscore' in normalizer
    ? [normalizer.zscore.mean, 1 / normalizer.zscore.std]
    : [normalizer.minmax.min, 1 / (normalizer.minmax.max - normalizer.minmax.min)];
  return (x) => Math.fround((x - shift) * scale);
}
