import type { Combiner } from '../spec/types.ts';

export interface RaggedIdsView {
  ids: Int32Array;
  offsets: Int32Array;
  weights?: Float32Array | null;
}

/**
 * Reference embedding lookup with TF's safe_embedding_lookup_sparse rules, for tests and inference:
 * ids < 0 are pruned; with 'mean'/'sqrtn' weights <= 0 are pruned too; each vector is clipped to maxNorm
 * before combining; sum = Σw·e, mean = Σw·e / Σw, sqrtn = Σw·e / √Σw²; an empty row gives zeros.
 * `table` is row-major [vocabulary, dimension]; an id past the table is a RangeError naming the row.
 */
export function embeddingLookup(
  table: Float32Array, dimension: number, ragged: RaggedIdsView, combiner: Combiner = 'mean', maxNorm: number | null = null,
): Float32Array {
  const numRows = ragged.offsets.length - 1;
  const vocabulary = table.length / dimension;
  const out = new Float32Array(numRows * dimension);
  const acc = new Float64Array(dimension);
  for (let r = 0; r < numRows; r++) {
    acc.fill(0);
    let weightSum = 0;
    let weightSquares = 0;
    for (let i = ragged.offsets[r]; i < ragged.offsets[r + 1]; i++) {
      const id = ragged.ids[i];
      const w = ragged.weights ? ragged.weights[i] : 1;
      if (id < 0 || (combiner !== 'sum' && w <= 0)) continue;
      if (id >= vocabulary) throw new RangeError(`row ${r}: id ${id} out of range [0, ${vocabulary})`);
      const base = id * dimension;
      let clip = 1;
      if (maxNorm !== null) {
        let norm2 = 0;
        for (let d = 0; d < dimension; d++) norm2 += table[base + d] ** 2;
        if (norm2 > maxNorm * maxNorm) clip = maxNorm / Math.sqrt(norm2);
      }
      for (let d = 0; d < dimension; d++) acc[d] += w * table[base + d] * clip;
      weightSum += w;
      weightSquares += w * w;
    }
    const divisor = combiner === 'mean' ? weightSum : combiner === 'sqrtn' ? Math.sqrt(weightSquares) : 1;
    if (divisor === 0) continue; // div_no_nan: an empty (or all-pruned) row stays zero
    for (let d = 0; d < dimension; d++) out[r * dimension + d] = acc[d] / divisor;
  }
  return out;
}
