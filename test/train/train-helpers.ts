/** Small builders and checks shared by the training-core tests. */
import type { Combiner } from '../../src/train/backend/backend.ts';
import type { FeatureBatch, RaggedTensor } from '../../src/tensor/feature-batch.ts';
import type { LayoutEntry } from '../../src/graph/nodes.ts';
import { Random } from '../../src/kernels/random.ts';

/** A FeatureBatch from dense rows (all 'numeric' slots) and optional ragged tensors. */
export function featureBatch(rows: number[][], sparse: Record<string, RaggedTensor> = {}): FeatureBatch {
  const width = rows[0]?.length ?? 0;
  const layout: LayoutEntry[] = Array.from({ length: width }, (_, j) => ({
    name: `x${j}`, kind: 'numeric', offset: j, width: 1, slots: [`x${j}`],
  }));
  return {
    numRows: rows.length,
    dense: { values: Float32Array.from(rows.flat()), shape: [rows.length, width], layout },
    sparse,
  };
}

/** A ragged tensor from per-row id lists (and optional per-row weight lists). */
export function ragged(rows: number[][], cardinality: number, combiner: Combiner = 'sum', dimension: number | null = null,
  weights?: number[][]): RaggedTensor {
  const offsets = new Int32Array(rows.length + 1);
  rows.forEach((r, i) => { offsets[i + 1] = offsets[i] + r.length; });
  const out: RaggedTensor = { ids: Int32Array.from(rows.flat()), offsets, cardinality, combiner, dimension };
  if (weights) out.weights = Float32Array.from(weights.flat());
  return out;
}

/** n values uniform in [lo, hi) from a seeded generator. */
export function randomValues(random: Random, n: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = random.uniformIn(lo, hi);
  return out;
}

/**
 * Central differences of `loss()` with respect to each element of `x` (perturbed and restored).
 * float32 storage limits the step: h = 1e-2 keeps rounding error well under the tolerance.
 */
export function numericalGradient(x: Float32Array, loss: () => number, h = 1e-2, count = x.length): Float64Array {
  const grad = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const saved = x[i];
    x[i] = saved + h;
    const up = loss();
    x[i] = saved - h;
    const down = loss();
    x[i] = saved;
    grad[i] = (up - down) / (2 * h);
  }
  return grad;
}

/** Σ c_i · y_i in float64: a scalar whose gradient with respect to y is c. */
export function project(y: ArrayLike<number>, c: ArrayLike<number>, n = c.length): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += y[i] * c[i];
  return s;
}

/** Fails with the first element where |got − want| > tol · (1 + |want|). */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what = ''): void {
  if (got.length !== want.length) throw new Error(`${what}: length ${got.length}, want ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    const bound = tol * (1 + Math.abs(want[i]));
    if (!(Math.abs(got[i] - want[i]) <= bound)) throw new Error(`${what} element ${i}: got ${got[i]}, want ${want[i]} ± ${bound}`);
  }
}
