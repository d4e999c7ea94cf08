import type { Data } from 'apache-arrow';
import { isListType, listOffsets, nullTest, numberReader } from './arrow-data.ts';
import type { ReadFailure } from './read-numeric.ts';
import type { Ragged } from './ragged.ts';

/**
 * Pairs each id of a row with the weight at the same position of the weight feature (scalar or list).
 * A row with ids must carry exactly as many non-null weights; a row without ids ignores its weights.
 */
export function readWeights(ids: Ragged<Int32Array>, data: Data, out: Ragged<Int32Array>): ReadFailure | null {
  const n = ids.numRows;
  out.reset(n, ids.numValues);
  out.values.set(ids.values.subarray(0, ids.numValues));
  out.rowOffsets.set(ids.rowOffsets.subarray(0, n + 1));
  out.numValues = ids.numValues;
  const weights = out.reserveWeights(ids.numValues);
  const list = isListType(data.type.typeId);
  const items = list ? data.children[0] : data;
  const start = list ? listOffsets(data) : (r: number) => r;
  const rowNull = nullTest(data);
  const itemNull = nullTest(items);
  const read = numberReader(items);
  for (let r = 0; r < n; r++) {
    const first = ids.rowOffsets[r];
    const count = ids.rowOffsets[r + 1] - first;
    if (count === 0) continue;
    const s = start(r);
    const available = rowNull?.(r) ? 0 : list ? start(r + 1) - s : 1;
    if (available !== count) return { row: r, reason: `${count} ids but ${available} weights; weights must line up with the ids` };
    for (let j = 0; j < count; j++) {
      if (itemNull?.(s + j)) return { row: r, reason: `weight ${j} is null` };
      weights[first + j] = read(s + j);
    }
  }
  return null;
}
