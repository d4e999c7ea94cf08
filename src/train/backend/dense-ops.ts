/**
 * Row-major elementwise and per-row kernels shared by the backends: bias, activations, softmax.
 * The `kind` switches sit outside the loops so each loop body stays a single monomorphic line.
 */
import type { Activation } from './backend.ts';

/** x[r, j] += bias[j], in place. */
export function addBiasInto(x: Float32Array, bias: Float32Array, rows: number, cols: number): void {
  for (let r = 0, o = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++, o++) x[o] += bias[j];
  }
}

/** out[j] = Σ_r dy[r, j], walking dy row by row so memory is read in order. */
export function sumColumnsInto(dy: Float32Array, rows: number, cols: number, out: Float32Array): void {
  out.fill(0, 0, cols);
  for (let r = 0, o = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++, o++) out[j] += dy[o];
  }
}

/** y = f(x) elementwise; `y` may alias `x`. */
export function activateInto(kind: Activation, x: Float32Array, y: Float32Array, n: number): void {
  switch (kind) {
    case 'linear':
      if (y !== x) y.set(x.subarray(0, n));
      return;
    case 'relu':
      for (let i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : 0;
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) y[i] = 1 / (1 + Math.exp(-x[i]));
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) y[i] = Math.tanh(x[i]);
      return;
  }
}

/** dx = dy · f'(x), with f' written from the output y; `dx` may alias `dy`. */
export function activateBackwardInto(kind: Activation, y: Float32Array, dy: Float32Array, dx: Float32Array,
  n: number): void {
  switch (kind) {
    case 'linear':
      if (dx !== dy) dx.set(dy.subarray(0, n));
      return;
    case 'relu':
      for (let i = 0; i < n; i++) dx[i] = y[i] > 0 ? dy[i] : 0;
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) dx[i] = dy[i] * y[i] * (1 - y[i]);
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) dx[i] = dy[i] * (1 - y[i] * y[i]);
      return;
  }
}

/** out[r] = softmax(x[r]), shifted by the row maximum so exp never overflows; `out` may alias `x`. */
export function softmaxInto(x: Float32Array, rows: number, classes: number, out: Float32Array): void {
  for (let r = 0, o = 0; r < rows; r++, o += classes) {
    let max = -Infinity;
    for (let j = 0; j < classes; j++) if (x[o + j] > max) max = x[o + j];
    let sum = 0;
    for (let j = 0; j < classes; j++) {
      const e = Math.exp(x[o + j] - max);
      out[o + j] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let j = 0; j < classes; j++) out[o + j] *= inv;
  }
}
