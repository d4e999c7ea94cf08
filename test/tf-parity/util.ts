/**
 * Helpers for the TF-parity tests: Arrow inputs shaped like TensorFlow's test inputs, and plain-array views of outputs.
 *
 * Mapping (SEMANTICS.md §1, DESIGN.md §5):
 * - a TF dense rank-1 tensor = a scalar Arrow column (one value per row); `''` / `-1` are dropped for categorical columns;
 * - a TF dense rank-2 tensor [batch, k] = a FixedSizeList<k> column;
 * - a TF SparseTensor = a List column (row r holds the values whose index starts with r; nothing is dropped);
 * - an Arrow null = no value.
 */
import {
  type DataType, Field, FixedSizeList, Float32, Float64, Int32, Int64, List, RecordBatch, Table, Utf8, type Vector, vectorFromArray,
} from 'apache-arrow';
import { compile, type FeatureColumn, type FeatureBatch } from '../../src/index.ts';

const item = <T extends DataType>(type: T) => new Field('item', type, true);

/** Scalar Utf8 column: TF dense rank-1 string tensor. */
export const strings = (values: (string | null)[]): Vector => vectorFromArray(values, new Utf8());
/** List<Utf8>: TF SparseTensor of strings, one list per row. */
export const stringLists = (rows: (string[] | null)[]): Vector => vectorFromArray(rows, new List(item(new Utf8())));
/** FixedSizeList<Utf8>[k]: TF dense rank-2 string tensor. */
export const stringMatrix = (rows: string[][]): Vector => vectorFromArray(rows, new FixedSizeList(rows[0].length, item(new Utf8())));

const big = (v: number | null) => (v === null ? null : BigInt(v));
/** Scalar Int64 column: TF dense rank-1 integer tensor. */
export const int64s = (values: (number | null)[]): Vector => vectorFromArray(values.map(big), new Int64());
/** List<Int64>: TF SparseTensor of int64. */
export const int64Lists = (rows: (number[] | null)[]): Vector =>
  vectorFromArray(rows.map((r) => (r === null ? null : r.map((v) => BigInt(v)))), new List(item(new Int64())));
/** List<Int32>: TF SparseTensor of int32. */
export const int32Lists = (rows: (number[] | null)[]): Vector => vectorFromArray(rows, new List(item(new Int32())));
/** FixedSizeList<Int64>[k]: TF dense rank-2 int64 tensor. */
export const int64Matrix = (rows: number[][]): Vector =>
  vectorFromArray(rows.map((r) => r.map((v) => BigInt(v))), new FixedSizeList(rows[0].length, item(new Int64())));

/** Scalar Float32 column: TF dense rank-1 float tensor (or [batch, 1]). */
export const float32s = (values: (number | null)[]): Vector => vectorFromArray(values, new Float32());
export const float64s = (values: (number | null)[]): Vector => vectorFromArray(values, new Float64());
/** FixedSizeList<Float32>[k]: TF dense [batch, k] float tensor; a null row is a missing example. */
export const float32Matrix = (rows: (number[] | null)[], width: number): Vector =>
  vectorFromArray(rows, new FixedSizeList(width, item(new Float32())));
/** List<Float32>: TF SparseTensor of floats (weights). */
export const float32Lists = (rows: (number[] | null)[]): Vector => vectorFromArray(rows, new List(item(new Float32())));

/** One record batch from named columns of equal length. */
export function batch(columns: Record<string, Vector>): RecordBatch {
  const table = new Table(columns);
  if (table.batches.length !== 1) throw new Error(`expected one record batch, got ${table.batches.length}`);
  return table.batches[0];
}

/** Compiles `columns` against the batch's schema with TF's exact hashing and transforms the batch. */
export function transform(columns: FeatureColumn[], input: RecordBatch, sparse: 'default' | 'all' = 'default'): FeatureBatch {
  return compile(columns, input.schema, { hash: 'tf' }).transform(input, { sparse });
}

/** Fetches one node by name through a session (intermediate ids keep TF's -1). */
export function fetch(columns: FeatureColumn[], input: RecordBatch, name: string): unknown {
  return compile(columns, input.schema, { hash: 'tf' }).session().run(input, [name])[name];
}

/** Ragged {ids, offsets} as one array of ids per row. */
export function rows(ragged: { ids: ArrayLike<number>; offsets: ArrayLike<number> }): number[][] {
  const out: number[][] = [];
  for (let r = 0; r + 1 < ragged.offsets.length; r++) {
    out.push(Array.from({ length: ragged.offsets[r + 1] - ragged.offsets[r] }, (_, i) => ragged.ids[ragged.offsets[r] + i]));
  }
  return out;
}

/** Ragged weights as one array per row. */
export function weightRows(ragged: { weights?: ArrayLike<number>; offsets: ArrayLike<number> }): number[][] {
  if (!ragged.weights) throw new Error('no weights');
  const w = ragged.weights;
  return rows({ ids: w, offsets: ragged.offsets });
}

/** Row-major [rows × width] values as nested arrays. */
export function matrix(values: ArrayLike<number>, width: number): number[][] {
  const out: number[][] = [];
  for (let r = 0; r * width < values.length; r++) out.push(Array.from({ length: width }, (_, j) => values[r * width + j]));
  return out;
}

/** The dense output of a feature batch as nested arrays. */
export function denseRows(fb: FeatureBatch): number[][] {
  return matrix(fb.dense.values, fb.dense.shape[1]);
}

/** A table from TF's nested embedding values. */
export const table = (values: number[][]): Float32Array => Float32Array.from(values.flat());

/** Runs `fn` and returns what it threw (fails the test if it did not throw). */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error, none was thrown');
}
