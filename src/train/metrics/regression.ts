/** Mean absolute error and root mean squared error of predictions against labels, elementwise. */
import { type Metric, requireElementwise } from './metric.ts';

/** A streaming mean of a per-element error; subclasses say which error and how the mean is reported. */
abstract class MeanElementError implements Metric {
  readonly name: string;
  private total = 0;
  private count = 0;
  constructor(defaultName: string, options: { name?: string }) {
    this.name = options.name ?? defaultName;
  }
  protected abstract error(difference: number): number;
  protected abstract report(mean: number): number;
  reset(): void {
    this.total = 0;
    this.count = 0;
  }
  update(predictions: Float32Array, labels: Float32Array, rows: number, units: number, labelWidth: number): void {
    requireElementwise(this.name, units, labelWidth);
    const n = rows * units;
    for (let i = 0; i < n; i++) this.total += this.error(predictions[i] - labels[i]);
    this.count += n;
  }
  result(): number {
    return this.count === 0 ? NaN : this.report(this.total / this.count);
  }
}

export class MeanAbsoluteError extends MeanElementError {
  constructor(options: { name?: string } = {}) {
    super('mae', options);
  }
  protected error(difference: number): number {
    return Math.abs(difference);
  }
  protected report(mean: number): number {
    return mean;
  }
}

export class RootMeanSquaredError extends MeanElementError {
  constructor(options: { name?: string } = {}) {
    super('rmse', options);
  }
  protected error(difference: number): number {
    return difference * difference;
  }
  protected report(mean: number): number {
    return Math.sqrt(mean);
  }
}
