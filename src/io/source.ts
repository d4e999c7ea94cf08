import type { RecordBatch, Schema } from 'apache-arrow';

/** Row accounting every reader keeps: always `rowsIn === rowsOut + rowsRejected`. */
export interface ReadStats {
  rowsIn: number;
  rowsOut: number;
  rowsRejected: number;
}

/**
 * A stream of Arrow record batches of at most `batchSize` rows, read once.
 * `schema()` is known before the first batch (it may read the file's head to infer it).
 */
export interface RecordBatchSource extends AsyncIterable<RecordBatch> {
  readonly stats: ReadStats;
  schema(): Promise<Schema>;
  /**
   * Releases the file of a source that will not be read (after `schema()`, say); the source cannot be read
   * afterwards. A source being read closes its file when the reading ends, or stops early (`break`).
   */
  close(): Promise<void>;
}

export const DEFAULT_BATCH_SIZE = 65_536;

export function newStats(): ReadStats {
  return { rowsIn: 0, rowsOut: 0, rowsRejected: 0 };
}

export function checkBatchSize(batchSize: number | undefined): number {
  const n = batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  return n;
}

/** Cuts batches larger than `batchSize` into zero-copy slices, so every source honours the bound. */
export function* sliceBatch(batch: RecordBatch, batchSize: number): Generator<RecordBatch> {
  if (batch.numRows <= batchSize) {
    yield batch;
    return;
  }
  for (let start = 0; start < batch.numRows; start += batchSize) yield batch.slice(start, start + batchSize);
}
