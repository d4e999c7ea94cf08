/**
 * Streaming metrics: `update` with each batch, `result` at any point, `reset` between epochs.
 * Predictions are what the loss's link gives (probabilities for the cross-entropies, raw outputs
 * for MSE), [rows, units]; labels are [rows, labelWidth] (labelWidth 1 with integer class ids for
 * sparse categorical models, else units).
 */
export interface Metric {
  readonly name: string;
  reset(): void;
  update(predictions: Float32Array, labels: Float32Array, rows: number, units: number, labelWidth: number): void;
  result(): number;
}

/** A weighted running mean (the reported loss). */
export class Mean {
  private total = 0;
  private weight = 0;
  constructor(readonly name = 'mean') {}
  reset(): void {
    this.total = 0;
    this.weight = 0;
  }
  add(value: number, weight = 1): void {
    this.total += value * weight;
    this.weight += weight;
  }
  result(): number {
    return this.weight === 0 ? NaN : this.total / this.weight;
  }
}

/** Throws unless predictions and labels pair elementwise (binary or regression outputs). */
export function requireElementwise(name: string, units: number, labelWidth: number): void {
  if (labelWidth !== units) throw new Error(`metric '${name}' needs one label per output (binary or regression); this model has ${units} outputs and ${labelWidth} label(s) per row`);
}
