import { grow } from './grow.ts';
import type { BytesInterner } from './interner.ts';

/**
 * Per-row lists in CSR form: row r holds values[rowOffsets[r] .. rowOffsets[r+1]).
 * Buffers are grow-only and reused batch after batch; `numRows`/`numValues` say how much is live.
 */
export class Ragged<T extends Int32Array | Float64Array = Int32Array> {
  numRows = 0;
  numValues = 0;
  /** Set by producers that know row r holds exactly value r, so consumers can skip the offsets. */
  onePerRow = false;
  rowOffsets = new Int32Array(1);
  /** Weights beside the values (weighted categorical columns), else null. */
  weights: Float32Array | null = null;

  constructor(public values: T) {}

  /** Starts a batch of `numRows` rows with room for at least `valuesHint` values. */
  reset(numRows: number, valuesHint: number): void {
    this.numRows = numRows;
    this.numValues = 0;
    this.onePerRow = false;
    if (this.rowOffsets.length < numRows + 1) this.rowOffsets = grow(this.rowOffsets, numRows + 1);
    this.reserve(valuesHint);
    this.rowOffsets[0] = 0;
  }

  reserve(numValues: number): void {
    if (this.values.length < numValues) this.values = grow(this.values, numValues);
  }

  reserveWeights(numValues: number): Float32Array {
    if (!this.weights || this.weights.length < numValues) this.weights = new Float32Array(Math.max(16, numValues * 2));
    return this.weights;
  }
}

/**
 * Strings as interned codes. `dense` tells whether the input was a TF dense tensor (a scalar or a
 * FixedSizeList per row), whose '' / -1 cells categorical columns drop, rather than a sparse one (a List).
 */
export interface StringValues { kind: 'strings'; ragged: Ragged<Int32Array>; dense: boolean; interner: BytesInterner }
/** Integers (exact up to 2^53), with the same `dense` flag. */
export interface IntValues { kind: 'ints'; ragged: Ragged<Float64Array>; dense: boolean }
export type CategoricalValues = StringValues | IntValues;
