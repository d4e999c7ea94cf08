import { describe, expect, it } from 'vitest';
import type { Activation, Backend, Combiner, SparseIds } from '../../src/train/backend/backend.ts';
import { GpuBackend } from '../../src/train/backend/gpu.ts';
import { JsBackend } from '../../src/train/backend/js.ts';
import { availableBackends, createBackend } from '../../src/train/backend/select.ts';
import {
  activationReference, gatherSumReference, matmulReference, randomArray, randomSparse, seededRandom,
  sigmoidCrossEntropyReference, softmaxCrossEntropyReference,
} from './backend-reference.ts';
import { numericalGradient } from './train-helpers.ts';

const ACTIVATIONS: Activation[] = ['linear', 'relu', 'sigmoid', 'tanh'];
const COMBINERS: Combiner[] = ['sum', 'mean', 'sqrtn'];
const TRANSPOSES: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];

/** |got − want| ≤ tol · (1 + |scale|) for every element (scale defaults to want). */
function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, scale: ArrayLike<number> = want): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const bound = tol * (1 + Math.abs(scale[i]));
    if (!(Math.abs(got[i] - want[i]) <= bound)) expect.fail(`element ${i}: got ${got[i]}, want ${want[i]} ± ${bound}`);
  }
}

/** Central differences of loss(x) with respect to each element of x (which it perturbs and restores). */
/** Every op of `backend` against the naive float64 references. Called once per available backend. */
function describeBackendContract(backend: Backend): void {
  const kernel = backend instanceof JsBackend && !(backend instanceof GpuBackend) ? ` (${backend.matmulKernel} matmul)` : '';
  describe(`backend ${backend.name}${kernel}`, () => {
    it('multiplies every transpose combination, ragged and multi-block shapes included', () => {
      const random = seededRandom(1);
      const shapes = [[1, 1, 1], [3, 5, 2], [5, 7, 3], [4, 4, 4], [17, 1, 9], [1, 13, 6], [65, 9, 17],
        [37, 53, 301], [256, 100, 43], [43, 100, 256], [256, 43, 100], [256, 1, 25], [25, 1, 256], [256, 25, 1],
        [131, 19, 513]];
      for (const [m, n, k] of shapes) {
        for (const [transA, transB] of TRANSPOSES) {
          const a = randomArray(random, m * k), b = randomArray(random, k * n);
          const c = new Float32Array(m * n + 3).fill(7);
          backend.matmul(a, b, c, m, n, k, transA, transB, false);
          const { product, magnitude } = matmulReference(a, b, m, n, k, transA, transB);
          expectClose(c.subarray(0, m * n), product, 1e-5, magnitude);
          expect(Array.from(c.subarray(m * n))).toEqual([7, 7, 7]);
        }
      }
    });

    it('adds the product onto C when accumulating, and zeroes C for an empty inner dimension', () => {
      const random = seededRandom(2);
      const [m, n, k] = [9, 6, 300];
      const a = randomArray(random, m * k), b = randomArray(random, k * n), start = randomArray(random, m * n);
      const c = start.slice();
      backend.matmul(a, b, c, m, n, k, false, true, true);
      const { product, magnitude } = matmulReference(a, b, m, n, k, false, true);
      expectClose(c, product.map((v, i) => v + start[i]), 1e-5, magnitude.map((v, i) => v + Math.abs(start[i])));
      backend.matmul(a, b, c, m, n, 0, false, false, false);
      expect(c.every((v) => v === 0)).toBe(true);
    });

    it('adds a bias to every row and sums gradient columns', () => {
      const random = seededRandom(3);
      const [rows, cols] = [7, 5];
      const x = randomArray(random, rows * cols), bias = randomArray(random, cols);
      const biased = x.slice();
      backend.addBias(biased, bias, rows, cols);
      expectClose(biased, x.map((v, i) => v + bias[i % cols]), 1e-6);
      const sums = new Float32Array(cols).fill(9);
      backend.sumColumns(x, rows, cols, sums);
      const want = Array.from({ length: cols }, (_, j) => x.filter((_, i) => i % cols === j).reduce((s, v) => s + v, 0));
      expectClose(sums, want, 1e-6);
    });

    it.each(ACTIVATIONS)('applies %s and its derivative matches finite differences', (kind) => {
      const random = seededRandom(4);
      const n = 64;
      // keep relu away from its kink, where finite differences are meaningless
      const x = randomArray(random, n, -3, 3).map((v) => (Math.abs(v) < 0.05 ? v + 0.1 : v));
      const y = new Float32Array(n);
      backend.activate(kind, x, y, n);
      expectClose(y, Array.from(x, (v) => activationReference(kind, v)), 1e-6);
      const dy = randomArray(random, n);
      const dx = new Float32Array(n);
      backend.activateBackward(kind, y, dy, dx, n);
      const out = new Float32Array(n);
      const weightedOutput = (): number => {
        backend.activate(kind, x, out, n);
        return out.reduce((s, v, i) => s + v * dy[i], 0);
      };
      expectClose(dx, numericalGradient(x, weightedOutput, 1e-2), 2e-3);
      const inPlace = x.slice();
      backend.activate(kind, inPlace, inPlace, n);
      expect(inPlace).toEqual(y);
    });

    it('computes a stable softmax whose rows sum to one', () => {
      const x = new Float32Array([1, 2, 3, 1000, 0, -1000]);
      const out = new Float32Array(6);
      backend.softmax(x, 2, 3, out);
      const e = [Math.exp(-2), Math.exp(-1), 1], s = e[0] + e[1] + e[2];
      expectClose(out, [e[0] / s, e[1] / s, e[2] / s, 1, 0, 0], 1e-6);
    });

    it('fuses softmax cross-entropy with its gradient, stably and in place', () => {
      const random = seededRandom(5);
      const [rows, classes] = [6, 4];
      const logits = randomArray(random, rows * classes, -2, 2);
      const labels = Int32Array.from({ length: rows }, () => Math.floor(random() * classes));
      const grad = new Float32Array(rows * classes);
      const loss = backend.softmaxCrossEntropy(logits, labels, rows, classes, grad);
      expect(loss).toBeCloseTo(softmaxCrossEntropyReference(logits, labels, rows, classes), 5);
      const scratch = new Float32Array(rows * classes);
      const numerical = numericalGradient(logits, () => backend.softmaxCrossEntropy(logits, labels, rows, classes, scratch));
      expectClose(grad, numerical, 1e-4);
      const inPlace = logits.slice();
      expect(backend.softmaxCrossEntropy(inPlace, labels, rows, classes, inPlace)).toBe(loss);
      expect(inPlace).toEqual(grad);
      const huge = new Float32Array([1000, -1000, 0, 0]);
      expect(backend.softmaxCrossEntropy(huge, Int32Array.of(1, 0), 2, 2, new Float32Array(4))).toBeCloseTo((2000 + Math.LN2) / 2, 3);
    });

    it('fuses sigmoid cross-entropy with its gradient, stably and in place', () => {
      const random = seededRandom(6);
      const n = 12;
      const logits = randomArray(random, n, -4, 4), labels = randomArray(random, n, 0, 1);
      const grad = new Float32Array(n);
      const loss = backend.sigmoidCrossEntropy(logits, labels, n, grad);
      expect(loss).toBeCloseTo(sigmoidCrossEntropyReference(logits, labels, n), 5);
      const scratch = new Float32Array(n);
      expectClose(grad, numericalGradient(logits, () => backend.sigmoidCrossEntropy(logits, labels, n, scratch)), 1e-4);
      const inPlace = logits.slice();
      expect(backend.sigmoidCrossEntropy(inPlace, labels, n, inPlace)).toBe(loss);
      expect(inPlace).toEqual(grad);
      const extreme = new Float32Array([100, -100, 100, -100]);
      const extremeGrad = new Float32Array(4);
      expect(backend.sigmoidCrossEntropy(extreme, new Float32Array([0, 1, 1, 0]), 4, extremeGrad)).toBeCloseTo(50, 5);
      expectClose(extremeGrad, [0.25, -0.25, 0, 0], 1e-7);
    });

    it("gathers TF's safe_embedding_lookup_sparse example with the mean combiner", () => {
      const table = new Float32Array([1, 2, 3, 5, 7, 11]);
      const sparse = { ids: Int32Array.of(2, 0, 1, 1), offsets: Int32Array.of(0, 1, 3, 3, 4), weights: null };
      const out = new Float32Array(8).fill(-1);
      expect(backend.gatherSum(table, 2, sparse, 4, 'mean', out)).toBe(-1);
      expect(Array.from(out)).toEqual([7, 11, 2, 3.5, 0, 0, 3, 5]);
    });

    it("gathers TF's linear_model examples: sum, mean, and a negative weight kept by sum", () => {
      const w = new Float32Array([10, 100, 1000, 10000]);
      const sparse: SparseIds = { ids: Int32Array.of(2, 0, 3), offsets: Int32Array.of(0, 1, 3), weights: null };
      const out = new Float32Array(2);
      backend.gatherSum(w, 1, sparse, 2, 'sum', out);
      expect(Array.from(out)).toEqual([1000, 10010]);
      backend.gatherSum(w, 1, sparse, 2, 'mean', out);
      expect(Array.from(out)).toEqual([1000, 5005]);
      backend.gatherSum(w, 1, { ...sparse, weights: Float32Array.of(1, 1, -1) }, 2, 'sum', out);
      expect(Array.from(out)).toEqual([1000, -9990]);
      backend.gatherSum(w, 1, { ...sparse, weights: Float32Array.of(1, 1, -1) }, 2, 'mean', out);
      expect(Array.from(out)).toEqual([1000, 10]);
    });

    it('reports the first row whose id is past the table', () => {
      const sparse = { ids: Int32Array.of(0, 1, 3), offsets: Int32Array.of(0, 1, 2, 3), weights: null };
      expect(backend.gatherSum(new Float32Array(6), 2, sparse, 3, 'sum', new Float32Array(6))).toBe(2);
    });

    it.each(COMBINERS)('gathers random weighted and unweighted rows with %s like the reference', (combiner) => {
      const random = seededRandom(7);
      const [rows, vocabulary, width] = [40, 30, 5];
      const table = randomArray(random, vocabulary * width);
      for (const weighted of [false, true]) {
        const sparse = randomSparse(random, rows, vocabulary, 6, weighted);
        const out = new Float32Array(rows * width);
        expect(backend.gatherSum(table, width, sparse, rows, combiner, out)).toBe(-1);
        expectClose(out, gatherSumReference(table, width, sparse, rows, combiner), 1e-5);
      }
    });

    it.each(COMBINERS)('scatter-adds the exact transpose of gather-sum with %s, touching only named rows', (combiner) => {
      const random = seededRandom(8);
      const [rows, vocabulary, width] = [25, 200, 3];
      const sparse = randomSparse(random, rows, vocabulary, 5, true);
      const table = randomArray(random, vocabulary * width), dOut = randomArray(random, rows * width);
      const gathered = new Float32Array(rows * width);
      backend.gatherSum(table, width, sparse, rows, combiner, gathered);
      const start = randomArray(random, vocabulary * width);
      const grad = start.slice();
      backend.scatterAdd(dOut, width, sparse, rows, combiner, grad);
      // adjoint identity: <gather(T), D> = <T, scatter(D)>
      const lhs = gathered.reduce((s, v, i) => s + v * dOut[i], 0);
      const rhs = table.reduce((s, v, i) => s + v * (grad[i] - start[i]), 0);
      expect(rhs).toBeCloseTo(lhs, 4);
      const named = new Set(Array.from(sparse.ids).filter((id) => id >= 0));
      for (let id = 0; id < vocabulary; id++) {
        if (named.has(id)) continue;
        expect(grad.subarray(id * width, (id + 1) * width)).toEqual(start.subarray(id * width, (id + 1) * width));
      }
    });
  });
}

const backends = await availableBackends();
for (const backend of backends) describeBackendContract(backend);
// The scalar fallback JsBackend uses where WebAssembly SIMD does not validate.
if ((backends[0] as JsBackend).matmulKernel !== 'blocked') describeBackendContract(new JsBackend({ matmul: 'blocked' }));

describe('backend selection', () => {
  it('lists js first, and every listed backend agrees with js on a random wide & deep step', () => {
    expect(backends[0].name).toBe('js');
    const random = seededRandom(9);
    const [m, n, k] = [256, 75, 100];
    const a = randomArray(random, m * k), b = randomArray(random, k * n);
    const want = new Float32Array(m * n);
    backends[0].matmul(a, b, want, m, n, k, false, false, false);
    for (const backend of backends.slice(1)) {
      const got = new Float32Array(m * n);
      backend.matmul(a, b, got, m, n, k, false, false, false);
      expectClose(got, want, 1e-5, matmulReference(a, b, m, n, k, false, false).magnitude);
    }
  });

  it('gives js when asked, and says why whatever it picks', async () => {
    expect((await createBackend('js')).backend.name).toBe('js');
    for (const kind of ['gpu', 'auto'] as const) {
      const { backend, reason } = await createBackend(kind);
      expect(backends.map((b) => b.name)).toContain(backend.name);
      expect(reason).toMatch(new RegExp(`^${kind}: .*${backend.name.replace(/[.:]/g, '\\$&')}`));
    }
  });
});
