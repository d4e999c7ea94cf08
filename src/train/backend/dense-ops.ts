/**
 * Row-major elementwise and per-row kernels shared by the backends: bias, activations, softmax.
 * The `kind` switches sit outside the loops so each loop body stays a single monomorphic line.
 */
import type { Activation, Backend } from './backend.ts';

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

/** Backend.denseForward from the separate ops (for backends without a fused kernel). */
export function denseForwardComposed(backend: Backend, x: Float32Array, w: Float32Array, bias: Float32Array | null,
  y: Float32Array, rows: number, n: number, k: number, activation: Activation): void {
  backend.matmul(x, w, y, rows, n, k, false, false, false);
  if (bias !== null) backend.addBias(y, bias, rows, n);
  if (activation !== 'linear') backend.activate(activation, y, y, rows * n);
}

/** Backend.denseBackward from the separate ops; `dz` is scratch of at least rows·n floats. */
export function denseBackwardComposed(backend: Backend, x: Float32Array, wTail: Float32Array, y: Float32Array,
  dy: Float32Array, kernelGrad: Float32Array | null, biasGrad: Float32Array | null, dx: Float32Array | null,
  rows: number, n: number, k: number, activation: Activation, dxWidth: number, dz: Float32Array): void {
  let g = dy;
  if (activation !== 'linear') {
    backend.activateBackward(activation, y, dy, dz, rows * n);
    g = dz;
  }
  if (kernelGrad !== null) backend.matmul(x, g, kernelGrad, k, n, rows, true, false, false);
  if (biasGrad !== null) backend.sumColumns(g, rows, n, biasGrad);
  if (dx !== null) backend.matmul(g, wTail, dx, rows, dxWidth, n, false, true, false);
}

/** Backend.dropout in plain JS: xoshiro128** as random.ts, continued from and written back to `state`. */
export function dropoutInto(x: Float32Array, y: Float32Array, mask: Float32Array, n: number, keep: number,
  state: Uint32Array): void {
  let s0 = state[0] | 0, s1 = state[1] | 0, s2 = state[2] | 0, s3 = state[3] | 0;
  const threshold = keep * 4294967296, scale = Math.fround(1 / keep);
  for (let i = 0; i < n; i++) {
    const r = Math.imul(s1, 5);
    const u = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    const m = u < threshold ? scale : 0;
    mask[i] = m;
    y[i] = Math.fround(x[i] * m);
  }
  state[0] = s0; state[1] = s1; state[2] = s2; state[3] = s3;
}
