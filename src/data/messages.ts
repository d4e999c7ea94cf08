/**
 * What the main thread and the transform workers tell each other. Everything here survives structured
 * cloning; the big arrays (chunk bytes, dense values, ragged ids) travel as transferred ArrayBuffers.
 */
import type { HashMode } from '../graph/nodes.ts';
import type { DialectBytes } from '../io/csv/dialect.ts';
import type { CsvColumnType } from '../io/csv/infer-types.ts';
import type { ColumnConfig } from '../spec/config.ts';
import type { LabelOptions } from './labels.ts';

/** Everything a worker needs to parse and transform chunks as the main thread would: sent once. */
export interface TransformInit {
  /** The column plan the main thread inferred from the head of the first file. */
  names: string[];
  types: CsvColumnType[];
  inferred: boolean[];
  /** The file the plan was made from (named when types were inferred). */
  planSource: string;
  /** Field indexes of the columns to convert (those the spec and label read), ascending; null: all. */
  convert: number[] | null;
  nullValues: string[];
  /** Rows per Arrow record batch inside a chunk (bounds the builders' memory). */
  batchSize: number;
  /** The spec as TensorFlow JSON (toConfig), compiled once per worker. */
  spec: ColumnConfig[];
  hash: HashMode;
  sparse: 'default' | 'all';
  label: LabelOptions | null;
  /** 'fail' stops a chunk at its first bad row; 'quarantine' also sends each bad row's raw text. */
  policy: 'fail' | 'skip' | 'quarantine';
  /** Inline (one thread) only: reuse the graph's output buffers. */
  reuseBuffers: boolean;
  /** Time the stages of each chunk (ChunkOutcome.timings). */
  profile: boolean;
  /** The tokenizer: 'wasm' (default, where WebAssembly runs) or 'js' (tokenizeRows; the reference, for tests). */
  tokenizer?: 'wasm' | 'js';
}

/** Milliseconds a chunk spent per stage (with `profile`). */
export interface ChunkTimings {
  /** Splitting rows into field spans (the tokenizer). */
  tokenize: number;
  /** Converting fields to Arrow columns (numbers, dictionary strings) and finishing record batches. */
  build: number;
  labels: number;
  /** The compiled graph's transform. */
  transform: number;
  /** When the worker posted the outcome (performance.timeOrigin + now), to time the way back. */
  sentAt: number;
  /** From that post to the main thread's receipt: transfer plus the main thread's queueing delay. */
  transfer: number;
}

/** A run of whole rows of one file. */
export interface ChunkTask {
  /** Position in the stream; results are put back in this order. */
  index: number;
  file: string;
  /** The file's dialect (each file of a stream is sniffed on its own, as readCsv does). */
  dialect: DialectBytes;
  delimiter: string;
  /**
   * Bytes `[0, length)` of the buffer are the chunk: whole rows, the last one ending with its line break.
   * Shared with the workers (a SharedArrayBuffer, reused from chunk to chunk), or plain in one thread.
   */
  buffer: ArrayBuffer | SharedArrayBuffer;
  length: number;
}

/** A bad row of a chunk. Lines are 1-based within the chunk; the main thread adds the chunk's first line. */
export interface RejectRecord {
  /** The reader refused it (field count, a value that did not convert), the label, or the transform (a DataError). */
  kind: 'read' | 'label' | 'data';
  line: number;
  column?: string;
  value?: string;
  reason: string;
  /** The raw row, sent only under a quarantine policy. */
  raw?: string;
  /** For 'data' (transform) errors: the row among the chunk's output rows. */
  row?: number;
  /** For 'label' and 'data' errors: the row among the chunk's rows that the reader accepted. */
  batchRow?: number;
  /** For 'label' and 'data' errors under a quarantine policy: the row's values in the columns converted. */
  record?: Record<string, unknown>;
}

/** A ragged output as it travels (its cardinality, combiner and dimension come from the main thread's graph). */
export interface WireRagged {
  ids: Int32Array;
  offsets: Int32Array;
  weights?: Float32Array;
}

export interface WireBatch {
  numRows: number;
  dense: Float32Array;
  sparse: Record<string, WireRagged>;
}

export interface ChunkOutcome {
  index: number;
  /** Line breaks in the chunk (where the next chunk's lines start). */
  lines: number;
  rowsIn: number;
  rowsOut: number;
  /** Bad rows in the order found; under 'fail' at most one, and the chunk stops there (`batch` is null). */
  rejected: RejectRecord[];
  batch: WireBatch | null;
  labels: Float32Array | Int32Array | null;
  /** The chunk's buffer, handed back for the next read. */
  buffer: ArrayBuffer | SharedArrayBuffer | null;
  timings?: ChunkTimings;
  /** An unexpected failure (a bug, not bad data). */
  crash?: { name: string; message: string; stack?: string };
}

export type ToWorker =
  | { type: 'init'; init: TransformInit }
  | { type: 'chunk'; task: ChunkTask };

export type FromWorker =
  | { type: 'loaded' }
  | { type: 'result'; outcome: ChunkOutcome }
  | { type: 'failed'; error: { name: string; message: string; stack?: string } };

/**
 * Moves a worker's results into one new SharedArrayBuffer (views replace the arrays), so they reach the main
 * thread without a copy and without the external-memory accounting that transferred ArrayBuffers carry there:
 * every transferred ArrayBuffer counts towards V8's external-memory limit of the receiving thread, which then
 * runs a full garbage collection every chunk or two, on the cores the workers need. Shared memory does not count.
 * The worker's own arrays can then be reused for the next chunk (the graph's reuseBuffers).
 */
export function moveToShared(outcome: ChunkOutcome): void {
  const arrays: (Int32Array | Float32Array)[] = [];
  // Arrays the graph already wrote into shared memory (a SharedArena) stay where they are.
  const local = (a: Int32Array | Float32Array) => !(a.buffer instanceof SharedArrayBuffer);
  const batch = outcome.batch;
  if (batch) {
    arrays.push(batch.dense);
    for (const r of Object.values(batch.sparse)) {
      arrays.push(r.ids, r.offsets);
      if (r.weights) arrays.push(r.weights);
    }
  }
  if (outcome.labels) arrays.push(outcome.labels);
  const bytes = arrays.reduce((n, a) => n + (local(a) ? a.byteLength : 0), 0);
  if (bytes === 0) return;
  const shared = new SharedArrayBuffer(bytes);
  let at = 0;
  const move = <T extends Int32Array | Float32Array>(a: T): T => {
    if (!local(a)) return a;
    const view = new (a.constructor as { new(b: SharedArrayBuffer, o: number, n: number): T })(shared, at, a.length);
    view.set(a);
    at += a.byteLength;
    return view;
  };
  if (batch) {
    batch.dense = move(batch.dense);
    for (const [name, r] of Object.entries(batch.sparse)) {
      batch.sparse[name] = { ...r, ids: move(r.ids), offsets: move(r.offsets), ...(r.weights ? { weights: move(r.weights) } : {}) };
    }
  }
  if (outcome.labels) outcome.labels = move(outcome.labels);
}

/**
 * Zero-filled output arrays carved from shared memory blocks, so that a worker's graph writes its results
 * where the main thread will read them: no copy into shared memory afterwards. Blocks are never reused (the
 * main thread keeps the results); a block lives while any array in it does.
 */
export class SharedArena {
  private block: SharedArrayBuffer | null = null;
  private at = 0;

  constructor(private readonly blockBytes = 4 << 20) {}

  float32(length: number): Float32Array {
    const [buffer, offset] = this.take(length * 4);
    return new Float32Array(buffer, offset, length);
  }

  int32(length: number): Int32Array {
    const [buffer, offset] = this.take(length * 4);
    return new Int32Array(buffer, offset, length);
  }

  private take(bytes: number): [SharedArrayBuffer, number] {
    if (bytes > this.blockBytes / 4) return [new SharedArrayBuffer(bytes), 0]; // a big array gets its own block
    if (this.block === null || this.at + bytes > this.block.byteLength) {
      this.block = new SharedArrayBuffer(this.blockBytes);
      this.at = 0;
    }
    const offset = this.at;
    this.at += (bytes + 7) & ~7;
    return [this.block, offset];
  }
}

/** The outcome of a chunk whose work threw: no rows, the error to rethrow in the main thread. */
export function crashed(task: ChunkTask, error: { name: string; message: string; stack?: string }): ChunkOutcome {
  return { index: task.index, lines: 0, rowsIn: 0, rowsOut: 0, rejected: [], batch: null, labels: null, buffer: null, crash: error };
}
