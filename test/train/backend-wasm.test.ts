/**
 * The WebAssembly SIMD matmul (src/train/backend/matmul-wasm.ts) directly, against the float64
 * reference and the scalar BlockedMatmul: every transpose combination over ragged, tiny, MLP and
 * multi-pass (k > 256, m > 128) shapes, accumulate, k = 0, empty outputs, oversized buffers, and
 * the memory growing then being reused.
 */
import { describe, expect, it } from 'vitest';
import { JsBackend } from '../../src/train/backend/js.ts';
import { BlockedMatmul } from '../../src/train/backend/matmul-blocked.ts';
import { WasmMatmul, wasmSimdSupported } from '../../src/train/backend/matmul-wasm.ts';
import { matmulReference, randomArray, seededRandom } from './backend-reference.ts';

const TRANSPOSES: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, scale: ArrayLike<number>): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const bound = tol * (1 + Math.abs(scale[i]));
    if (!(Math.abs(got[i] - want[i]) <= bound)) expect.fail(`element ${i}: got ${got[i]}, want ${want[i]} ± ${bound}`);
  }
}

describe('WebAssembly SIMD matmul', () => {
  it('is available on Node 20, and JsBackend uses it by default', () => {
    expect(wasmSimdSupported()).toBe(true);
    expect(new JsBackend().matmulKernel).toBe('wasm-simd');
    expect(new JsBackend({ matmul: 'blocked' }).matmulKernel).toBe('blocked');
    expect(new JsBackend().name).toBe('js');
  });

  const wasm = wasmSimdSupported() ? new WasmMatmul() : undefined;
  const test = wasm === undefined ? it.skip : it;

  test('matches the reference for every transpose over odd, tiny, MLP and multi-pass shapes', () => {
    const random = seededRandom(11);
    const shapes = [
      [1, 1, 1], [2, 3, 1], [3, 5, 2], [4, 8, 1], [5, 9, 3], [7, 7, 7], [8, 8, 8], [9, 17, 33],
      [256, 1, 25], [25, 1, 256], [256, 25, 1], [1, 256, 25], [1, 1, 300],
      [256, 100, 43], [43, 100, 256], [256, 43, 100], [256, 75, 100], [100, 75, 256], [256, 100, 75],
      [129, 13, 257], [300, 33, 600], [131, 127, 513],
    ];
    for (const [m, n, k] of shapes) {
      for (const [transA, transB] of TRANSPOSES) {
        const a = randomArray(random, m * k), b = randomArray(random, k * n);
        const c = new Float32Array(m * n + 5).fill(7);
        wasm!.run(a, b, c, m, n, k, transA, transB, false);
        const { product, magnitude } = matmulReference(a, b, m, n, k, transA, transB);
        expectClose(c.subarray(0, m * n), product, 1e-5, magnitude);
        expect(Array.from(c.subarray(m * n))).toEqual([7, 7, 7, 7, 7]);
      }
    }
  });

  test('agrees with BlockedMatmul to float32 rounding', () => {
    const random = seededRandom(12);
    const blocked = new BlockedMatmul();
    for (const [m, n, k] of [[256, 100, 43], [37, 53, 301], [256, 1, 25]]) {
      for (const [transA, transB] of TRANSPOSES) {
        const a = randomArray(random, m * k), b = randomArray(random, k * n);
        const got = new Float32Array(m * n), want = new Float32Array(m * n);
        wasm!.run(a, b, got, m, n, k, transA, transB, false);
        blocked.run(a, b, want, m, n, k, transA, transB, false);
        expectClose(got, want, 1e-5, matmulReference(a, b, m, n, k, transA, transB).magnitude);
      }
    }
  });

  test('adds onto C when accumulating, across passes of the depth too', () => {
    const random = seededRandom(13);
    for (const [m, n, k] of [[9, 6, 300], [256, 1, 25], [5, 11, 3], [130, 20, 520]]) {
      for (const [transA, transB] of TRANSPOSES) {
        const a = randomArray(random, m * k), b = randomArray(random, k * n), start = randomArray(random, m * n);
        const c = Float32Array.from([...start, 7, 7]);
        wasm!.run(a, b, c, m, n, k, transA, transB, true);
        const { product, magnitude } = matmulReference(a, b, m, n, k, transA, transB);
        expectClose(c.subarray(0, m * n), product.map((v, i) => v + start[i]), 1e-5,
          magnitude.map((v, i) => v + Math.abs(start[i])));
        expect(Array.from(c.subarray(m * n))).toEqual([7, 7]);
      }
    }
  });

  test('zeroes C for k = 0 (leaves it when accumulating) and leaves an empty C alone', () => {
    const c = new Float32Array(13).fill(3);
    wasm!.run(new Float32Array(0), new Float32Array(0), c, 3, 4, 0, false, false, true);
    expect(Array.from(c)).toEqual(new Array(13).fill(3));
    wasm!.run(new Float32Array(0), new Float32Array(0), c, 3, 4, 0, true, true, false);
    expect(Array.from(c)).toEqual([...new Array(12).fill(0), 3]);
    const d = new Float32Array(2).fill(5);
    wasm!.run(new Float32Array(6), new Float32Array(0), d, 0, 2, 3, false, false, false);
    wasm!.run(new Float32Array(0), new Float32Array(6), d, 2, 0, 3, false, false, false);
    expect(Array.from(d)).toEqual([5, 5]);
  });

  test('grows its memory for a large product, then still gets small ones right', () => {
    const random = seededRandom(14);
    const fresh = new WasmMatmul();
    for (const [m, n, k] of [[3, 2, 4], [700, 300, 400], [3, 2, 4], [256, 1, 25]]) {
      const a = randomArray(random, m * k), b = randomArray(random, k * n), c = new Float32Array(m * n);
      fresh.run(a, b, c, m, n, k, false, true, false);
      const { product, magnitude } = matmulReference(a, b, m, n, k, false, true);
      expectClose(c, product, 1e-5, magnitude);
    }
  });
});
