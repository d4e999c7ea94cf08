/**
 * Mean and variance of every slot of the dense block, accumulated batch by batch (each batch's exact two-pass
 * moments merged by Chan et al.'s parallel formula), for normalization statistics over a streamed dataset.
 * Equal to the one-batch two-pass statistics up to float64 rounding (they are then stored as float32).
 */
import type { FeatureBatch } from '../../tensor/feature-batch.ts';
import type { LayoutEntry } from '../../graph/nodes.ts';

export interface DenseMoments {
  count: number;
  mean: Float64Array;
  /** Population variance (divided by count). */
  variance: Float64Array;
  layout: readonly LayoutEntry[];
}

export class MomentsAccumulator {
  private count = 0;
  private mean: Float64Array | null = null;
  private m2: Float64Array | null = null;
  private layout: readonly LayoutEntry[] = [];

  add(batch: FeatureBatch): void {
    const rows = batch.numRows, width = batch.dense.shape[1], values = batch.dense.values;
    if (rows === 0) return;
    if (this.mean === null) {
      this.mean = new Float64Array(width);
      this.m2 = new Float64Array(width);
      this.layout = batch.dense.layout;
    }
    const mean = this.mean, m2 = this.m2!, n = this.count, total = n + rows;
    for (let j = 0; j < width; j++) {
      let sum = 0;
      for (let r = 0; r < rows; r++) sum += values[r * width + j];
      const bMean = sum / rows;
      let bM2 = 0;
      for (let r = 0; r < rows; r++) bM2 += (values[r * width + j] - bMean) ** 2;
      if (n === 0) { // exactly the one-batch two-pass moments
        mean[j] = bMean;
        m2[j] = bM2;
        continue;
      }
      const delta = bMean - mean[j];
      mean[j] += (delta * rows) / total;
      m2[j] += bM2 + (delta * delta * n * rows) / total;
    }
    this.count = total;
  }

  result(): DenseMoments | null {
    if (this.mean === null || this.count === 0) return null;
    const variance = this.m2!.map((v) => v / this.count);
    return { count: this.count, mean: this.mean.slice(), variance, layout: this.layout };
  }
}
