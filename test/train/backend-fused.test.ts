/**
 * The fused ops (denseForward, denseBackward, dropout): the js backend's WebAssembly path against
 * the same ops composed from matmul/addBias/activate/... on the scalar blocked kernel, and against
 * a float64 reference; dropout against the Random stream it continues.
 */
import { describe, expect, it } from 'vitest';
import type { Activation } from '../../src/train/backend/backend.ts';
import { JsBackend } from '../../src/train/backend/js.ts';
import { Adam } from '../../src/train/optimizers/adam.ts';
import { Parameter, withParameterBackend } from '../../src/train/parameter.ts';
import { Random } from '../../src/kernels/random.ts';
import { activationReference, matmulReference, randomArray, seededRandom } from './backend-reference.ts';

const wasm = new JsBackend();
const blocked = new JsBackend({ matmul: 'blocked' });
const ACTIVATIONS: Activation[] = ['linear', 'relu', 'sigmoid', 'tanh'];
const SHAPES = [[1, 1, 1], [5, 3, 7], [256, 100, 51], [256, 25, 50], [33, 9, 130], [256, 1, 25]];

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-5): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const bound = tol * (1 + Math.abs(want[i]));
    if (!(Math.abs(got[i] - want[i]) <= bound)) expect.fail(`element ${i}: got ${got[i]}, want ${want[i]} ± ${bound}`);
  }
}

describe('fused dense ops', () => {
  it('denseForward equals matmul + bias + activation, bit for bit on the same kernel, close to float64', () => {
    const random = seededRandom(3);
    for (const [rows, n, k] of SHAPES) {
      for (const activation of ACTIVATIONS) {
        for (const withBias of [true, false]) {
          const x = randomArray(random, rows * k), w = randomArray(random, k * n), bias = withBias ? randomArray(random, n) : null;
          const y = new Float32Array(rows * n + 3).fill(9), composed = new Float32Array(rows * n);
          wasm.denseForward(x, w, bias, y, rows, n, k, activation);
          wasm.matmul(x, w, composed, rows, n, k, false, false, false);
          if (bias !== null) wasm.addBias(composed, bias, rows, n);
          wasm.activate(activation, composed, composed, rows * n);
          expect(Array.from(y.subarray(0, rows * n))).toEqual(Array.from(composed));
          expect(Array.from(y.subarray(rows * n))).toEqual([9, 9, 9]);
          const { product } = matmulReference(x, w, rows, n, k, false, false);
          const want = product.map((v, i) => activationReference(activation, v + (bias === null ? 0 : bias[i % n])));
          const other = new Float32Array(rows * n);
          blocked.denseForward(x, w, bias, other, rows, n, k, activation);
          expectClose(y.subarray(0, rows * n), want, 1e-4);
          expectClose(other, want, 1e-4);
        }
      }
    }
  });

  it('denseBackward gives the kernel, bias and (tail) input gradients, any of them skipped, dy untouched', () => {
    const random = seededRandom(5);
    for (const [rows, n, k] of SHAPES) {
      for (const activation of ACTIVATIONS) {
        for (const from of k > 1 ? [0, k - 1, Math.floor(k / 2)] : [0]) {
          const x = randomArray(random, rows * k), w = randomArray(random, k * n);
          const pre = randomArray(random, rows * n, -2, 2);
          const y = pre.map((v) => activationReference(activation, v));
          const dy = randomArray(random, rows * n), dyCopy = dy.slice();
          const width = k - from, tail = w.subarray(from * n);
          const dz = dy.map((g, i) => {
            const o = y[i];
            if (activation === 'relu') return o > 0 ? g : 0;
            if (activation === 'sigmoid') return g * o * (1 - o);
            if (activation === 'tanh') return g * (1 - o * o);
            return g;
          });
          const wantKernel = matmulReference(x, dz, k, n, rows, true, false).product;
          const wantBias = new Float64Array(n);
          for (let i = 0; i < rows * n; i++) wantBias[i % n] += dz[i];
          const wantDx = matmulReference(dz, tail, rows, width, n, false, true).product;
          for (const backend of [wasm, blocked]) {
            const dw = new Float32Array(k * n), db = new Float32Array(n), dx = new Float32Array(rows * width);
            backend.denseBackward(x, tail, y, dy, dw, db, dx, rows, n, k, activation, width);
            expect(Array.from(dy)).toEqual(Array.from(dyCopy));
            expectClose(dw, wantKernel, 1e-4);
            expectClose(db, wantBias, 1e-4);
            expectClose(dx, wantDx, 1e-4);
            const onlyDx = new Float32Array(rows * width);
            backend.denseBackward(x, tail, y, dy, null, null, onlyDx, rows, n, k, activation, width);
            expect(Array.from(onlyDx)).toEqual(Array.from(dx));
            const onlyDw = new Float32Array(k * n);
            backend.denseBackward(x, tail, y, dy, onlyDw, null, null, rows, n, k, activation, width);
            expect(Array.from(onlyDw)).toEqual(Array.from(dw));
          }
        }
      }
    }
  });

  it('dropout draws the same masks as the Random stream it continues, on both kernels', () => {
    for (const [n, keep] of [[1, 0.5], [7, 0.8], [25_600, 0.8], [1001, 0.3], [64, 1 - 1e-12]] as const) {
      const x = randomArray(seededRandom(n), n);
      const reference = new Random(42);
      const wantMask = new Float32Array(n), want = new Float32Array(n), scale = Math.fround(1 / keep);
      for (let i = 0; i < n; i++) {
        wantMask[i] = reference.uniform() < keep ? scale : 0;
        want[i] = Math.fround(x[i] * wantMask[i]);
      }
      for (const backend of [wasm, blocked]) {
        const random = new Random(42), state = new Uint32Array(4), y = new Float32Array(n), mask = new Float32Array(n);
        random.saveState(state);
        backend.dropout(x, y, mask, n, keep, state);
        random.loadState(state);
        expect(Array.from(mask)).toEqual(Array.from(wantMask));
        expect(Array.from(y)).toEqual(Array.from(want));
        expect(random.state()).toEqual(reference.state());
      }
    }
  });

  it('resident buffers (allocate) give the same bits as plain arrays, and stay valid as the memory grows', () => {
    const random = seededRandom(11);
    const plainBackend = new JsBackend(), residentBackend = new JsBackend();
    const resident = (values: Float32Array): Float32Array => {
      const view = residentBackend.allocate(values.length);
      view.set(values);
      return view;
    };
    expect(residentBackend.allocate(4).buffer).toBeInstanceOf(SharedArrayBuffer);
    const kept: [Float32Array, Float32Array][] = [];
    for (const [rows, n, k] of [...SHAPES, [512, 300, 700]]) {
      for (const activation of ACTIVATIONS) {
        const x = randomArray(random, rows * k), w = randomArray(random, k * n), bias = randomArray(random, n);
        const dy = randomArray(random, rows * n);
        const plain = { y: new Float32Array(rows * n), dw: new Float32Array(k * n), db: new Float32Array(n), dx: new Float32Array(rows * k) };
        plainBackend.denseForward(x, w, bias, plain.y, rows, n, k, activation);
        plainBackend.denseBackward(x, w, plain.y, dy, plain.dw, plain.db, plain.dx, rows, n, k, activation, k);
        // Every operand resident, or only some of them.
        for (const all of [true, false]) {
          const rx = resident(x), rdy = resident(dy), ry = residentBackend.allocate(rows * n);
          const rw = all ? resident(w) : w, rdw = all ? residentBackend.allocate(k * n) : new Float32Array(k * n);
          const rdb = residentBackend.allocate(n), rdx = all ? residentBackend.allocate(rows * k) : new Float32Array(rows * k);
          residentBackend.denseForward(rx, rw, all ? resident(bias) : bias, ry, rows, n, k, activation);
          residentBackend.denseBackward(rx, rw, ry, rdy, rdw, rdb, rdx, rows, n, k, activation, k);
          expect(Array.from(ry)).toEqual(Array.from(plain.y));
          expect(Array.from(rdy)).toEqual(Array.from(dy));
          expect(Array.from(rdw)).toEqual(Array.from(plain.dw));
          expect(Array.from(rdb)).toEqual(Array.from(plain.db));
          expect(Array.from(rdx)).toEqual(Array.from(plain.dx));
          const c = residentBackend.allocate(rows * n), want = new Float32Array(rows * n);
          residentBackend.matmul(rx, rw, c, rows, n, k, false, false, false);
          plainBackend.matmul(x, w, want, rows, n, k, false, false, false);
          expect(Array.from(c)).toEqual(Array.from(want));
          kept.push([ry, plain.y]);
        }
      }
    }
    // Buffers handed out before later calls grew the memory still hold their values.
    for (const [view, want] of kept) expect(Array.from(view)).toEqual(Array.from(want));
    const a = resident(randomArray(random, 1000)), b = resident(randomArray(random, 1000)), out = residentBackend.allocate(1000);
    residentBackend.multiply(a, b, out, 1000);
    expect(Array.from(out)).toEqual(Array.from(a, (v, i) => Math.fround(v * b[i])));
  });

  it("Adam's update of parameters placed in the backend (wasm, float64 SIMD) matches the JS loop bit for bit", () => {
    const random = seededRandom(13), backend = new JsBackend();
    for (const [rows, cols] of [[1, 1], [3, 5], [51, 100], [25, 1]]) {
      const init = randomArray(random, rows * cols);
      const plain = new Parameter('p', init.slice(), rows, cols);
      const placed = withParameterBackend(backend, () => new Parameter('p', init.slice(), rows, cols));
      expect(placed.backend).toBe(backend);
      expect(placed.value.buffer).toBeInstanceOf(SharedArrayBuffer);
      const a = new Adam({ learningRate: 0.01 }), b = new Adam({ learningRate: 0.01 });
      for (let step = 0; step < 5; step++) {
        const grad = randomArray(random, rows * cols, -3, 3);
        if (step === 2) grad.fill(0, 0, Math.min(3, grad.length));
        plain.grad.set(grad);
        placed.grad.set(grad);
        a.apply([plain]);
        b.apply([placed]);
        expect(Array.from(placed.value)).toEqual(Array.from(plain.value));
        expect(Array.from(b.slots(placed).m)).toEqual(Array.from(a.slots(plain).m));
        expect(Array.from(b.slots(placed).v)).toEqual(Array.from(a.slots(plain).v));
      }
      // The wasm path is the one that ran: it accepts the placed parameter and its slots.
      expect(backend.adamUpdate(placed.value, placed.grad, b.slots(placed).m, b.slots(placed).v, 0, 0, 0, 0, 0)).toBe(true);
      expect(backend.adamUpdate(plain.value, plain.grad, a.slots(plain).m, a.slots(plain).v, 0, 0, 0, 0, 0)).toBe(false);
    }
  });
});

