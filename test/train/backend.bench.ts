/**
 * Matmul at the shapes of one training step of the census DNN (43→100→75→50→25→1, batch 256):
 * the textbook i-k-j loop against each available backend. Run: npx vitest bench --run test/train
 * The GFLOP/s table printed at the end is best-of-9 per shape (hz × MFLOP / 1000 gives the same).
 */
import { afterAll, bench, describe } from 'vitest';
import { availableBackends, measureMatmulGflops } from '../../src/train/backend/select.ts';
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

const backends = await availableBackends();
const random = seededRandom(1);

for (const [label, m, n, k, transA, transB] of SHAPES) {
  const a = randomArray(random, m * k), b = randomArray(random, k * n), c = new Float32Array(m * n);
  describe(`${label}  [${m}×${k}]·[${k}×${n}]  ${((2 * m * n * k) / 1e6).toFixed(2)} MFLOP`, () => {
    bench('naive i-k-j', () => matmulIkj(a, b, c, m, n, k, transA, transB));
    for (const backend of backends) {
      bench(backend.name, () => backend.matmul(a, b, c, m, n, k, transA, transB, false));
    }
  });
}

afterAll(() => {
  const stepMs = backends.map(() => 0);
  const rows = SHAPES.map(([label, m, n, k, transA, transB]) => {
    const speeds = backends.map((backend, b) => {
      const gflops = measureMatmulGflops(backend, m, n, k, transA, transB, 9);
      stepMs[b] += (2 * m * n * k) / (gflops * 1e6);
      return gflops.toFixed(2).padStart(7);
    });
    return `${label.padEnd(28)} ${speeds.join(' ')}`;
  });
  const stepFlops = SHAPES.reduce((sum, [, m, n, k]) => sum + 2 * m * n * k, 0);
  const totals = stepMs.map((ms) => `${ms.toFixed(2)} ms = ${(stepFlops / ms / 1e6).toFixed(2)} GFLOP/s`);
  console.log(`\nGFLOP/s per shape (${backends.map((b) => b.name).join(', ')})\n${rows.join('\n')}`
    + `\nall ${SHAPES.length} matmuls of one step: ${totals.join('; ')}`);
});
