/**
 * Sparse gather-sum and its transpose: the first layer over one-hot, indicator and embedding
 * inputs, costing O(ids · width) instead of a dense matmul over the vocabulary. The pruning
 * and norms follow TF's safe_embedding_lookup_sparse (see Backend.gatherSum).
 */
import type { Combiner, SparseIds } from './backend.ts';

/** Whether entry k survives pruning: id ≥ 0, and w > 0 unless the combiner is 'sum'. */
export function isKept(ids: Int32Array, weights: Float32Array | null, k: number, keepNonPositive: boolean): boolean {
  return ids[k] >= 0 && (keepNonPositive || weights === null || weights[k] > 0);
}

/** The factor a row's weighted sum is multiplied by: 1, 1/Σw or 1/√Σw² over its kept entries. */
export function rowScale(sparse: SparseIds, r: number, combiner: Combiner): number {
  if (combiner === 'sum') return 1;
  const { ids, offsets } = sparse, weights = sparse.weights ?? null;
  let norm = 0;
  for (let k = offsets[r], end = offsets[r + 1]; k < end; k++) {
    if (!isKept(ids, weights, k, false)) continue;
    const w = weights === null ? 1 : weights[k];
    norm += combiner === 'mean' ? w : w * w;
  }
  if (norm === 0) return 0; // empty row: its sum is zero anyway (TF's div_no_nan)
  return combiner === 'mean' ? 1 / norm : 1 / Math.sqrt(norm);
}

/** out[r] = scale_r · Σ_k w_k · table[ids[k]]; returns −1, or the first row with an id ≥ tableRows. */
export function gatherSumInto(table: Float32Array, width: number, sparse: SparseIds, rows: number,
  combiner: Combiner, out: Float32Array): number {
  const { ids, offsets } = sparse, weights = sparse.weights ?? null;
  const tableRows = Math.floor(table.length / width);
  const keepNonPositive = combiner === 'sum';
  for (let r = 0; r < rows; r++) {
    const o = r * width;
    out.fill(0, o, o + width);
    for (let k = offsets[r], end = offsets[r + 1]; k < end; k++) {
      if (!isKept(ids, weights, k, keepNonPositive)) continue;
      const id = ids[k];
      if (id >= tableRows) return r;
      const w = weights === null ? 1 : weights[k];
      for (let j = 0, t = id * width; j < width; j++, t++) out[o + j] += w * table[t];
    }
    const scale = rowScale(sparse, r, combiner);
    if (scale !== 1) for (let j = 0; j < width; j++) out[o + j] *= scale;
  }
  return -1;
}

/** grad[ids[k]] += scale_r · w_k · dOut[r]: touches only the rows of `grad` that ids name. */
export function scatterAddInto(dOut: Float32Array, width: number, sparse: SparseIds, rows: number,
  combiner: Combiner, grad: Float32Array): void {
  const { ids, offsets } = sparse, weights = sparse.weights ?? null;
  const keepNonPositive = combiner === 'sum';
  for (let r = 0; r < rows; r++) {
    const scale = rowScale(sparse, r, combiner);
    const o = r * width;
    for (let k = offsets[r], end = offsets[r + 1]; k < end; k++) {
      if (!isKept(ids, weights, k, keepNonPositive)) continue;
      const coef = scale * (weights === null ? 1 : weights[k]);
      for (let j = 0, t = ids[k] * width; j < width; j++, t++) grad[t] += coef * dOut[o + j];
    }
  }
}
