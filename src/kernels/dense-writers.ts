import type { Ragged } from './ragged.ts';

/**
 * Writers into the dense output [rows, stride]; each column owns [offset, offset + width) of a row.
 * Each writes rows [from, to) only, so the caller can fill the output tile by tile while it sits in
 * cache. The tile is zeroed first, so writers set only what is non-zero.
 */

export function writeFloats(values: Float32Array, from: number, to: number, width: number, dense: Float32Array, stride: number, offset: number): void {
  if (width === 1) {
    for (let r = from, at = from * stride + offset; r < to; r++, at += stride) dense[at] = values[r];
    return;
  }
  for (let r = from; r < to; r++) dense.set(values.subarray(r * width, (r + 1) * width), r * stride + offset);
}

/** One one-hot block of `depth` per element (a bucketized column of shape [k] writes k blocks). */
export function writeOneHot(buckets: Int32Array, from: number, to: number, perRow: number, depth: number, dense: Float32Array, stride: number, offset: number): void {
  for (let r = from, i = from * perRow; r < to; r++) {
    const rowStart = r * stride + offset;
    for (let j = 0; j < perRow; j++, i++) dense[rowStart + j * depth + buckets[i]] = 1;
  }
}

/** TF's indicator column: a count vector (repeats add up; weights are summed); ids outside [0, depth) add nothing. */
export function writeCounts(ids: Ragged<Int32Array>, from: number, to: number, depth: number, dense: Float32Array, stride: number, offset: number): void {
  const offsets = ids.rowOffsets;
  const values = ids.values;
  const weights = ids.weights;
  for (let r = from; r < to; r++) {
    const rowStart = r * stride + offset;
    for (let i = offsets[r], end = offsets[r + 1]; i < end; i++) {
      const id = values[i];
      if (id >= 0 && id < depth) dense[rowStart + id] += weights ? weights[i] : 1;
    }
  }
}
