/**
 * Losses over a model's raw outputs (logits for the cross-entropies), each computing the mean loss
 * and its gradient with respect to the outputs in one pass, plus the link that turns outputs into
 * predictions (sigmoid, softmax, identity).
 * - binaryCrossentropy: mean over rows·units of sigmoid cross-entropy, labels in [0, 1];
 * - sparseCategoricalCrossentropy: mean over rows of softmax cross-entropy, integer labels in [0, units);
 * - meanSquaredError: mean over rows·units of (output − label)².
 * Labels arrive as a Float32Array [rows · labelWidth] (labelWidth = units, or 1 for sparse categorical).
 */
import type { Backend } from './backend/backend.ts';

export type LossName = 'binaryCrossentropy' | 'sparseCategoricalCrossentropy' | 'meanSquaredError';

export interface Loss {
  readonly name: LossName;
  /** Label values per row for a model with `units` outputs. */
  labelWidth(units: number): number;
  /** Throws a readable error unless `labels` suit this loss and `units` outputs. */
  checkLabels(labels: Float32Array, count: number, units: number): void;
  /** Mean loss of `rows` rows; writes ∂(mean loss)/∂output into `grad` [rows · units]. */
  lossAndGradient(backend: Backend, output: Float32Array, labels: Float32Array, rows: number, units: number, grad: Float32Array): number;
  /** Predictions from outputs: probabilities for the cross-entropies, the outputs for MSE; `out` may be `output`. */
  predict(backend: Backend, output: Float32Array, rows: number, units: number, out: Float32Array): void;
}

class BinaryCrossentropy implements Loss {
  readonly name = 'binaryCrossentropy';
  labelWidth(units: number): number {
    return units;
  }
  checkLabels(labels: Float32Array, count: number): void {
    for (let i = 0; i < count; i++) {
      if (!(labels[i] >= 0 && labels[i] <= 1)) throw new Error(`binaryCrossentropy: label ${i} is ${labels[i]}; labels must lie in [0, 1] (0/1 classes)`);
    }
  }
  lossAndGradient(backend: Backend, output: Float32Array, labels: Float32Array, rows: number, units: number, grad: Float32Array): number {
    return backend.sigmoidCrossEntropy(output, labels, rows * units, grad);
  }
  predict(backend: Backend, output: Float32Array, rows: number, units: number, out: Float32Array): void {
    backend.activate('sigmoid', output, out, rows * units);
  }
}

class SparseCategoricalCrossentropy implements Loss {
  readonly name = 'sparseCategoricalCrossentropy';
  private ints: Int32Array = new Int32Array(0);
  labelWidth(): number {
    return 1;
  }
  checkLabels(labels: Float32Array, count: number, units: number): void {
    if (units < 2) throw new Error(`sparseCategoricalCrossentropy needs a model with ≥ 2 outputs (one per class), it has ${units}`);
    for (let i = 0; i < count; i++) {
      const y = labels[i];
      if (!(Number.isInteger(y) && y >= 0 && y < units)) throw new Error(`sparseCategoricalCrossentropy: label ${i} is ${y}; labels must be integers in [0, ${units})`);
    }
  }
  lossAndGradient(backend: Backend, output: Float32Array, labels: Float32Array, rows: number, units: number, grad: Float32Array): number {
    if (this.ints.length < rows) this.ints = new Int32Array(Math.max(rows, this.ints.length * 2));
    const ints = this.ints;
    for (let r = 0; r < rows; r++) ints[r] = labels[r];
    return backend.softmaxCrossEntropy(output, ints, rows, units, grad);
  }
  predict(backend: Backend, output: Float32Array, rows: number, units: number, out: Float32Array): void {
    backend.softmax(output, rows, units, out);
  }
}

class MeanSquaredError implements Loss {
  readonly name = 'meanSquaredError';
  labelWidth(units: number): number {
    return units;
  }
  checkLabels(labels: Float32Array, count: number): void {
    for (let i = 0; i < count; i++) if (!Number.isFinite(labels[i])) throw new Error(`meanSquaredError: label ${i} is ${labels[i]}, not a finite number`);
  }
  lossAndGradient(_backend: Backend, output: Float32Array, labels: Float32Array, rows: number, units: number, grad: Float32Array): number {
    const n = rows * units, scale = 2 / n;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const d = output[i] - labels[i];
      total += d * d;
      grad[i] = scale * d;
    }
    return total / n;
  }
  predict(_backend: Backend, output: Float32Array, rows: number, units: number, out: Float32Array): void {
    if (out !== output) out.set(output.subarray(0, rows * units));
  }
}

/** A loss by name (a new instance: losses may keep scratch buffers). */
export function createLoss(spec: Loss | LossName | string): Loss {
  if (typeof spec === 'object') return spec;
  switch (spec) {
    case 'binaryCrossentropy': case 'binary_crossentropy': return new BinaryCrossentropy();
    case 'sparseCategoricalCrossentropy': case 'sparse_categorical_crossentropy': return new SparseCategoricalCrossentropy();
    case 'meanSquaredError': case 'mean_squared_error': case 'mse': return new MeanSquaredError();
    default: throw new Error(`unknown loss '${spec}'; use 'binaryCrossentropy', 'sparseCategoricalCrossentropy' or 'meanSquaredError'`);
  }
}
