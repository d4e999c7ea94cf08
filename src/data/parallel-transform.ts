import type { Schema } from 'apache-arrow';
import { expandPaths } from '../io/expand-paths.ts';
import { featureKeyOf, type HashMode } from '../graph/nodes.ts';
import { type ColumnPlan, makePlan } from '../io/csv/column-plan.ts';
import { checkCsvOptions, type CsvOptions } from '../io/csv/csv-options.ts';
import { DEFAULT_MAX_ROW_BYTES } from '../io/csv/input-buffer.ts';
import { ReadError } from '../io/errors.ts';
import { detectFormat } from '../io/format.ts';
import { type OnError, RowRejecter } from '../io/reject-policy.ts';
import { checkBatchSize, newStats, type ReadStats } from '../io/source.ts';
import { type ColumnConfig, fromConfig, toConfig } from '../spec/config.ts';
import type { FeatureColumn } from '../spec/types.ts';
import type { FeatureBatch, RaggedTensor } from '../tensor/feature-batch.ts';
import { compile, type FeatureGraph } from '../tensor/feature-graph.ts';
import { ChunkTransformer } from './chunk-transformer.ts';
import { FileDataError } from './errors.ts';
import { BufferPool, checkSameColumns, fileChunks, inferPlan, openCsv, RowTooLong } from './file-chunks.ts';
import { checkLabel, type LabelKind, type LabelOptions, labelKind } from './labels.ts';
import { type ChunkOutcome, type ChunkTask, type RejectRecord, SharedArena, type TransformInit } from './messages.ts';
import { TransformWorkers } from './worker-pool.ts';

export const DEFAULT_CHUNK_BYTES = 2 << 20;

/** Options of {@link transformFiles}. */
export interface TransformFilesOptions {
  /** CSV or gzip'd CSV files, or glob patterns (expanded in sorted order): one stream. */
  paths: string | readonly string[];
  /** The feature columns, as TensorFlow JSON (`toConfig` output, parsed or as text) or as column objects. */
  spec: readonly ColumnConfig[] | readonly FeatureColumn[] | string;
  /** Dialect, header, names, null tokens, type overrides...: as for readCsv. */
  csv?: CsvOptions;
  hash?: HashMode;
  /** 'default' or 'all' (ragged ids of every categorical column too), as for FeatureGraph.transform. */
  sparse?: 'default' | 'all';
  /** The label column: binary (`positive`), classes (`vocabulary`) or a number (neither). */
  label?: LabelOptions | null;
  /**
   * Threads that parse and transform: 1 (default) runs in this thread; N >= 2 starts N worker threads for this
   * transform and ends them when it ends; a {@link TransformWorkers} (startTransformWorkers) is used and left running.
   */
  workers?: number | TransformWorkers;
  /** Bytes of CSV per chunk, the unit of work and of results (default 2 MiB); cut at row ends. */
  chunkBytes?: number;
  /** Rows per Arrow record batch inside a chunk (default csv.batchSize, else 65,536). */
  batchSize?: number;
  /** Bad rows: 'fail' (default; the first one rejects the stream), 'skip', or {quarantine: path}. Default csv.onError. */
  onError?: OnError;
  /** One thread only: each result's arrays are overwritten by the next one (no allocation in steady state). */
  reuseBuffers?: boolean;
  /**
   * Convert every CSV column, not only those the spec and the label read (default false). Converting a
   * column checks its values, so with true a bad value in a column no feature uses rejects its row, as
   * readCsv does; with false such a column is only split, not parsed. Field counts are checked either way.
   */
  checkAllColumns?: boolean;
  /** Time each stage (FileTransform.profile): a diagnostic, at the cost of a few timer calls per 8,192 rows. */
  profile?: boolean;
  /**
   * Called for each rejected row, in stream order, before the `onError` policy applies (so under 'fail', once,
   * just before the stream throws; a callback that throws replaces that error with its own).
   */
  onReject?: (row: RejectedRowInfo) => void;
}

/** A row the stream rejected: where, which stage refused it, and why. */
export interface RejectedRowInfo {
  /** 'read': the CSV reader (field count, a value that does not convert); 'label'; 'transform': the spec (a DataError). */
  stage: 'read' | 'label' | 'transform';
  file: string;
  /** 1-based line of the file where the row starts. */
  line: number;
  column?: string;
  /** The field's text (reader and label rejections). */
  value?: string;
  reason: string;
  /** 'label' and 'transform': the row's 1-based number among the rows the reader accepted, over all files. */
  dataRow?: number;
}

/**
 * Where the time of a transform went, in milliseconds (with `profile: true`). Stage times of the workers are
 * summed over them (CPU-bound, so about the CPU they used); `read` and `scan` are the main thread's.
 */
export interface StageProfile {
  chunks: number;
  /** Main thread waiting for file bytes (the next chunk's read runs while the current one is worked on). */
  read: number;
  /** Main thread finding the last row end of each chunk (quote-aware). */
  scan: number;
  tokenize: number;
  /** Fields to Arrow arrays (numbers, dictionary strings), record batches. */
  build: number;
  labels: number;
  transform: number;
  /** Worker to main thread: posting the results (transferred) until the main thread takes them. */
  transfer: number;
  /** Main thread waiting for the next result in order. */
  wait: number;
  /** Start to end of the iteration (wall clock). */
  total: number;
}

/**
 * One chunk's features, in input order. The arrays are views of SharedArrayBuffers (written by the worker,
 * read here without a copy; with one thread too, as V8 does not count shared memory as external memory that
 * calls for garbage collection), except with `reuseBuffers`, where they are the graph's reused buffers.
 */
export interface TransformResult {
  batch: FeatureBatch;
  /** One label per row when a label is set: Float32 (binary 1/0, or numbers) or Int32 (class index). */
  labels?: Float32Array | Int32Array;
  /** Rows of input this result covers: its rows plus the rows rejected in its chunk. */
  rowsIn: number;
}

/** What the stream gives, known before the first row is transformed. */
export interface TransformInfo {
  files: string[];
  /** The CSV columns as read (types inferred from the first file's head, or overridden). */
  schema: Schema;
  graph: FeatureGraph;
  /** The spec as TensorFlow JSON, as the workers compile it. */
  spec: ColumnConfig[];
  label: { key: string; kind: LabelKind; vocabulary?: string[] } | null;
}

/**
 * Streams CSV files through a feature spec: parse, transform, and yield dense and ragged tensors chunk by
 * chunk, in input order. With `workers: N >= 2`, N worker threads parse and transform while this thread
 * only reads (and gunzips) the files, cuts them into chunks of whole rows and puts the results back in
 * order; with 1 (the default) the same work runs here. The output does not depend on N.
 * @example
 * const run = transformFiles({ paths: ['adult.data.csv'], spec: toConfig(columns), workers: 2, sparse: 'all',
 *   label: { key: 'income_bracket', positive: ['>50K'] } });
 * for await (const { batch, labels } of run) write(batch, labels);
 * console.log(run.stats); // { rowsIn, rowsOut, rowsRejected }
 */
export function transformFiles(options: TransformFilesOptions): FileTransform {
  return new FileTransform(options);
}

type Piece =
  | { kind: 'file'; file: string; line: number }
  | { kind: 'chunk'; file: string; outcome: ChunkOutcome }
  | { kind: 'error'; error: unknown };

/** What the producer yields: a piece, or a chunk still on a worker (an async generator would await a bare promise). */
type Produced = Piece | { kind: 'pending'; piece: Promise<Piece> };

export class FileTransform implements AsyncIterable<TransformResult> {
  readonly stats: ReadStats = newStats();
  /** Stage times, filled in as the stream runs when `profile` is set. */
  readonly profile: StageProfile = { chunks: 0, read: 0, scan: 0, tokenize: 0, build: 0, labels: 0, transform: 0, transfer: 0, wait: 0, total: 0 };
  private readonly csv: CsvOptions;
  private readonly workers: number;
  private readonly shared: TransformWorkers | null = null;
  private readonly chunkBytes: number;
  private readonly batchSize: number;
  private readonly maxRowBytes: number;
  private readonly policy: OnError;
  private readonly columns: FeatureColumn[];
  private prepared: Promise<{ info: TransformInfo; plan: ColumnPlan; rowBytes: number }> | null = null;
  /** Rows of the chunks before the current one that the reader accepted (the base of RejectedRowInfo.dataRow). */
  private rowsAccepted = 0;
  private iterated = false;

  constructor(private readonly options: TransformFilesOptions) {
    this.csv = options.csv ?? {};
    checkCsvOptions(this.csv);
    const workers = options.workers ?? 1;
    if (workers instanceof TransformWorkers) {
      this.shared = workers;
      this.workers = workers.size;
    } else {
      if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer, got ${workers}`);
      this.workers = workers;
    }
    const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    if (!Number.isInteger(chunkBytes) || chunkBytes < 1) throw new RangeError(`chunkBytes must be a positive integer, got ${chunkBytes}`);
    this.chunkBytes = chunkBytes;
    this.batchSize = checkBatchSize(options.batchSize ?? this.csv.batchSize);
    this.maxRowBytes = this.csv.maxRowBytes ?? DEFAULT_MAX_ROW_BYTES;
    this.policy = options.onError ?? this.csv.onError ?? 'fail';
    new RowRejecter(this.policy); // validates the policy now
    const spec = options.spec;
    this.columns = typeof spec === 'string' || isConfigList(spec) ? fromConfig(spec) : [...spec as readonly FeatureColumn[]];
    if (options.label) labelKind(options.label);
    if (options.sparse !== undefined && options.sparse !== 'default' && options.sparse !== 'all') {
      throw new TypeError(`sparse must be 'default' or 'all', got ${JSON.stringify(options.sparse)}`);
    }
  }

  /** Reads the first file's head, infers the column plan and compiles the spec (a SpecError names what is wrong). */
  async info(): Promise<TransformInfo> {
    return (await this.prepare()).info;
  }

  private prepare(): Promise<{ info: TransformInfo; plan: ColumnPlan; rowBytes: number }> {
    this.prepared ??= (async () => {
      const files = await expand(this.options.paths);
      let found: { plan: ColumnPlan; rows: number; rowBytes: number } | null = null;
      for (const file of files) {
        await checkCsv(file);
        const opened = await openCsv(file, this.csv, this.maxRowBytes);
        try {
          if (opened.head.names === null) continue;
          const candidate = await inferPlan(opened, this.csv, this.batchSize);
          if (found === null || (found.rows === 0 && candidate.rows > 0)) found = candidate;
          if (found.rows > 0) break;
        } finally {
          await opened.input.close();
        }
      }
      const plan = found?.plan ?? makePlan(files[0], [], [], []);
      const graph = compile(this.columns, plan.schema, { hash: this.options.hash });
      const label = this.options.label ?? null;
      if (label) checkLabel(label, plan.names, plan.types);
      const kind = label ? labelKind(label) : null;
      return {
        plan,
        rowBytes: found?.rowBytes ?? 0,
        info: {
          files, schema: plan.schema, graph, spec: toConfig(this.columns),
          label: label ? { key: label.key, kind: kind!, ...(label.vocabulary ? { vocabulary: [...label.vocabulary] } : {}) } : null,
        },
      };
    })();
    return this.prepared;
  }

  private transformInit(info: TransformInfo, plan: ColumnPlan, rowBytes: number): TransformInit {
    const policy = this.policy;
    // Builders hold one record batch; sized to the rows a chunk is expected to hold (from the head's rows),
    // they do not allocate (and zero) room for batchSize rows per column per chunk. More rows make another batch.
    const expected = rowBytes > 0 ? Math.ceil((this.chunkBytes / rowBytes) * 1.25) + 256 : this.batchSize;
    return {
      names: [...plan.names], types: [...plan.types], inferred: [...plan.inferred], planSource: plan.source,
      convert: this.options.checkAllColumns ? null : usedFields(info.graph, plan.names, this.options.label?.key),
      nullValues: this.csv.nullValues ?? [''], batchSize: Math.min(this.batchSize, expected),
      spec: info.spec, hash: this.options.hash ?? 'xxh64', sparse: this.options.sparse ?? 'default',
      label: this.options.label ? { key: this.options.label.key,
        ...(this.options.label.positive ? { positive: [...this.options.label.positive] } : {}),
        ...(this.options.label.vocabulary ? { vocabulary: [...this.options.label.vocabulary] } : {}) } : null,
      policy: policy === 'fail' || policy === 'skip' ? policy : 'quarantine',
      reuseBuffers: this.workers === 1 && this.shared === null && (this.options.reuseBuffers ?? false),
      profile: this.options.profile ?? false,
    };
  }

  async *[Symbol.asyncIterator](): AsyncIterator<TransformResult> {
    if (this.iterated) throw new Error('transformFiles: the stream can be iterated only once');
    this.iterated = true;
    // Started first, so that the threads load while this one reads the head and compiles.
    const pool = this.shared ?? (this.workers >= 2 ? new TransformWorkers(this.workers) : null);
    let begun = false;
    const rejecter = new RowRejecter(this.policy);
    const buffers = new BufferPool(this.workers * 3 + 2, pool !== null);
    let pieces: AsyncGenerator<Produced> | null = null;
    const profiling = this.options.profile ?? false;
    const started = performance.now();
    try {
      const { info, plan, rowBytes } = await this.prepare();
      if (plan.names.length === 0) return;
      const init = this.transformInit(info, plan, rowBytes);
      // One thread: outputs in shared memory too, which V8 does not count as external memory (plain ArrayBuffers
      // kept by the consumer would make it collect garbage every few chunks); with reuseBuffers, the graph's own.
      const inline = pool === null ? new ChunkTransformer(init, init.reuseBuffers ? null : new SharedArena()) : null;
      pool?.begin(init);
      begun = true;
      const run = (task: ChunkTask): Promise<ChunkOutcome> | ChunkOutcome =>
        inline === null ? pool!.submit(task) : inline.process(task);
      pieces = this.pieces(info.files, plan, buffers, run);
      // Up to two chunks per worker in flight; one thread works chunk by chunk.
      const ahead = pool === null ? 1 : this.workers * 2 + 1;
      const queue: Promise<Piece>[] = [];
      let producing = true;
      let file = '';
      let lineBase = 1;
      for (;;) {
        while (producing && queue.length < ahead) {
          try {
            const next = await pieces.next();
            if (next.done) producing = false;
            else queue.push(next.value.kind === 'pending' ? next.value.piece : Promise.resolve(next.value));
          } catch (error) {
            producing = false;
            queue.push(Promise.resolve({ kind: 'error', error }));
          }
        }
        const head = queue.shift();
        if (head === undefined) break;
        const t0 = profiling ? performance.now() : 0;
        const piece = await head;
        if (profiling) this.profile.wait += performance.now() - t0;
        if (piece.kind === 'file') {
          file = piece.file;
          lineBase = piece.line;
          continue;
        }
        if (piece.kind === 'error') {
          throw piece.error instanceof RowTooLong ? piece.error.toReadError(lineBase) : piece.error;
        }
        const outcome = piece.outcome;
        if (outcome.timings) {
          const p = this.profile, t = outcome.timings;
          p.chunks++;
          p.tokenize += t.tokenize;
          p.build += t.build;
          p.labels += t.labels;
          p.transform += t.transform;
          p.transfer += t.transfer;
        }
        if (outcome.crash) {
          const error = new Error(outcome.crash.message);
          error.name = outcome.crash.name;
          if (outcome.crash.stack) error.stack = outcome.crash.stack;
          throw error;
        }
        for (const record of outcome.rejected) this.rejectRow(rejecter, file, lineBase, record);
        const readRejects = outcome.rejected.reduce((n, r) => n + (r.kind === 'read' ? 1 : 0), 0);
        this.rowsAccepted += outcome.rowsIn - readRejects;
        this.stats.rowsIn += outcome.rowsIn;
        this.stats.rowsOut += outcome.rowsOut;
        this.stats.rowsRejected += outcome.rejected.length;
        await rejecter.flush();
        lineBase += outcome.lines;
        const { batch, labels } = outcome;
        if (inline === null) buffers.give(outcome.buffer);
        if (batch !== null && batch.numRows > 0) {
          yield {
            batch: { numRows: batch.numRows, dense: { values: batch.dense, shape: [batch.numRows, info.graph.denseWidth], layout: info.graph.layout },
              sparse: batch.sparse as Record<string, RaggedTensor> },
            ...(labels === null ? {} : { labels }),
            rowsIn: outcome.rowsIn,
          };
        }
        if (inline !== null) buffers.give(outcome.buffer);
      }
      await rejecter.flush();
    } finally {
      this.profile.total = performance.now() - started;
      await pieces?.return(undefined);
      if (pool === this.shared) {
        if (begun) pool?.end();
      } else {
        await pool?.terminate();
      }
    }
  }

  /** A bad row of a chunk, located in its file: thrown under 'fail', else counted (and quarantined). */
  private rejectRow(rejecter: RowRejecter, file: string, lineBase: number, record: RejectRecord): void {
    const line = lineBase + record.line - 1;
    const dataRow = record.batchRow === undefined ? undefined : this.rowsAccepted + record.batchRow + 1;
    this.options.onReject?.({
      stage: record.kind === 'data' ? 'transform' : record.kind, file, line,
      ...(record.column === undefined ? {} : { column: record.column }),
      ...(record.value === undefined ? {} : { value: record.value }),
      reason: record.reason, ...(dataRow === undefined ? {} : { dataRow }),
    });
    if (record.kind === 'data' && this.policy === 'fail') {
      throw new FileDataError(file, line, record.column!, this.stats.rowsOut + record.row!, record.reason);
    }
    const where = { file, line, ...(record.column === undefined ? {} : { column: record.column }),
      ...(record.value === undefined ? {} : { value: record.value }) };
    // A row the label or the transform refused: also its stage, its number among the rows read and its values.
    const extra = record.kind === 'read' ? undefined : {
      stage: 'transform', dataRow,
      ...(record.record === undefined ? {} : {
        value: record.value ?? (record.column !== undefined && record.column in record.record ? record.record[record.column] : undefined),
        record: record.record,
      }),
    };
    rejecter.reject({ error: new ReadError(where, record.reason), raw: record.raw ?? '', ...(extra ? { extra } : {}) });
  }

  /** The stream's files, cut into chunks and run (on the pool, or here), with a marker where each file starts. */
  private async *pieces(files: string[], plan: ColumnPlan, buffers: BufferPool,
      run: (task: ChunkTask) => Promise<ChunkOutcome> | ChunkOutcome): AsyncGenerator<Produced> {
    let index = 0;
    for (const file of files) {
      await checkCsv(file);
      const opened = await openCsv(file, this.csv, this.maxRowBytes);
      try {
        if (opened.head.names === null) continue; // an empty file: no columns, no rows
        checkSameColumns(opened, plan);
        yield { kind: 'file', file, line: opened.input.cursor.line };
        const dialect = opened.head.bytes, delimiter = opened.head.dialect.delimiter;
        const profile = this.options.profile ? this.profile : null;
        for await (const { buffer, length } of fileChunks(opened, buffers, this.chunkBytes, this.maxRowBytes, profile)) {
          const task: ChunkTask = { index: index++, file, dialect, delimiter, buffer, length };
          const outcome = run(task);
          yield outcome instanceof Promise
            ? { kind: 'pending', piece: outcome.then((o): Piece => ({ kind: 'chunk', file, outcome: o })) }
            : { kind: 'chunk', file, outcome };
        }
      } finally {
        await opened.input.close();
      }
    }
  }
}

/** Field indexes of the columns the graph reads (and the label), ascending. */
function usedFields(graph: FeatureGraph, names: readonly string[], label: string | undefined): number[] {
  const keys = new Set<string | null>(graph.plan.nodes.map(featureKeyOf));
  if (label !== undefined) keys.add(label);
  const fields = names.flatMap((name, j) => (keys.has(name) ? [j] : []));
  return fields.length > 0 ? fields : [0];
}

function isConfigList(spec: readonly unknown[]): boolean {
  return spec.length > 0 && typeof spec[0] === 'object' && spec[0] !== null && 'class_name' in spec[0];
}

async function checkCsv(file: string): Promise<void> {
  const format = await detectFormat(file);
  if (format !== 'csv') {
    throw new ReadError({ file }, `is an ${format === 'arrow' ? 'Arrow IPC' : 'Parquet'} file; transformFiles reads CSV ` +
      '(plain or gzip\'d): read it with openSource and transform the batches with compile(...).transform');
  }
}

async function expand(paths: string | readonly string[]): Promise<string[]> {
  const list = typeof paths === 'string' ? [paths] : [...paths];
  if (list.length === 0) throw new TypeError('transformFiles needs at least one path');
  return expandPaths(list);
}
