import { type Data, Type } from 'apache-arrow';
import { type NumberArray, isListType, listOffsets, nullTest, numberReader } from '../kernels/arrow-data.ts';

/** A reused float64 buffer holding one batch's non-null numbers, and how many cells were null. */
export class NumberBuffer {
  values = new Float64Array(1024);
  count = 0;
  nulls = 0;

  reserve(n: number): void {
    if (this.values.length < n) this.values = new Float64Array(Math.max(n, this.values.length * 2));
  }
}

/**
 * Every non-null number of a numeric chunk (scalar or list; Int, Float, Bool, Dictionary of numbers) into
 * `out`, in row order. Missing cells are null rows, plus null items inside the lists of non-null rows.
 */
export function gatherNumbers(data: Data, out: NumberBuffer): void {
  out.count = 0;
  out.nulls = 0;
  const n = data.length;
  if (n === 0) return; // a 0-row chunk may carry no buffers at all
  const rowNull = nullTest(data);
  if (!isListType(data.type.typeId)) {
    out.reserve(n);
    if (!rowNull && isPlainNumbers(data)) {
      out.values.set((data.values as NumberArray).subarray(0, n)); // one bulk copy, cast by the typed array
      out.count = n;
      return;
    }
    const read = numberReader(data);
    const values = out.values;
    let k = 0;
    for (let r = 0; r < n; r++) {
      if (rowNull?.(r)) out.nulls++;
      else values[k++] = read(r);
    }
    out.count = k;
    return;
  }
  const items = data.children[0];
  const start = listOffsets(data);
  out.reserve(start(n) - start(0));
  const read = numberReader(items);
  const itemNull = nullTest(items);
  const values = out.values;
  let k = 0;
  for (let r = 0; r < n; r++) {
    if (rowNull?.(r)) {
      out.nulls++;
      continue;
    }
    const end = start(r + 1);
    for (let i = start(r); i < end; i++) {
      if (itemNull?.(i)) out.nulls++;
      else values[k++] = read(i);
    }
  }
  out.count = k;
}

function isPlainNumbers(data: Data): boolean {
  const id = data.type.typeId;
  const v = data.values as unknown;
  return (id === Type.Float || id === Type.Int) && !(v instanceof BigInt64Array || v instanceof BigUint64Array || (id === Type.Float && v instanceof Uint16Array));
}
