import type { Hasher } from './hash/hasher.ts';
import type { BytesInterner } from './interner.ts';
import type { Ragged } from './ragged.ts';
import type { TupleMemo } from './tuple-memo.ts';

/** One input of a cross: raw strings (hashed as bytes), or raw integers / categorical ids (hashed as int64). */
export type CrossLeaf =
  | { kind: 'strings'; ragged: Ragged<Int32Array>; interner: BytesInterner }
  | { kind: 'ints'; ragged: Ragged<Float64Array> | Ragged<Int32Array> };

export interface CrossParams { hasher: Hasher; hashKey: bigint | null; numBuckets: number; memo: TupleMemo }

/**
 * TF's sparse_cross_hashed: per row, the Cartesian product of the leaves' values (first leaf varying
 * slowest), each combination hashed in leaf order and taken mod numBuckets. A row where any leaf is
 * empty gives no ids.
 */
export function cross(leaves: readonly CrossLeaf[], params: CrossParams, out: Ragged<Int32Array>): void {
  const n = leaves[0].ragged.numRows;
  const arity = leaves.length;
  const tuple = new Float64Array(arity);
  const index = new Int32Array(arity);
  out.reset(n, n);
  let k = 0;
  for (let r = 0; r < n; r++) {
    let count = 1;
    for (let j = 0; j < arity; j++) {
      const offsets = leaves[j].ragged.rowOffsets;
      count *= offsets[r + 1] - offsets[r];
    }
    out.reserve(k + count);
    const ids = out.values;
    for (let c = 0; c < count; c++) {
      // Decode combination c in mixed radix, the last leaf varying fastest.
      let rest = c;
      for (let j = arity - 1; j >= 0; j--) {
        const offsets = leaves[j].ragged.rowOffsets;
        const len = offsets[r + 1] - offsets[r];
        index[j] = offsets[r] + (rest % len);
        rest = (rest / len) | 0;
      }
      for (let j = 0; j < arity; j++) tuple[j] = leaves[j].ragged.values[index[j]];
      let id = params.memo.get(tuple);
      if (id < 0) {
        id = hashCombination(leaves, tuple, params);
        params.memo.set(tuple, id);
      }
      ids[k++] = id;
    }
    out.rowOffsets[r + 1] = k;
  }
  out.numValues = k;
}

function hashCombination(leaves: readonly CrossLeaf[], tuple: Float64Array, params: CrossParams): number {
  const { hasher } = params;
  let h = hasher.crossStart(params.hashKey);
  for (let j = 0; j < leaves.length; j++) {
    const leaf = leaves[j];
    h = leaf.kind === 'strings' ? hasher.crossBytes(h, leaf.interner.bytesOf(tuple[j])) : hasher.crossInt(h, tuple[j]);
  }
  return hasher.bucketOf(h, params.numBuckets);
}
