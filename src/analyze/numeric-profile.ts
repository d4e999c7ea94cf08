import type { Data } from 'apache-arrow';
import { isDenseInput } from './arrow-cells.ts';
import { gatherNumbers, NumberBuffer } from './gather-numbers.ts';
import { IntCounts } from './int-counts.ts';
import { Moments } from './moments.ts';
import { QuantileCollector, type QuantileOptions } from './quantile-collector.ts';

/**
 * Everything measured on a numeric feature in the pass: moments (NaN skipped and counted), distinct
 * values (exact integer counts for integer features, a capped set for floats), and, when a bucketized
 * column needs quantiles, the values themselves.
 */
export class NumericProfile {
  rows = 0;
  nulls = 0;
  readonly moments = new Moments();
  /** Integer features: counts per value (vocabularies, distinct). */
  readonly ints: IntCounts | null;
  readonly quantiles: QuantileCollector | null;
  private floats: Set<number> | null;
  private floatsCapped = false;
  private readonly buffer = new NumberBuffer();

  constructor(
    key: string, integers: boolean, exactCounts: boolean, wantQuantiles: boolean,
    private readonly distinctLimit: number, quantileOptions: QuantileOptions,
  ) {
    this.ints = integers ? new IntCounts(key, distinctLimit, exactCounts) : null;
    this.floats = integers ? null : new Set();
    this.quantiles = wantQuantiles ? new QuantileCollector(quantileOptions) : null;
  }

  add(data: Data): void {
    this.rows += data.length;
    const buffer = this.buffer;
    gatherNumbers(data, buffer);
    this.nulls += buffer.nulls;
    this.ints?.add(buffer.values, buffer.count, isDenseInput(data));
    const k = this.moments.add(buffer.values, buffer.count); // NaN moved out: values[0 .. k)
    if (this.floats) this.addDistinct(buffer.values, k);
    this.quantiles?.add(buffer.values, k);
  }

  /** Values (non-null cells), NaN included. */
  get values(): number {
    return this.moments.count + this.moments.nan;
  }

  get distinct(): number {
    if (this.ints) return this.ints.distinct;
    return this.floatsCapped ? this.distinctLimit : this.floats!.size;
  }

  get distinctExact(): boolean {
    return this.ints ? !this.ints.capped : !this.floatsCapped;
  }

  private addDistinct(values: Float64Array, n: number): void {
    const set = this.floats!;
    for (let i = 0; i < n; i++) set.add(values[i]);
    if (set.size > this.distinctLimit) {
      this.floatsCapped = true;
      this.floats = null;
    }
  }
}
