import type { Ragged } from './ragged.ts';

/**
 * Writers into the dense output [rows, stride]; each column owns [offset, offset + width) of a row.
 * The output is zeroed once per batch, so these only write what is non-zero.
 */

export function writeFloats(values: Float32Array, numRows: number, width: number, dense: Float32Array, stride: number, offset: number): void {
  if (width === 1) {
    for (let r = 0, at = offset; r < numRows; r++, at += stride) dense[at] = values[r];
    return;
  }
  for (let r = 0; r < numRows; r++) dense.set(values.subarray(r * width, (r + 1) * width), r * stride + offset);
}

/** One one-hot block of `depth` per element (a bucketized column of shape [k] writes k blocks). */
export function writeOneHot(buckets: Int32Array, numRows: number, perRow: number, depth: number, dense: Float32Array, stride: number, offset: number): void {
  for (let r = 0, i = 0; r < numRows; r++) {
    const rowStart = r * stride + offset;
    for (let j = 0; j < perRow; j++, i++) dense[rowStart + j * depth + buckets[i]] = 1;
  }
}

/** TF's indicator column: a count vector (repeats add up; weights are summed); ids outside [0, depth) add nothing. */
export function writeCounts(ids: Ragged<Int32Array>, depth: number, dense: Float32Array, stride: number, offset: number): void {
  const offsets = ids.rowOffsets;
  const values = ids.values;
  const weights = ids.weights;
  for (let r = 0; r < ids.numRows; r++) {
    const rowStart = r * stride + offset;
    for (let i = offsets[r], end = offsets[r + 1]; i < end; i++) {
      const id = values[i];
      if (id >= 0 && id < depth) dense[rowStart + id] += weights ? weights[i] : 1;
    }
  }
}
