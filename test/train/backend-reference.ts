/**
 * The second, deliberately naive implementation the backends are checked against: float64,
 * straight from the definitions, no blocking, no aliasing, no cleverness.
 */
import type { Activation, Combiner, SparseIds } from '../../src/train/backend/backend.ts';

/** Mulberry32: a tiny seeded generator so every test draws the same numbers on every run. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n values uniform in [lo, hi). */
export function randomArray(random: () => number, n: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * random();
  return out;
}

/** op(A)·op(B) as [m, n], and Σ_p |op(A)[i,p]·op(B)[p,j]| (the scale float32 rounding grows with). */
export function matmulReference(a: Float32Array, b: Float32Array, m: number, n: number, k: number,
  transA: boolean, transB: boolean): { product: Float64Array; magnitude: Float64Array } {
  const product = new Float64Array(m * n), magnitude = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      for (let p = 0; p < k; p++) {
        const term = (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
        product[i * n + j] += term;
        magnitude[i * n + j] += Math.abs(term);
      }
    }
  }
  return { product, magnitude };
}

export function activationReference(kind: Activation, x: number): number {
  switch (kind) {
    case 'linear': return x;
    case 'relu': return Math.max(0, x);
    case 'sigmoid': return 1 / (1 + Math.exp(-x));
    case 'tanh': return Math.tanh(x);
  }
}

/** Mean of −log softmax(row)[label], with the softmax taken literally in float64. */
export function softmaxCrossEntropyReference(logits: Float32Array, labels: Int32Array, rows: number,
  classes: number): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let j = 0; j < classes; j++) sum += Math.exp(logits[r * classes + j]);
    total -= Math.log(Math.exp(logits[r * classes + labels[r]]) / sum);
  }
  return total / rows;
}

/** Mean of −z·log σ(x) − (1 − z)·log(1 − σ(x)), literally. */
export function sigmoidCrossEntropyReference(logits: Float32Array, labels: Float32Array, n: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const p = 1 / (1 + Math.exp(-logits[i]));
    total -= labels[i] * Math.log(p) + (1 - labels[i]) * Math.log(1 - p);
  }
  return total / n;
}

/** safe_embedding_lookup_sparse, one row at a time, from SEMANTICS.md §11 steps 1–5. */
export function gatherSumReference(table: Float32Array, width: number, sparse: SparseIds, rows: number,
  combiner: Combiner): Float64Array {
  const out = new Float64Array(rows * width);
  for (let r = 0; r < rows; r++) {
    const kept: { id: number; w: number }[] = [];
    for (let k = sparse.offsets[r]; k < sparse.offsets[r + 1]; k++) {
      const w = sparse.weights ? sparse.weights[k] : 1;
      if (sparse.ids[k] < 0 || (combiner !== 'sum' && w <= 0)) continue;
      kept.push({ id: sparse.ids[k], w });
    }
    if (kept.length === 0) continue;
    const norm = combiner === 'sum' ? 1
      : combiner === 'mean' ? kept.reduce((s, e) => s + e.w, 0)
        : Math.sqrt(kept.reduce((s, e) => s + e.w * e.w, 0));
    for (const { id, w } of kept) {
      for (let j = 0; j < width; j++) out[r * width + j] += (w * table[id * width + j]) / norm;
    }
  }
  return out;
}

/** Random CSR ids in [−1, vocabulary) with 0–maxPerRow ids a row (empty rows and −1s included). */
export function randomSparse(random: () => number, rows: number, vocabulary: number, maxPerRow: number,
  weighted: boolean): SparseIds {
  const offsets = new Int32Array(rows + 1), ids: number[] = [];
  for (let r = 0; r < rows; r++) {
    const count = Math.floor(random() * (maxPerRow + 1));
    for (let c = 0; c < count; c++) ids.push(Math.floor(random() * (vocabulary + 1)) - 1);
    offsets[r + 1] = ids.length;
  }
  const weights = weighted ? randomArray(random, ids.length, -0.5, 2) : null;
  return { ids: Int32Array.from(ids), offsets, weights };
}
