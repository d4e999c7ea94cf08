/**
 * Matmul at the shapes of one training step of the census DNN (43→100→75→50→25→1, batch 256):
 * the textbook i-k-j loop against each available backend. Run: npx vitest bench --run test/train
 * The GFLOP/s table printed at the end is the median of 31 timed calls per shape (each timing
 * 5 calls, after a warm-up), plus the median time of the whole 14-matmul step run back to back;
 * the js backend appears twice: with its WebAssembly SIMD kernel and with the scalar fallback.
 */
import { afterAll, bench, describe } from 'vitest';
import type { Backend } from '../../src/train/backend/backend.ts';
import { JsBackend } from '../../src/train/backend/js.ts';
import { availableBackends } from '../../src/train/backend/select.ts';
import { randomArray, seededRandom } from './backend-reference.ts';

const BATCH = 256;
const WIDTHS = [43, 100, 75, 50, 25, 1];

/** [label, m, n, k, transA, transB] for every matmul of a forward and backward pass. */
const SHAPES: [string, number, number, number, boolean, boolean][] = [];
for (let l = 0; l + 1 < WIDTHS.length; l++) {
  const [fanIn, fanOut] = [WIDTHS[l], WIDTHS[l + 1]];
  SHAPES.push([`forward  X·W      ${fanIn}→${fanOut}`, BATCH, fanOut, fanIn, false, false]);
  SHAPES.push([`backward Xᵀ·dY    ${fanIn}→${fanOut}`, fanIn, fanOut, BATCH, true, false]);
  if (l > 0) SHAPES.push([`backward dY·Wᵀ    ${fanIn}→${fanOut}`, BATCH, fanIn, fanOut, false, true]);
}

/** The loop the blocked kernel replaces: i-k-j, inner loop over contiguous rows of B and C. */
function matmulIkj(a: Float32Array, b: Float32Array, c: Float32Array, m: number, n: number, k: number,
  transA: boolean, transB: boolean): void {
  c.fill(0, 0, m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const x = transA ? a[p * m + i] : a[i * k + p];
      for (let j = 0; j < n; j++) c[i * n + j] += x * (transB ? b[j * k + p] : b[p * n + j]);
    }
  }
}

/** Each backend with a label; JsBackend's label names its matmul kernel. */
const backends: { name: string; backend: Backend }[] = [];
for (const backend of [...await availableBackends(), new JsBackend({ matmul: 'blocked' })]) {
  const kernel = backend.constructor === JsBackend ? ` (${(backend as JsBackend).matmulKernel})` : '';
  if (!backends.some((b) => b.name === backend.name + kernel)) backends.push({ name: backend.name + kernel, backend });
}
const random = seededRandom(1);

for (const [label, m, n, k, transA, transB] of SHAPES) {
  const a = randomArray(random, m * k), b = randomArray(random, k * n), c = new Float32Array(m * n);
  describe(`${label}  [${m}×${k}]·[${k}×${n}]  ${((2 * m * n * k) / 1e6).toFixed(2)} MFLOP`, () => {
    bench('naive i-k-j', () => matmulIkj(a, b, c, m, n, k, transA, transB));
    for (const { name, backend } of backends) {
      bench(name, () => backend.matmul(a, b, c, m, n, k, transA, transB, false));
    }
  });
}

/** Median milliseconds of `run` over `samples` timings of `calls` calls each, after a warm-up. */
function medianMs(run: () => void, samples = 31, calls = 5): number {
  run();
  const times: number[] = [];
  for (let s = 0; s < samples; s++) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) run();
    times.push((performance.now() - start) / calls);
  }
  times.sort((x, y) => x - y);
  return times[samples >> 1];
}

afterAll(() => {
  const operands = SHAPES.map(([, m, n, k]) => {
    const r = seededRandom(2);
    return { a: randomArray(r, m * k), b: randomArray(r, k * n), c: new Float32Array(m * n) };
  });
  const rows = SHAPES.map(([label, m, n, k, transA, transB], s) => {
    const { a, b, c } = operands[s];
    const speeds = backends.map(({ backend }) => {
      const ms = medianMs(() => backend.matmul(a, b, c, m, n, k, transA, transB, false));
      return ((2 * m * n * k) / (ms * 1e6)).toFixed(2).padStart(9);
    });
    return `${label.padEnd(28)} ${speeds.join(' ')}`;
  });
  const stepFlops = SHAPES.reduce((sum, [, m, n, k]) => sum + 2 * m * n * k, 0);
  const totals = backends.map(({ name, backend }) => {
    const ms = medianMs(() => {
      SHAPES.forEach(([, m, n, k, transA, transB], s) => {
        const { a, b, c } = operands[s];
        backend.matmul(a, b, c, m, n, k, transA, transB, false);
      });
    });
    return `${name} ${ms.toFixed(3)} ms = ${(stepFlops / ms / 1e6).toFixed(2)} GFLOP/s`;
  });
  console.log(`\nmedian GFLOP/s per shape (${backends.map((b) => b.name).join(', ')})\n${rows.join('\n')}`
    + `\nall ${SHAPES.length} matmuls of one step (${(stepFlops / 1e6).toFixed(1)} MFLOP), median: ${totals.join('; ')}`);
});
