import { describe, expect, it } from 'vitest';
import { JsBackend } from '../../src/train/backend/js.ts';
import { createLoss } from '../../src/train/losses.ts';
import { Random } from '../../src/kernels/random.ts';
import { expectClose, randomValues } from './train-helpers.ts';

const backend = new JsBackend();

/** Central differences of a float64 loss function of the outputs. */
function fd(f: (x: Float64Array) => number, x: Float32Array, h = 1e-4): Float64Array {
  const y = Float64Array.from(x), g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const s = y[i];
    y[i] = s + h; const up = f(y);
    y[i] = s - h; const down = f(y);
    y[i] = s;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

describe('losses', () => {
  const random = new Random(31);

  it('binary cross-entropy from logits: value and gradient', () => {
    const loss = createLoss('binaryCrossentropy');
    const logits = randomValues(random, 12, -4, 4), labels = Float32Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const f = (x: Float64Array) => x.reduce((s, v, i) => s - (labels[i] * Math.log(1 / (1 + Math.exp(-v))) + (1 - labels[i]) * Math.log(1 - 1 / (1 + Math.exp(-v)))), 0) / x.length;
    const grad = new Float32Array(12);
    expect(loss.lossAndGradient(backend, logits, labels, 6, 2, grad)).toBeCloseTo(f(Float64Array.from(logits)), 5);
    expectClose(grad, fd(f, logits), 1e-4, 'gradient');
    const p = new Float32Array(12);
    loss.predict(backend, logits, 6, 2, p);
    expect(p[0]).toBeCloseTo(1 / (1 + Math.exp(-logits[0])), 6);
    expect(() => loss.checkLabels(Float32Array.of(0, 2), 2, 1)).toThrow(/label 1 is 2/);
  });

  it('sparse categorical cross-entropy: value and gradient over n classes', () => {
    const loss = createLoss('sparseCategoricalCrossentropy');
    const rows = 5, classes = 4;
    const logits = randomValues(random, rows * classes, -3, 3), labels = Float32Array.of(0, 3, 1, 2, 3);
    const f = (x: Float64Array) => {
      let total = 0;
      for (let r = 0; r < rows; r++) {
        const row = x.subarray(r * classes, r * classes + classes);
        total -= Math.log(Math.exp(row[labels[r]]) / row.reduce((s, v) => s + Math.exp(v), 0));
      }
      return total / rows;
    };
    const grad = new Float32Array(rows * classes);
    expect(loss.labelWidth(classes)).toBe(1);
    expect(loss.lossAndGradient(backend, logits, labels, rows, classes, grad)).toBeCloseTo(f(Float64Array.from(logits)), 5);
    expectClose(grad, fd(f, logits), 1e-4, 'gradient');
    expect(() => loss.checkLabels(Float32Array.of(0, 4), 2, 4)).toThrow(/integers in \[0, 4\)/);
    expect(() => loss.checkLabels(Float32Array.of(0.5), 1, 4)).toThrow(/integers/);
  });

  it('mean squared error: value and gradient', () => {
    const loss = createLoss('mse');
    const out = randomValues(random, 6), labels = randomValues(random, 6);
    const f = (x: Float64Array) => x.reduce((s, v, i) => s + (v - labels[i]) ** 2, 0) / x.length;
    const grad = new Float32Array(6);
    expect(loss.lossAndGradient(backend, out, labels, 3, 2, grad)).toBeCloseTo(f(Float64Array.from(out)), 6);
    expectClose(grad, fd(f, out), 1e-4, 'gradient');
    expect(() => createLoss('hinge')).toThrow(/unknown loss/);
  });
});
