import type { RecordBatch } from 'apache-arrow';
import { concatFeatureBatches, DataError, type FeatureBatch, type FeatureGraph } from '../index.ts';
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

/** Below this many rows a failing range is retried at each bad row rather than halved. */
const SPLIT_ROWS = 256;

/**
 * Transforms a batch, dropping the rows it cannot take. A transform error is per batch, but it names the
 * row (and such errors are row-local: a missing value, an id out of range, ...), so the failing range is cut
 * at that row, the row rejected, and both sides retried, large sides in halves: k bad rows cost O(k log n)
 * transform calls and at most O(n log n) rows transformed. With `fail`, the first bad row (by row order among
 * label errors and the transform's own) is thrown as its DataError-shaped rejection instead.
 */
export function safeTransform(graph: FeatureGraph, batch: RecordBatch, labels: BatchLabels | null, fail: boolean): SafeResult {
  const pieces: { start: number; end: number; features: FeatureBatch }[] = [];
  const rejected: RowRejection[] = [];
  const attempt = (start: number, end: number): { features: FeatureBatch } | RowRejection => {
    try {
      const slice = start === 0 && end === batch.numRows ? batch : batch.slice(start, end);
      return { features: graph.transform(slice, { sparse: 'all' }) };
    } catch (err) {
      if (!(err instanceof DataError) || !(err.row >= 0 && err.row < end - start)) throw err;
      return { row: start + err.row, column: err.column, reason: err.reason };
    }
  };
  const run = (start: number, end: number): void => {
    if (start >= end) return;
    const result = attempt(start, end);
    if ('features' in result) {
      pieces.push({ start, end, features: result.features });
      return;
    }
    if (fail) throw new RejectedRow(result);
    split(start, result.row);
    rejected.push(result);
    split(result.row + 1, end);
  };
  const split = (start: number, end: number): void => {
    if (end - start <= SPLIT_ROWS) return run(start, end);
    const mid = start + ((end - start) >> 1);
    run(start, mid);
    run(mid, end);
  };

  const badLabels = labels?.bad ?? [];
  let from = 0;
  for (const bad of badLabels) {
    run(from, bad.row); // under fail, an earlier transform error is thrown here first
    const rejection = { row: bad.row, column: labels!.key, reason: bad.reason };
    if (fail) throw new RejectedRow(rejection);
    rejected.push(rejection);
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

function assemble(pieces: { features: FeatureBatch }[]): FeatureBatch | null {
  if (pieces.length === 0) return null;
  return pieces.length === 1 ? pieces[0].features : concatFeatureBatches(pieces.map((p) => p.features));
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
