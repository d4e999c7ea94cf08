/** Mean absolute error and root mean squared error of predictions against labels, elementwise. */
import { type Metric, requireElementwise } from './metric.ts';

export class MeanAbsoluteError implements Metric {
  readonly name: string;
  private total = 0;
  private count = 0;
  constructor(options: { name?: string } = {}) {
    this.name = options.name ?? 'mae';
  }
  reset(): void {
    this.total = 0;
    this.count = 0;
  }
  update(predictions: Float32Array, labels: Float32Array, rows: number, units: number, labelWidth: number): void {
    requireElementwise(this.name, units, labelWidth);
    const n = rows * units;
    for (let i = 0; i < n; i++) this.total += Math.abs(predictions[i] - labels[i]);
    this.count += n;
  }
  result(): number {
    return this.count === 0 ? NaN : this.total / this.count;
  }
}

export class RootMeanSquaredError implements Metric {
  readonly name: string;
  private total = 0;
  private count = 0;
  constructor(options: { name?: string } = {}) {
    this.name = options.name ?? 'rmse';
  }
  reset(): void {
    this.total = 0;
    this.count = 0;
  }
  update(predictions: Float32Array, labels: Float32Array, rows: number, units: number, labelWidth: number): void {
    requireElementwise(this.name, units, labelWidth);
    const n = rows * units;
    for (let i = 0; i < n; i++) {
      const d = predictions[i] - labels[i];
      this.total += d * d;
    }
    this.count += n;
  }
  result(): number {
    return this.count === 0 ? NaN : Math.sqrt(this.total / this.count);
  }
}
