/**
 * Count, mean, population variance, min and max of a stream of numbers, in float64. Each batch is
 * summed in two passes (mean, then squared deviations) and merged into the running totals with
 * Chan, Golub & LeVeque's update, the batch form of Welford's algorithm: no catastrophic cancellation,
 * and two Moments merge the same way. Sums are taken relative to the first value seen (`shift`), so data
 * far from 0 (timestamps, ids) keeps its digits. NaN is skipped and counted.
 */
export class Moments {
  count = 0;
  /** The first non-NaN value; the running mean is kept relative to it. */
  private shift = NaN;
  private shiftedMean = 0;
  /** Sum of squared deviations from the mean. */
  m2 = 0;
  min = Infinity;
  max = -Infinity;
  nan = 0;
  /** Values below -1, which log1p maps to NaN (so quantiles under a log1p normalizer skip them). */
  belowMinusOne = 0;

  /** Adds values[0 .. n), moving NaN out: the k non-NaN values end up in values[0 .. k); returns k. */
  add(values: Float64Array, n: number): number {
    let k = 0;
    let sum = 0;
    let min = this.min;
    let max = this.max;
    let below = 0;
    for (let i = 0; i < n; i++) {
      const x = values[i];
      if (x !== x) continue; // NaN
      values[k++] = x;
      sum += x;
      if (x < min) min = x;
      if (x > max) max = x;
      if (x < -1) below++;
    }
    this.nan += n - k;
    this.min = min;
    this.max = max;
    this.belowMinusOne += below;
    if (k === 0) return 0;
    if (this.shift !== this.shift) this.shift = values[0];
    const shift = this.shift;
    const batchMean = (sum - k * shift) / k;
    let m2 = 0;
    let correction = 0;
    for (let i = 0; i < k; i++) {
      const d = values[i] - shift - batchMean;
      m2 += d * d;
      correction += d;
    }
    // The corrected two-pass formula: `correction` is the rounding left in the batch mean.
    this.merge(k, batchMean + correction / k, m2 - (correction * correction) / k);
    return k;
  }

  /** Merges a batch of `count` values with mean `mean` (relative to the shift) and squared deviations `m2`. */
  private merge(count: number, mean: number, m2: number): void {
    const total = this.count + count;
    const delta = mean - this.shiftedMean;
    this.shiftedMean += (delta * count) / total;
    this.m2 += m2 + (delta * delta * this.count * count) / total;
    this.count = total;
  }

  get mean(): number {
    return this.count === 0 ? NaN : this.shift + this.shiftedMean;
  }

  /** Population standard deviation (divides by n, as z-scoring the whole data set does). */
  get std(): number {
    return this.count === 0 ? NaN : Math.sqrt(this.m2 / this.count);
  }
}
