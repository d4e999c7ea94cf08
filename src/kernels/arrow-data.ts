import { type Data, Type } from 'apache-arrow';

/**
 * Typed views over one Arrow `Data` chunk. apache-arrow slices `values` and `valueOffsets` to the chunk,
 * but bit-packed buffers (validity, Bool values) keep the parent's bits, so those need `data.offset`.
 */

export function isNull(data: Data, row: number): boolean {
  const bitmap = data.nullBitmap;
  if (data.nullCount === 0 || !bitmap || bitmap.length === 0) return false;
  const bit = data.offset + row;
  return (bitmap[bit >> 3] & (1 << (bit & 7))) === 0;
}

/** A per-row null test that costs nothing when the chunk has no nulls. */
export function nullTest(data: Data): ((row: number) => boolean) | null {
  const bitmap = data.nullBitmap;
  if (data.nullCount === 0 || !bitmap || bitmap.length === 0) return null;
  const offset = data.offset;
  return (row) => {
    const bit = offset + row;
    return (bitmap[bit >> 3] & (1 << (bit & 7))) === 0;
  };
}

export type NumberArray =
  | Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;

/** Reads element i of a primitive chunk as a JS number (Int64 through Number(), Bool as 0/1, dictionaries decoded). */
export function numberReader(data: Data): (i: number) => number {
  const values = data.values as unknown;
  switch (data.type.typeId) {
    case Type.Dictionary: {
      const keys = values as Int32Array;
      const entries = dictionaryChunks(data).map(numberReader);
      const starts = chunkStarts(dictionaryChunks(data));
      if (entries.length === 1) return (i) => entries[0](keys[i]);
      return (i) => {
        const key = keys[i];
        let c = starts.length - 1;
        while (starts[c] > key) c--;
        return entries[c](key - starts[c]);
      };
    }
    case Type.Bool: {
      const bits = values as Uint8Array;
      const offset = data.offset;
      return (i) => (bits[(offset + i) >> 3] >> ((offset + i) & 7)) & 1;
    }
    case Type.Int:
      if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
        const big = values;
        return (i) => Number(big[i]);
      }
      break;
    case Type.Float:
      if (values instanceof Uint16Array) return (i) => halfToFloat(values[i]);
      break;
  }
  const plain = values as NumberArray;
  return (i) => plain[i];
}

/** True for the Arrow types a numeric column reads. */
export function isNumberType(typeId: Type): boolean {
  return typeId === Type.Int || typeId === Type.Float || typeId === Type.Bool;
}

export function isStringType(typeId: Type): boolean {
  return typeId === Type.Utf8 || typeId === Type.LargeUtf8;
}

export function isListType(typeId: Type): boolean {
  return typeId === Type.List || typeId === Type.FixedSizeList || typeId === Type.LargeList;
}

/** Row r of a list chunk holds child items [start(r), start(r+1)). */
export function listOffsets(data: Data): (row: number) => number {
  if (data.type.typeId === Type.FixedSizeList) {
    // apache-arrow slices a FixedSizeList's child along with it, so rows start at 0 in the child.
    const size = (data.type as unknown as { listSize: number }).listSize;
    return (row) => row * size;
  }
  const offsets = data.valueOffsets as Int32Array | BigInt64Array;
  if (offsets instanceof BigInt64Array) return (row) => Number(offsets[row]);
  return (row) => offsets[row];
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** The chunks of a dictionary-encoded column's dictionary (several after IPC delta batches); keys index them end to end. */
export function dictionaryChunks(data: Data): readonly Data[] {
  return data.dictionary?.data ?? [];
}

export function chunkStarts(chunks: readonly Data[]): number[] {
  const starts: number[] = [];
  let at = 0;
  for (const chunk of chunks) {
    starts.push(at);
    at += chunk.length;
  }
  return starts;
}
