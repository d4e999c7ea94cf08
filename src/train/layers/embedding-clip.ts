/**
 * Embedding lookup with `maxNorm`: each looked-up vector e is clipped to e · m / max(‖e‖, m)
 * (TF's clip_by_norm inside embedding_lookup_sparse) before the weighted combine. The backend's
 * gatherSum/scatterAdd cover the unclipped case; this pair is the clipped one, with the same
 * pruning and norms as TF's safe_embedding_lookup_sparse (ids < 0 dropped; weights ≤ 0 dropped
 * unless the combiner is 'sum'; 'mean' divides by Σw, 'sqrtn' by √Σw²; an empty row is zeros).
 *
 * Gradient of the clip at a row with n = ‖e‖ > m: ∂(m e / n)/∂e · g = (m / n) (g − e (e·g) / n²).
 */
import type { Combiner, SparseIds } from '../backend/backend.ts';
import { isKept, rowScale } from '../backend/sparse-ops.ts';

function rowNorm(table: Float32Array, start: number, width: number): number {
  let s = 0;
  for (let j = 0; j < width; j++) s += table[start + j] * table[start + j];
  return Math.sqrt(s);
}

/** out[r] = scale_r · Σ_k w_k · clip(table[ids[k]]); returns −1 or the first row with an id ≥ table rows. */
export function clippedGatherSum(table: Float32Array, width: number, sparse: SparseIds, rows: number,
  combiner: Combiner, maxNorm: number, out: Float32Array): number {
  const { ids, offsets } = sparse, weights = sparse.weights ?? null;
  const tableRows = Math.floor(table.length / width);
  for (let r = 0; r < rows; r++) {
    const o = r * width;
    out.fill(0, o, o + width);
    const scale = rowScale(sparse, r, combiner);
    for (let k = offsets[r]; k < offsets[r + 1]; k++) {
      if (!isKept(ids, weights, k, combiner === 'sum')) continue;
      const id = ids[k];
      if (id >= tableRows) return r;
      const t = id * width, n = rowNorm(table, t, width);
      const coef = scale * (weights === null ? 1 : weights[k]) * (n > maxNorm ? maxNorm / n : 1);
      for (let j = 0; j < width; j++) out[o + j] += coef * table[t + j];
    }
  }
  return -1;
}

/** grad[ids[k]] += ∂/∂table[ids[k]] of Σ_r dOut[r] · out[r]; touches only rows the ids name. */
export function clippedScatterAdd(table: Float32Array, dOut: Float32Array, width: number, sparse: SparseIds,
  rows: number, combiner: Combiner, maxNorm: number, grad: Float32Array): void {
  const { ids, offsets } = sparse, weights = sparse.weights ?? null;
  for (let r = 0; r < rows; r++) {
    const o = r * width;
    const scale = rowScale(sparse, r, combiner);
    for (let k = offsets[r]; k < offsets[r + 1]; k++) {
      if (!isKept(ids, weights, k, combiner === 'sum')) continue;
      const t = ids[k] * width, n = rowNorm(table, t, width);
      const coef = scale * (weights === null ? 1 : weights[k]);
      if (n > maxNorm) {
        let eg = 0;
        for (let j = 0; j < width; j++) eg += table[t + j] * dOut[o + j];
        const f = maxNorm / n, proj = (coef * eg) / (n * n);
        for (let j = 0; j < width; j++) grad[t + j] += f * (coef * dOut[o + j] - table[t + j] * proj);
      } else {
        for (let j = 0; j < width; j++) grad[t + j] += coef * dOut[o + j];
      }
    }
  }
}

/** Marks in `touched` every table row a kept entry of the first `rows` rows names. */
export function markKeptRows(sparse: SparseIds, rows: number, combiner: Combiner, touched: { add(row: number): void }): void {
  const { ids, offsets } = sparse, weights = sparse.weights ?? null;
  for (let k = offsets[0], end = offsets[rows]; k < end; k++) if (isKept(ids, weights, k, combiner === 'sum')) touched.add(ids[k]);
}
