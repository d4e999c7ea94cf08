import type { LayoutEntry } from '../../graph/nodes.ts';
import type { FeatureBatch } from '../../tensor/feature-batch.ts';

/** A ragged output as the file lists it, in file order. */
export interface SparseMeta {
  name: string;
  cardinality: number;
  combiner: string;
  dimension: number | null;
  /**
   * Whether the output carries per-id weights (weighted categorical columns). Optional: when absent it is
   * taken from the first batch written (a 0-row file then has no weights column/tensor for it).
   */
  weighted?: boolean;
}

export interface LabelMeta {
  key: string;
  kind: 'binary' | 'classes' | 'regression';
  vocabulary?: string[];
}

/** What the file records about its tensors, so it explains itself. */
export interface FeatureWriterMeta {
  layout: readonly LayoutEntry[];
  denseWidth: number;
  /** The ragged outputs, in this order (every batch must carry exactly these). */
  sparse: readonly SparseMeta[];
  /** The fitted spec as TF JSON (`toConfig` output). */
  spec: unknown;
  /** The label column; null or absent when rows carry no label. */
  label?: LabelMeta | null;
  /** Free-form string metadata, e.g. source files and tool version. Keys must not start with `feature_columns.`. */
  extra?: Record<string, string>;
}

export interface FeatureWriteResult {
  rows: number;
  /** Size of the final file. */
  bytes: number;
  path: string;
}

export interface FeatureWriter {
  /**
   * Appends a batch's rows. `labels`: one per row (Float32Array for binary/regression, Int32Array for class ids),
   * omitted when `meta.label` is null. Writes are serialized; the batch's arrays may be read until the
   * returned promise settles (Arrow writes them zero-copy), so do not reuse them before that.
   */
  write(batch: FeatureBatch, labels?: Float32Array | Int32Array): Promise<void>;
  /** Finishes the file and moves it under its final name (nothing appears there before). */
  close(): Promise<FeatureWriteResult>;
  /** Removes all partial output (temporary files); the final path is never touched. */
  abort(): Promise<void>;
}
