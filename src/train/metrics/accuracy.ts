/**
 * Accuracy. With one label per output (binary): prediction > threshold (0.5 on the probability)
 * against label > 0.5, elementwise, as Keras' binary_accuracy. With integer class labels (sparse
 * categorical): argmax of the row against the label, as Keras' sparse_categorical_accuracy.
 */
import type { Metric } from './metric.ts';

export class Accuracy implements Metric {
  readonly name: string;
  readonly threshold: number;
  private correct = 0;
  private count = 0;

  constructor(options: { threshold?: number; name?: string } = {}) {
    this.threshold = options.threshold ?? 0.5;
    this.name = options.name ?? 'accuracy';
  }

  reset(): void {
    this.correct = 0;
    this.count = 0;
  }

  update(predictions: Float32Array, labels: Float32Array, rows: number, units: number, labelWidth: number): void {
    if (labelWidth === units) {
      const n = rows * units, t = this.threshold;
      for (let i = 0; i < n; i++) if ((predictions[i] > t) === (labels[i] > 0.5)) this.correct++;
      this.count += n;
      return;
    }
    for (let r = 0, o = 0; r < rows; r++, o += units) {
      let best = 0;
      for (let j = 1; j < units; j++) if (predictions[o + j] > predictions[o + best]) best = j;
      if (best === labels[r]) this.correct++;
    }
    this.count += rows;
  }

  result(): number {
    return this.count === 0 ? NaN : this.correct / this.count;
  }
}
