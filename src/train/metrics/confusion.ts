/**
 * Precision TP / (TP + FP) and recall TP / (TP + FN) of binary predictions at a threshold (0.5):
 * predicted positive when prediction > threshold, actual positive when label > 0.5 (Keras).
 * Both are 0 when their denominator is (as Keras' div_no_nan).
 */
import { type Metric, requireElementwise } from './metric.ts';

abstract class Confusion implements Metric {
  abstract readonly name: string;
  readonly threshold: number;
  protected tp = 0;
  protected fp = 0;
  protected fn = 0;

  constructor(threshold = 0.5) {
    this.threshold = threshold;
  }

  reset(): void {
    this.tp = 0;
    this.fp = 0;
    this.fn = 0;
  }

  update(predictions: Float32Array, labels: Float32Array, rows: number, units: number, labelWidth: number): void {
    requireElementwise(this.name, units, labelWidth);
    const n = rows * units, t = this.threshold;
    for (let i = 0; i < n; i++) {
      const predicted = predictions[i] > t, actual = labels[i] > 0.5;
      if (predicted && actual) this.tp++;
      else if (predicted) this.fp++;
      else if (actual) this.fn++;
    }
  }

  abstract result(): number;
}

export class Precision extends Confusion {
  readonly name: string;
  constructor(options: { threshold?: number; name?: string } = {}) {
    super(options.threshold);
    this.name = options.name ?? 'precision';
  }
  result(): number {
    return this.tp + this.fp === 0 ? 0 : this.tp / (this.tp + this.fp);
  }
}

export class Recall extends Confusion {
  readonly name: string;
  constructor(options: { threshold?: number; name?: string } = {}) {
    super(options.threshold);
    this.name = options.name ?? 'recall';
  }
  result(): number {
    return this.tp + this.fn === 0 ? 0 : this.tp / (this.tp + this.fn);
  }
}
