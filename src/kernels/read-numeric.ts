import { type Data, Type } from 'apache-arrow';
import type { Scale } from '../graph/nodes.ts';
import { type NumberArray, isListType, listOffsets, nullTest, numberReader } from './arrow-data.ts';

/** `bad.row` is the first row that could not be read (-1 = none); `reason` says why. */
export interface ReadFailure { row: number; reason: string }

/**
 * Reads `width` numbers per row into out[row*width + j], as float32. A null row takes `defaults`
 * (one value per element); without defaults it is a failure. Lists must hold exactly `width` items.
 */
export function readNumeric(
  data: Data, width: number, defaults: Float64Array | null, scale: Scale, out: Float32Array,
): ReadFailure | null {
  const n = data.length;
  if (n === 0) return null; // a 0-row chunk may carry no buffers at all
  const isNullRow = nullTest(data);
  if (isListType(data.type.typeId)) {
    const child = data.children[0];
    const start = listOffsets(data);
    const read = float32Reader(child);
    const childNull = nullTest(child);
    for (let r = 0; r < n; r++) {
      if (isNullRow?.(r)) {
        if (!writeDefaults(defaults, out, r * width, width)) return { row: r, reason: 'missing value (null) and the column has no defaultValue' };
        continue;
      }
      const s = start(r);
      if (start(r + 1) - s !== width) return { row: r, reason: `expected ${width} values, got ${start(r + 1) - s}` };
      for (let j = 0; j < width; j++) {
        if (childNull?.(s + j)) {
          if (!defaults) return { row: r, reason: `missing value (null) at element ${j} and the column has no defaultValue` };
          out[r * width + j] = defaults[j];
        } else {
          out[r * width + j] = rescale(read(s + j), scale);
        }
      }
    }
    return null;
  }
  if (width !== 1) return { row: 0, reason: `expected a list of ${width} values per row, got a scalar ${data.type}` };
  if (!isNullRow && scale.kind === 'none' && isPlainNumbers(data)) {
    out.set((data.values as NumberArray).subarray(0, n), 0); // the common case: one bulk copy, cast by the typed array
    return null;
  }
  const read = float32Reader(data);
  for (let r = 0; r < n; r++) {
    if (isNullRow?.(r)) {
      if (!defaults) return { row: r, reason: 'missing value (null) and the column has no defaultValue' };
      out[r] = defaults[0];
    } else {
      out[r] = rescale(read(r), scale);
    }
  }
  return null;
}

/** Int64 to float32 with one rounding (through float64 it would round twice and can land one step off). */
export function int64ToFloat32(value: bigint): number {
  const negative = value < 0n;
  let magnitude = negative ? -value : value;
  const bits = magnitude.toString(2).length;
  if (bits > 24) {
    const shift = BigInt(bits - 24);
    const rest = magnitude & ((1n << shift) - 1n);
    const half = 1n << (shift - 1n);
    magnitude >>= shift;
    if (rest > half || (rest === half && (magnitude & 1n) === 1n)) magnitude += 1n; // round half to even
    magnitude <<= shift;
  }
  return Math.fround(negative ? -Number(magnitude) : Number(magnitude));
}

function float32Reader(data: Data): (i: number) => number {
  const values = data.values as unknown;
  if (data.type.typeId === Type.Int && (values instanceof BigInt64Array || values instanceof BigUint64Array)) {
    const big = values;
    // Below 2^24 every integer is exact in float32; only larger ones need the careful path.
    return (i) => (big[i] < 16777216n && big[i] > -16777216n ? Number(big[i]) : int64ToFloat32(big[i]));
  }
  return numberReader(data);
}

function isPlainNumbers(data: Data): boolean {
  const id = data.type.typeId;
  const v = data.values as unknown;
  return (id === Type.Float || id === Type.Int) && !(v instanceof BigInt64Array || v instanceof BigUint64Array || (id === Type.Float && v instanceof Uint16Array));
}

function writeDefaults(defaults: Float64Array | null, out: Float32Array, at: number, width: number): boolean {
  if (!defaults) return false;
  for (let j = 0; j < width; j++) out[at + j] = defaults[j];
  return true;
}

function rescale(x: number, scale: Scale): number {
  switch (scale.kind) {
    case 'none': return x;
    case 'affine': return (x - scale.shift) * scale.scale;
    case 'log1p': return Math.log1p(x);
  }
}
