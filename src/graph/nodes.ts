import type { Combiner } from '../spec/types.ts';

/**
 * The nodes of a compiled graph: plain data, one op each. `inputs` are ids of earlier nodes, so the
 * node list is already in an order that runs. Each node's `column` is the spec name that errors cite.
 */

export type Scale = { kind: 'none' } | { kind: 'affine'; shift: number; scale: number } | { kind: 'log1p' };

export type Node =
  /** Float32 [rows × width]: cast (and rescale) a numeric feature; nulls take the default. */
  | { op: 'numeric'; key: string; width: number; defaults: readonly number[] | null; scale: Scale }
  /** Int32 [rows × width]: bucket index per element. */
  | { op: 'bucketize'; boundaries: readonly number[] }
  /** Ragged ids: bucket + depth·element, as a bucketized column used as categorical. */
  | { op: 'bucket_ids'; depth: number; width: number }
  /** Raw categorical input: interned string codes, or integers. */
  | { op: 'read_strings'; key: string }
  | { op: 'read_ints'; key: string }
  /** Ragged ids from a vocabulary, identity or hash; dense inputs drop '' and -1 first (TF's rule). */
  | { op: 'vocabulary'; vocabulary: readonly (string | number)[]; defaultValue: number; numOovBuckets: number }
  | { op: 'identity'; numBuckets: number; defaultValue: number | null }
  | { op: 'hash_bucket'; numBuckets: number }
  | { op: 'cross'; numBuckets: number; hashKey: number | null }
  /** Ragged ids with weights taken from a second feature, position by position. */
  | { op: 'weights'; weightKey: string };

export type GraphNode = Node & {
  readonly id: number;
  /** Unique, readable name: what `run(batch, fetches)` asks for. */
  readonly name: string;
  readonly column: string;
  readonly inputs: readonly number[];
};

/** Where a dense column's block sits in a row of the dense output. */
/** The raw feature a node reads, if any. */
export function featureKeyOf(node: Node): string | null {
  switch (node.op) {
    case 'numeric': case 'read_strings': case 'read_ints': return node.key;
    case 'weights': return node.weightKey;
    default: return null;
  }
}

export interface LayoutEntry {
  readonly name: string;
  readonly kind: 'numeric' | 'bucketized' | 'indicator';
  readonly offset: number;
  readonly width: number;
  /** One readable label per slot, e.g. "workclass_indicator[Private]". */
  readonly slots: readonly string[];
}

/** How a dense block is written from its source node. */
export type DenseWriter =
  | { kind: 'floats'; node: number }
  | { kind: 'one_hot'; node: number; depth: number; perRow: number }
  | { kind: 'counts'; node: number; depth: number };

export interface DenseOutput { readonly entry: LayoutEntry; readonly writer: DenseWriter }

/** A ragged id output (embedding columns, and every categorical column for linear models). */
export interface SparseOutput {
  readonly name: string;
  readonly node: number;
  readonly cardinality: number;
  readonly combiner: Combiner;
  /** Embedding width, for embedding columns. */
  readonly dimension: number | null;
  /** Whether it is emitted only under `{sparse: 'all'}`. */
  readonly onlyForAll: boolean;
  /** Whether its node can yield negative ids ("no id"), which outputs drop. */
  readonly mayHaveNegativeIds: boolean;
}

/** Hashing chosen at compile time and recorded with the graph (DESIGN §5). */
export type HashMode = 'xxh64' | 'tf';
