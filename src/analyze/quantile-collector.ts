import { KllSketch } from './kll-sketch.ts';

export interface QuantileOptions {
  /** Keep every value (exact quantiles) while there are at most this many. */
  exactLimit: number;
  /** Capacity per level of the sketch used beyond exactLimit (even). */
  sketchK: number;
  seed: number;
}

/**
 * The values of one feature, for order statistics: all of them (exact) while they are at most
 * `exactLimit`, then a KLL sketch fed with everything seen so far (bounded memory, stated rank error).
 */
export class QuantileCollector {
  private exact: Float64Array | null = new Float64Array(1024);
  private sketch: KllSketch | null = null;
  private sortedExact = false;
  count = 0;

  constructor(private readonly options: QuantileOptions) {}

  get method(): 'exact' | 'sketch' {
    return this.sketch ? 'sketch' : 'exact';
  }

  /** Rank error as a fraction of the count: 0 when exact. */
  get rankError(): number {
    return this.sketch ? this.sketch.rankError : 0;
  }

  /** Adds values[0 .. n), which hold no NaN. */
  add(values: Float64Array, n: number): void {
    if (n === 0) return;
    this.sortedExact = false;
    if (this.exact && this.count + n > this.options.exactLimit) {
      this.sketch = new KllSketch(this.options.sketchK, this.options.seed);
      this.sketch.addAll(this.exact, this.count);
      this.exact = null; // free the exact copy: from here on memory stays bounded
    }
    if (this.sketch) {
      this.sketch.addAll(values, n);
    } else {
      if (this.count + n > this.exact!.length) {
        const bigger = new Float64Array(Math.max(this.count + n, this.exact!.length * 2));
        bigger.set(this.exact!.subarray(0, this.count));
        this.exact = bigger;
      }
      this.exact!.set(values.subarray(0, n), this.count);
    }
    this.count += n;
  }

  /** The value with r values before it in sorted order (0 <= r < count); approximate after the switch to the sketch. */
  valueAtRank(r: number): number {
    if (!(r >= 0 && r < this.count)) throw new RangeError(`rank ${r} outside [0, ${this.count})`);
    if (this.sketch) return this.sketch.valueAtRank(r);
    if (!this.sortedExact) {
      this.exact!.subarray(0, this.count).sort();
      this.sortedExact = true;
    }
    return this.exact![r];
  }
}
