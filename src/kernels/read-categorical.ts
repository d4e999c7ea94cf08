import { type Data, Type } from 'apache-arrow';
import { dictionaryChunks, isListType, isStringType, listOffsets, nullTest, numberReader } from './arrow-data.ts';
import type { BytesInterner } from './interner.ts';
import type { Ragged } from './ragged.ts';

/**
 * Reads a categorical input (scalar or list; Utf8, LargeUtf8, Dictionary, Int) into a Ragged of per-row values.
 * A null row (or a null list item) gives no value, as a missing entry of a TF SparseTensor does.
 */

/** Dictionary → interned codes, computed once per Arrow dictionary (they are shared across IPC batches). */
export class DictionaryCodes {
  private cache = new WeakMap<object, { generation: number; size: number; codes: Int32Array }>();

  /** Codes of every dictionary entry of a dictionary-encoded chunk, in key order. */
  codesFor(data: Data, interner: BytesInterner): Int32Array {
    const chunks = dictionaryChunks(data);
    const size = chunks.reduce((n, c) => n + c.length, 0);
    const owner = data.dictionary!;
    const hit = this.cache.get(owner);
    if (hit && hit.generation === interner.generation && hit.size === size) return hit.codes;
    const codes = new Int32Array(size);
    let k = 0;
    for (const chunk of chunks) {
      const offsets = chunk.valueOffsets as Int32Array | BigInt64Array;
      const bytes = chunk.values as Uint8Array;
      for (let i = 0; i < chunk.length; i++) codes[k++] = interner.intern(bytes, Number(offsets[i]), Number(offsets[i + 1]));
    }
    this.cache.set(owner, { generation: interner.generation, size, codes });
    return codes;
  }
}

export function readStrings(data: Data, interner: BytesInterner, dictionaries: DictionaryCodes, out: Ragged<Int32Array>): void {
  const n = data.length;
  if (n === 0) return out.reset(0, 0); // a 0-row chunk may carry no buffers at all
  const list = isListType(data.type.typeId);
  const items = list ? data.children[0] : data;
  const rowNull = nullTest(data);
  out.reset(n, list ? Math.max(n, items.length) : n);
  if (!list && !rowNull && items.type.typeId === Type.Dictionary) {
    readDictionaryScalars(items, dictionaries.codesFor(items, interner), out);
    return;
  }
  if (!list && !rowNull && items.valueOffsets instanceof Int32Array) {
    readUtf8Scalars(items, interner, out);
    return;
  }
  gatherItems(data, out, stringItemReader(items, interner, dictionaries));
}

/** The common case (one dictionary-encoded value per row, no nulls) as one tight loop. */
function readDictionaryScalars(data: Data, codes: Int32Array, out: Ragged<Int32Array>): void {
  const keys = data.values as Int32Array;
  const values = out.values;
  const offsets = out.rowOffsets;
  for (let r = 0; r < data.length; r++) {
    values[r] = codes[keys[r]];
    offsets[r + 1] = r + 1;
  }
  out.numValues = data.length;
  out.onePerRow = true;
}

/** One plain Utf8 value per row, no nulls: intern straight from the Arrow buffers. */
function readUtf8Scalars(data: Data, interner: BytesInterner, out: Ragged<Int32Array>): void {
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  const values = out.values;
  const rowOffsets = out.rowOffsets;
  for (let r = 0; r < data.length; r++) {
    values[r] = interner.intern(bytes, offsets[r], offsets[r + 1]);
    rowOffsets[r + 1] = r + 1;
  }
  out.numValues = data.length;
  out.onePerRow = true;
}

function stringItemReader(items: Data, interner: BytesInterner, dictionaries: DictionaryCodes): (i: number) => number {
  if (items.type.typeId === Type.Dictionary) {
    const codes = dictionaries.codesFor(items, interner);
    const keys = items.values as Int32Array;
    return (i) => codes[keys[i]];
  }
  const offsets = items.valueOffsets as Int32Array | BigInt64Array;
  const bytes = items.values as Uint8Array;
  if (offsets instanceof BigInt64Array) return (i) => interner.intern(bytes, Number(offsets[i]), Number(offsets[i + 1]));
  return (i) => interner.intern(bytes, offsets[i], offsets[i + 1]);
}

/**
 * Reads integer values (exact as JS numbers up to 2^53). Returns the first row holding an integer beyond
 * that (which would hash or cross as another number), or -1.
 */
export function readInts(data: Data, out: Ragged<Float64Array>): number {
  if (data.length === 0) {
    out.reset(0, 0); // a 0-row chunk may carry no buffers at all
    return -1;
  }
  const list = isListType(data.type.typeId);
  out.reset(data.length, list ? Math.max(data.length, data.children[0].length) : data.length);
  return gatherItems(data, out, numberReader(list ? data.children[0] : data), Number.isSafeInteger);
}

/**
 * out = read(i) for every non-null item of every non-null row (a scalar column has one item per row).
 * Returns the first row holding a value that `accept` refuses, or -1.
 */
function gatherItems<T extends Int32Array | Float64Array>(
  data: Data, out: Ragged<T>, read: (i: number) => number, accept?: (value: number) => boolean,
): number {
  const n = data.length;
  const list = isListType(data.type.typeId);
  const start = list ? listOffsets(data) : null;
  const rowNull = nullTest(data);
  const itemNull = list ? nullTest(data.children[0]) : null;
  const offsets = out.rowOffsets;
  let k = 0;
  for (let r = 0; r < n; r++) {
    if (!rowNull?.(r)) {
      const first = start ? start(r) : r;
      const end = start ? start(r + 1) : r + 1;
      out.reserve(k + end - first);
      for (let i = first; i < end; i++) {
        if (itemNull?.(i)) continue;
        const v = (out.values[k++] = read(i));
        if (accept && !accept(v)) return r;
      }
    }
    offsets[r + 1] = k;
  }
  out.numValues = k;
  return -1;
}

/** The Arrow types each reader accepts, for compile-time schema checks. */
export function stringInputType(typeId: Type, valueTypeId: Type | null): boolean {
  return isStringType(typeId) || (typeId === Type.Dictionary && valueTypeId !== null && isStringType(valueTypeId));
}
