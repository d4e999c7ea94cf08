import type { RecordBatch } from 'apache-arrow';
import { type TransformedRange, transformAroundBadRows } from '../data/transform-around-bad-rows.ts';
import { concatFeatureBatches, type FeatureBatch, type FeatureGraph } from '../index.ts';
import type { BatchLabels } from './label.ts';

/** A row of a batch that the transform or its label refused. `row` counts from 0 within the batch. */
export interface RowRejection {
  row: number;
  column: string;
  reason: string;
}

export interface SafeResult {
  /** The kept rows' features, in order; null when no row was kept. */
  features: FeatureBatch | null;
  labels: Float32Array | Int32Array | null;
  rejected: RowRejection[];
}

/**
 * Transforms a batch, dropping the rows it cannot take (see transformAroundBadRows) or whose label is bad.
 * With `fail`, the first bad row (by row order among label errors and the transform's own) is thrown as its
 * DataError-shaped rejection instead.
 */
export function safeTransform(graph: FeatureGraph, batch: RecordBatch, labels: BatchLabels | null, fail: boolean): SafeResult {
  const pieces: TransformedRange<FeatureBatch>[] = [];
  const rejected: RowRejection[] = [];
  const reject = (rejection: RowRejection): void => {
    if (fail) throw new RejectedRow(rejection);
    rejected.push(rejection);
  };
  const transform = (start: number, end: number): FeatureBatch =>
    graph.transform(start === 0 && end === batch.numRows ? batch : batch.slice(start, end), { sparse: 'all' });
  const run = (start: number, end: number): void => {
    const done = transformAroundBadRows(start, end, transform,
      (row, err) => reject({ row, column: err.column, reason: err.reason }));
    for (const range of done) pieces.push(range);
  };

  const badLabels = labels?.bad ?? [];
  let from = 0;
  for (const bad of badLabels) {
    run(from, bad.row); // under fail, an earlier transform error is thrown here first
    reject({ row: bad.row, column: labels!.key, reason: bad.reason });
    from = bad.row + 1;
  }
  run(from, batch.numRows);
  rejected.sort((a, b) => a.row - b.row);
  return { features: assemble(pieces), labels: labels ? keptLabels(labels.values, pieces) : null, rejected };
}

/** Thrown under `fail`: the first bad row of the batch. */
export class RejectedRow extends Error {
  constructor(readonly rejection: RowRejection) {
    super(`row ${rejection.row}: column '${rejection.column}': ${rejection.reason}`);
  }
}

function assemble(pieces: TransformedRange<FeatureBatch>[]): FeatureBatch | null {
  if (pieces.length === 0) return null;
  return pieces.length === 1 ? pieces[0].result : concatFeatureBatches(pieces.map((p) => p.result));
}

function keptLabels(values: Float32Array | Int32Array, pieces: { start: number; end: number }[]): Float32Array | Int32Array {
  if (pieces.length === 1 && pieces[0].start === 0 && pieces[0].end === values.length) return values;
  const kept = pieces.reduce((n, p) => n + p.end - p.start, 0);
  const out = values instanceof Int32Array ? new Int32Array(kept) : new Float32Array(kept);
  let at = 0;
  for (const { start, end } of pieces) {
    out.set(values.subarray(start, end), at);
    at += end - start;
  }
  return out;
}
