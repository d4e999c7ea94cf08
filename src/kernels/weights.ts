import { type Data, Type } from 'apache-arrow';
import { isListType, listOffsets, nullTest, numberReader } from './arrow-data.ts';
import type { ReadFailure } from './read-numeric.ts';
import type { Ragged } from './ragged.ts';

/**
 * Pairs each id of a row with the weight at the same position of the weight feature. A dense weight
 * input (a scalar or a FixedSizeList per row) drops its 0.0 cells first, as TF does; a List keeps them.
 * A row with ids must then carry exactly as many weights; a row without ids ignores its weights.
 */
export function readWeights(ids: Ragged<Int32Array>, data: Data, out: Ragged<Int32Array>): ReadFailure | null {
  const n = ids.numRows;
  out.reset(n, ids.numValues);
  out.values.set(ids.values.subarray(0, ids.numValues));
  out.rowOffsets.set(ids.rowOffsets.subarray(0, n + 1));
  out.numValues = ids.numValues;
  const weights = out.reserveWeights(ids.numValues);
  if (n === 0) return null; // a 0-row chunk may carry no buffers at all
  const list = isListType(data.type.typeId);
  const dropZeros = !list || data.type.typeId === Type.FixedSizeList;
  const items = list ? data.children[0] : data;
  const start = list ? listOffsets(data) : (r: number) => r;
  const rowNull = nullTest(data);
  const itemNull = nullTest(items);
  const read = numberReader(items);
  for (let r = 0; r < n; r++) {
    const first = ids.rowOffsets[r];
    const count = ids.rowOffsets[r + 1] - first;
    if (count === 0) continue;
    let k = 0;
    if (!rowNull?.(r)) {
      for (let i = start(r), end = list ? start(r + 1) : r + 1; i < end; i++) {
        if (itemNull?.(i)) return { row: r, reason: `weight ${i - start(r)} is null` };
        const w = read(i);
        if (dropZeros && w === 0) continue;
        if (k === count) return { row: r, reason: `${count} ids but more weights; weights must line up with the ids` };
        weights[first + k++] = w;
      }
    }
    if (k !== count) return { row: r, reason: `${count} ids but ${k} weights; weights must line up with the ids` };
  }
  return null;
}
