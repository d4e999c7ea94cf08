import type { Hasher } from './hash/hasher.ts';
import type { BytesInterner } from './interner.ts';
import type { Ragged } from './ragged.ts';
import type { TupleMemo } from './tuple-memo.ts';

/** One input of a cross: raw strings (hashed as bytes), or raw integers / categorical ids (hashed as int64). */
export type CrossLeaf =
  | { kind: 'strings'; ragged: Ragged<Int32Array>; interner: BytesInterner }
  | { kind: 'ints'; ragged: Ragged<Float64Array> | Ragged<Int32Array> };

/**
 * Bucket per combination already hashed. When every leaf's values are small non-negative codes (or ids
 * from -1 up), a flat table indexed by the mixed-radix key replaces the tuple hash map.
 */
export class CrossMemo {
  flat = new Int32Array(0);
  domains: number[] = [];
  constructor(readonly tuples: TupleMemo) {}

  clear(): void {
    this.flat.fill(-1);
    this.tuples.clear();
  }
}

export interface CrossParams { hasher: Hasher; hashKey: bigint | null; numBuckets: number; memo: CrossMemo }

const MAX_FLAT = 1 << 22;
const MAX_INT_DOMAIN = 1 << 20;

/**
 * TF's sparse_cross_hashed: per row, the Cartesian product of the leaves' values (first leaf varying
 * slowest), each combination hashed in leaf order and taken mod numBuckets. A row where any leaf is
 * empty gives no ids.
 */
export function cross(leaves: readonly CrossLeaf[], params: CrossParams, out: Ragged<Int32Array>): void {
  const n = leaves[0].ragged.numRows;
  const arity = leaves.length;
  const tuple = new Float64Array(arity);
  const strides = flatStrides(leaves, params.memo);
  const flat = params.memo.flat;
  const tuples = params.memo.tuples;
  out.reset(n, n);
  if (strides && leaves.every((l) => l.ragged.onePerRow)) {
    crossOnePerRow(leaves, strides, params, out);
    return;
  }
  const offsetsOf = leaves.map((l) => l.ragged.rowOffsets);
  const valuesOf = leaves.map((l) => l.ragged.values);
  let k = 0;
  for (let r = 0; r < n; r++) {
    let count = 1;
    for (let j = 0; j < arity; j++) count *= offsetsOf[j][r + 1] - offsetsOf[j][r];
    out.reserve(k + count);
    const ids = out.values;
    for (let c = 0; c < count; c++) {
      // Combination c in mixed radix, the last leaf varying fastest.
      let rest = c;
      let key = 0;
      for (let j = arity - 1; j >= 0; j--) {
        const start = offsetsOf[j][r];
        const len = offsetsOf[j][r + 1] - start;
        const i = len === 1 ? start : start + (rest % len);
        if (len > 1) rest = (rest / len) | 0;
        const v = valuesOf[j][i];
        tuple[j] = v;
        if (strides) key += (v + 1) * strides[j];
      }
      let id = strides ? flat[key] : tuples.get(tuple);
      if (id < 0) {
        id = hashCombination(leaves, tuple, params);
        if (strides) flat[key] = id;
        else tuples.set(tuple, id);
      }
      ids[k++] = id;
    }
    out.rowOffsets[r + 1] = k;
  }
  out.numValues = k;
}

/** The usual case, one value per row in every leaf: a flat key per row, summed leaf by leaf. */
function crossOnePerRow(leaves: readonly CrossLeaf[], strides: number[], params: CrossParams, out: Ragged<Int32Array>): void {
  const n = out.numRows;
  const keys = scratchKeys(n);
  keys.fill(0, 0, n);
  leaves.forEach((leaf, j) => {
    if (leaf.ragged.values instanceof Int32Array) addKeys(leaf.ragged.values, strides[j], keys, n);
    else addKeysFloat(leaf.ragged.values, strides[j], keys, n);
  });
  const flat = params.memo.flat;
  const ids = out.values;
  const offsets = out.rowOffsets;
  const tuple = new Float64Array(leaves.length);
  for (let r = 0; r < n; r++) {
    let id = flat[keys[r]];
    if (id < 0) {
      for (let j = 0; j < leaves.length; j++) tuple[j] = leaves[j].ragged.values[r];
      id = flat[keys[r]] = hashCombination(leaves, tuple, params);
    }
    ids[r] = id;
    offsets[r + 1] = r + 1;
  }
  out.numValues = n;
  out.onePerRow = true;
}

function addKeys(values: Int32Array, stride: number, keys: Int32Array, n: number): void {
  for (let r = 0; r < n; r++) keys[r] += (values[r] + 1) * stride;
}

function addKeysFloat(values: Float64Array, stride: number, keys: Int32Array, n: number): void {
  for (let r = 0; r < n; r++) keys[r] += (values[r] + 1) * stride;
}

let keyScratch = new Int32Array(0);
function scratchKeys(n: number): Int32Array {
  if (keyScratch.length < n) keyScratch = new Int32Array(n);
  return keyScratch;
}

/** Strides of the flat memo for this batch (growing and clearing it if a leaf's domain grew), or null. */
function flatStrides(leaves: readonly CrossLeaf[], memo: CrossMemo): number[] | null {
  const domains: number[] = [];
  for (const leaf of leaves) {
    if (leaf.kind === 'strings') {
      domains.push(leaf.interner.size + 1);
      continue;
    }
    const { values, numValues } = leaf.ragged;
    let min = 0;
    let max = -1;
    for (let i = 0; i < numValues; i++) {
      const v = values[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (min < -1 || max >= MAX_INT_DOMAIN || !Number.isInteger(max)) return null;
    domains.push(max + 2);
  }
  const fits = memo.domains.length === domains.length && domains.every((d, j) => d <= memo.domains[j]);
  if (!fits) {
    // Leave room to grow, so a stream of new strings does not clear the memo every batch.
    const grown = domains.map((d, j) => Math.max(d * 2, memo.domains[j] ?? 0));
    if (grown.reduce((a, b) => a * b, 1) > MAX_FLAT) return null;
    memo.domains = grown;
    memo.flat = new Int32Array(grown.reduce((a, b) => a * b, 1)).fill(-1);
  }
  const strides = new Array<number>(leaves.length);
  let stride = 1;
  for (let j = leaves.length - 1; j >= 0; j--) {
    strides[j] = stride;
    stride *= memo.domains[j];
  }
  return strides;
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
