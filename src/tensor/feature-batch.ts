import type { Combiner } from '../spec/types.ts';
import type { LayoutEntry } from '../graph/nodes.ts';

/** Ragged (CSR) ids: row r holds ids[offsets[r] .. offsets[r+1]). */
export interface RaggedTensor {
  ids: Int32Array;
  offsets: Int32Array;
  /** Per-id weights (weighted categorical columns), else absent. */
  weights?: Float32Array;
  /** Ids lie in [0, cardinality). */
  cardinality: number;
  /** How an embedding or linear layer combines a row's vectors. */
  combiner: Combiner;
  /** Embedding width for embedding columns, else null. */
  dimension: number | null;
}

export interface DenseTensor {
  /** Row-major [shape[0], shape[1]], contiguous, float32. */
  values: Float32Array;
  shape: [number, number];
  /** Column blocks in output order (sorted by name), with a label per slot. */
  layout: readonly LayoutEntry[];
}

/** What a transform gives: one dense block and ragged id tensors by column name. */
export interface FeatureBatch {
  numRows: number;
  dense: DenseTensor;
  sparse: Record<string, RaggedTensor>;
}

/** Rows of `a` then rows of `b` (same graph): what transforming the concatenated input gives. */
/** Whether `x` looks like a FeatureBatch (structurally: dense, sparse and numRows). */
export function isFeatureBatch(x: unknown): x is FeatureBatch {
  return typeof x === 'object' && x !== null && 'dense' in x && 'sparse' in x && 'numRows' in x;
}

export function concatFeatureBatches(batches: readonly FeatureBatch[]): FeatureBatch {
  if (batches.length === 0) throw new Error('concatFeatureBatches needs at least one batch');
  const first = batches[0];
  const width = first.dense.shape[1];
  const numRows = batches.reduce((n, b) => n + b.numRows, 0);
  const values = new Float32Array(numRows * width);
  let at = 0;
  for (const b of batches) {
    values.set(b.dense.values.subarray(0, b.numRows * width), at);
    at += b.numRows * width;
  }
  const sparse: Record<string, RaggedTensor> = {};
  for (const name of Object.keys(first.sparse)) sparse[name] = concatRagged(batches.map((b) => b.sparse[name]));
  return { numRows, dense: { values, shape: [numRows, width], layout: first.dense.layout }, sparse };
}

/** Rows of each part in turn. */
export function concatRagged(parts: readonly RaggedTensor[]): RaggedTensor {
  const numRows = parts.reduce((n, p) => n + p.offsets.length - 1, 0);
  const numIds = parts.reduce((n, p) => n + p.offsets[p.offsets.length - 1], 0);
  const ids = new Int32Array(numIds);
  const offsets = new Int32Array(numRows + 1);
  const weights = parts[0].weights ? new Float32Array(numIds) : undefined;
  let row = 0;
  let base = 0;
  for (const p of parts) {
    const rows = p.offsets.length - 1;
    const count = p.offsets[rows];
    ids.set(p.ids.subarray(0, count), base);
    weights?.set(p.weights!.subarray(0, count), base);
    for (let r = 1; r <= rows; r++) offsets[row + r] = base + p.offsets[r];
    row += rows;
    base += count;
  }
  const { cardinality, combiner, dimension } = parts[0];
  return weights ? { ids, offsets, weights, cardinality, combiner, dimension } : { ids, offsets, cardinality, combiner, dimension };
}
