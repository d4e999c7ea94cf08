import { grow } from './grow.ts';
import type { Ragged } from './ragged.ts';

/** An id table entry meaning "drop this value" (TF drops '' and -1 cells of dense inputs). */
export const DROP = -2;

/**
 * ids[code] for every interned code, filled lazily as new codes appear, so the per-value work
 * (decode, vocabulary lookup, hashing) happens once per distinct value of the whole stream.
 */
export class IdTable {
  ids = new Int32Array(64);
  filled = 0;
  generation = -1;

  /** Computes ids for codes [filled, size) with `idOf`, after a reset if the interner was cleared. */
  extend(size: number, generation: number, idOf: (code: number) => number): Int32Array {
    if (generation !== this.generation) {
      this.generation = generation;
      this.filled = 0;
    }
    if (size > this.ids.length) this.ids = grow(this.ids, size);
    for (let code = this.filled; code < size; code++) this.ids[code] = idOf(code);
    this.filled = size;
    return this.ids;
  }
}

/** out = per-value table[code], skipping DROP entries (rows shrink accordingly). */
export function mapCodes(input: Ragged<Int32Array>, table: Int32Array, out: Ragged<Int32Array>): void {
  const n = input.numRows;
  out.reset(n, input.numValues);
  if (input.onePerRow && mapOnePerRow(input.values, table, out)) return;
  const inOffsets = input.rowOffsets;
  const codes = input.values;
  const outOffsets = out.rowOffsets;
  const ids = out.values;
  let k = 0;
  for (let r = 0; r < n; r++) {
    for (let i = inOffsets[r], end = inOffsets[r + 1]; i < end; i++) {
      const id = table[codes[i]];
      if (id !== DROP) ids[k++] = id;
    }
    outOffsets[r + 1] = k;
  }
  out.numValues = k;
}

/** The one-value-per-row case without offsets; false (having written nothing final) if a value drops. */
function mapOnePerRow(codes: Int32Array, table: Int32Array, out: Ragged<Int32Array>): boolean {
  const n = out.numRows;
  const ids = out.values;
  for (let r = 0; r < n; r++) {
    const id = table[codes[r]];
    if (id === DROP) return false;
    ids[r] = id;
  }
  const offsets = out.rowOffsets;
  for (let r = 0; r < n; r++) offsets[r + 1] = r + 1;
  out.numValues = n;
  out.onePerRow = true;
  return true;
}

/**
 * out = idOf(value) per integer value, skipping DROP. Returns the first row where idOf threw a range
 * failure (returned NaN), or -1.
 */
export function mapInts(input: Ragged<Float64Array>, idOf: (value: number) => number, out: Ragged<Int32Array>): number {
  const n = input.numRows;
  out.reset(n, input.numValues);
  const inOffsets = input.rowOffsets;
  const values = input.values;
  const outOffsets = out.rowOffsets;
  const ids = out.values;
  let k = 0;
  for (let r = 0; r < n; r++) {
    for (let i = inOffsets[r], end = inOffsets[r + 1]; i < end; i++) {
      const id = idOf(values[i]);
      if (id !== id) {
        out.numValues = k;
        return r;
      }
      if (id !== DROP) ids[k++] = id;
    }
    outOffsets[r + 1] = k;
  }
  out.numValues = k;
  return -1;
}
