/** The plan a Dataset holds: a chain of nodes from a source; each Dataset method adds one. Plain data, frozen. */
import type { RecordBatch } from 'apache-arrow';
import type { HashMode } from '../../graph/nodes.ts';
import type { SourceOptions } from '../../io/open-source.ts';
import type { FeatureColumn } from '../../spec/types.ts';
import type { FeatureGraph } from '../../tensor/feature-graph.ts';
import type { LabelOptions } from '../labels.ts';
import type { TransformWorkers } from '../worker-pool.ts';
import type { MemoryStore } from './cache-memory.ts';

/** Options of `map(columns | graph)`. */
export interface MapOptions {
  /** 'default' or 'all' (ragged ids of every categorical column too, for linear / wide models), as FeatureGraph.transform. */
  sparse?: 'default' | 'all';
  /** The label column; default the source's (fromFiles / fromTable `label`). null: no labels. */
  label?: LabelOptions | null;
  /** Hash of a column list (compile's `hash`); a compiled graph keeps its own. */
  hash?: HashMode;
  /**
   * Over CSV files: parse and transform on this many worker threads (N ≥ 2), or on a running
   * {@link TransformWorkers} pool (kept running). Otherwise, and for other formats, this thread transforms.
   */
  workers?: number | TransformWorkers;
}

export type MapFunction = (element: unknown) => unknown;

export type Node =
  | { op: 'files'; paths: readonly string[]; csv: SourceOptions; label: LabelOptions | null }
  | { op: 'table'; batches: readonly RecordBatch[]; label: LabelOptions | null }
  | { op: 'batches'; make: () => Iterable<unknown> | AsyncIterable<unknown>; used: { once: boolean } | null }
  | { op: 'map'; input: Node; spec: FeatureGraph | readonly FeatureColumn[]; options: MapOptions; label: LabelOptions | null }
  | { op: 'mapFn'; input: Node; fn: MapFunction }
  | { op: 'shuffle'; input: Node; bufferRows: number; seed: number; reshuffle: boolean; state: { iterations: number } }
  | { op: 'batch'; input: Node; size: number; dropRemainder: boolean }
  | { op: 'prefetch'; input: Node; k: number; workers: number | TransformWorkers | undefined }
  | { op: 'cache'; input: Node; dir: string | null; key: string | null; store: MemoryStore<unknown> }
  | { op: 'repeat'; input: Node; count: number }
  | { op: 'take'; input: Node; count: number };
