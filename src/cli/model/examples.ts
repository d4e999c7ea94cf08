/**
 * The examples `fcol train`, `evaluate` and `predict` feed the estimator, streamed: the data files read and
 * transformed batch by batch (as `fcol transform` does: any format, bad rows by --on-error, label by
 * LabelReader), pass after pass, through the Dataset pipeline (shuffle buffer, batches, read-ahead). Nothing has
 * to fit in memory: the shuffle buffer holds at most --shuffle-buffer rows, and data of no more rows than that
 * (which the buffer would hold whole anyway) is kept transformed after its first pass instead of being read
 * again every epoch.
 */
import { appendFile } from 'node:fs/promises';
import type { ConcatSource } from '../../io/index.ts';
import type { FeatureBatch, FeatureColumn, FeatureGraph } from '../../index.ts';
import type { HashMode } from '../../graph/nodes.ts';
import { openSource } from '../../io/open-source.ts';
import { Dataset } from '../../data/dataset/dataset.ts';
import type { DatasetExample } from '../../data/dataset/types.ts';
import type { InputFn } from '../../train/estimator/estimator.ts';
import { streamSeed } from '../../train/model/model.ts';
import { compileColumns } from '../compile-columns.ts';
import { closeUnread, closingOnError, type DataFile, dataFiles, openData } from '../data.ts';
import { BadDataError, RowError, UsageError } from '../errors.ts';
import { type LabelFlags, LabelReader, type LabelSpec, resolveLabel } from '../label.ts';
import type { ModuleLabel } from '../load-columns.ts';
import { DEFAULT_BATCH_SIZE, type SourceOptions } from '../../io/index.ts';
import { type DataFlags, sourceOptions } from '../options.ts';
import { quarantineLines } from '../quarantine.ts';
import { RejectedRow, safeTransform } from '../safe-transform.ts';
import { featureUses } from '../spec-fields.ts';

/** The data flags of train, evaluate and predict (their --batch-size is the model's, not the reader's). */
export type ReadFlags = Omit<DataFlags, 'batchSize'>;

/** Default --shuffle-buffer: rows held by the training shuffle (the census, 32,561 rows, is shuffled whole). */
export const DEFAULT_SHUFFLE_BUFFER = 1_000_000;

export interface ReadExamplesOptions {
  columns: readonly FeatureColumn[];
  hash: HashMode;
  /** How the label is chosen: the module's (or model dir's) label overridden by flags; null: no label read. */
  label: { module: ModuleLabel | null; flags: LabelFlags } | null;
  /** Must the data have a label? (train, evaluate) */
  requireLabel: boolean;
  flags: ReadFlags;
  /** What the data is for, in messages: 'training data', 'evaluation data', ... */
  what: string;
}

/** Rows of one pass: read (kept + rejected), rejected by the reader or the transform, and kept. */
export interface PassCounts {
  rowsIn: number;
  rowsRejected: number;
  rows: number;
}

export function newCounts(): PassCounts {
  return { rowsIn: 0, rowsRejected: 0, rows: 0 };
}

/**
 * Data files opened for streaming: checked (files exist, columns compile against the schema, the label
 * resolves) before any row is transformed; each `pass` reads them again from the start.
 */
export class ExampleFiles {
  /** The source opened for the schema, used by the first pass. */
  private opened: ConcatSource | null;
  /**
   * `--on-error quarantine=FILE`'s file, until the first pass has written its rows there: later passes (epochs)
   * read the same rows again and skip them without writing them twice.
   */
  private quarantine: string | null;

  constructor(readonly files: DataFile[], readonly label: LabelSpec | null, private readonly graph: FeatureGraph,
      private readonly options: SourceOptions, first: ConcatSource, private readonly flags: ReadFlags, private readonly what: string) {
    this.opened = first;
    this.quarantine = typeof flags.onError === 'object' ? flags.onError.quarantine : null;
  }

  /** Closes the source opened for the schema when no pass has read it (the command failed before reading). */
  async close(): Promise<void> {
    const opened = this.opened;
    this.opened = null;
    if (opened !== null) await closeUnread(opened);
  }

  /**
   * One pass over every row, transformed with ragged ids of every categorical column (sparse 'all'), bad rows
   * failing with their row number, or skipped (--on-error; quarantined by the first pass). Adds to `counts` as it goes; `rowNumbers` is told
   * each yielded batch's rows' 1-based positions among the rows the reader gave. A pass that keeps no row
   * throws BadDataError (the data is empty).
   */
  async *pass(counts: PassCounts = newCounts(), rowNumbers?: (numbers: Int32Array) => void): AsyncGenerator<DatasetExample> {
    const quarantine = this.quarantine;
    this.quarantine = null;
    const source = this.opened ?? openSource(this.files.map((f) => f.path), quarantine === null ? { ...this.options, onError: 'skip' } : this.options);
    this.opened = null;
    const reader = this.label === null ? null : new LabelReader(this.label);
    const where = this.files.length === 1 ? `${this.files[0].path}: ` : '';
    const fail = this.flags.onError === 'fail';
    // Leaving the loop early (a --steps stop, an error) ends the source's iteration, which closes its file.
    let rowBase = 0, rows = 0, readerRejected = 0, readerIn = 0;
    for await (const batch of source) {
      let safe;
      try {
        safe = safeTransform(this.graph, batch, reader?.read(batch) ?? null, fail);
      } catch (err) {
        if (err instanceof RejectedRow) {
          const { row, column, reason } = err.rejection;
          throw new RowError(rowBase + row + 1, column, reason, where);
        }
        throw err;
      }
      if (quarantine !== null && safe.rejected.length > 0) await appendFile(quarantine, quarantineLines(batch, safe.rejected, rowBase, this.files));
      const rejected = new Set(safe.rejected.map((r) => r.row));
      counts.rowsRejected += rejected.size + source.stats.rowsRejected - readerRejected;
      counts.rowsIn += source.stats.rowsIn - readerIn;
      readerRejected = source.stats.rowsRejected;
      readerIn = source.stats.rowsIn;
      if (safe.features !== null) {
        if (rowNumbers !== undefined) {
          const numbers = new Int32Array(safe.features.numRows);
          for (let i = 0, k = 0; i < batch.numRows; i++) if (!rejected.has(i)) numbers[k++] = rowBase + i + 1;
          rowNumbers(numbers);
        }
        rows += safe.features.numRows;
        counts.rows += safe.features.numRows;
        yield { features: safe.features, labels: safe.labels };
      }
      rowBase += batch.numRows;
    }
    counts.rowsIn += source.stats.rowsIn - readerIn;
    counts.rowsRejected += source.stats.rowsRejected - readerRejected;
    if (rows === 0) {
      const names = this.files.map((f) => f.path).join(', ');
      const rowsIn = source.stats.rowsIn;
      throw new BadDataError(rowsIn === 0
        ? `${names}: no data rows (only a header): the ${this.what} is empty; give a file with rows`
        : `${names}: all ${rowsIn} rows were rejected (--on-error ${this.flags.onError === 'skip' ? 'skip' : 'quarantine'}): the ${this.what} is empty; run with --on-error fail to see the first bad row`);
    }
  }
}

/** Opens data files for streaming. Errors: as fcol transform (found before any row is transformed). */
export async function openExamples(paths: readonly string[], options: ReadExamplesOptions): Promise<ExampleFiles> {
  const { flags } = options;
  const files = await dataFiles(paths);
  // The command emptied the quarantine file (startQuarantine): the training and --eval streams both add to it.
  const onError = typeof flags.onError === 'object' ? { quarantine: flags.onError.quarantine, append: true } : flags.onError;
  const base = sourceOptions({ ...flags, onError, batchSize: DEFAULT_BATCH_SIZE });
  const { source, schema, overrides } = await openData(files, base, featureUses(options.columns));
  const { graph, label } = await closingOnError(source, async () => {
    const graph = compileColumns(options.columns, schema, options.hash);
    const label = options.label === null ? null : resolveLabel(options.label.module, options.label.flags, schema);
    if (label === null && options.requireLabel) {
      throw new UsageError(`the ${options.what} needs a label: give --label KEY (with --label-positive a,b or --label-vocabulary a,b,c for strings), or export label from the columns module`);
    }
    return { graph, label };
  });
  const reopen = Object.keys(overrides).length === 0 ? base : { ...base, types: { ...overrides, ...base.types } };
  return new ExampleFiles(files, label, graph, reopen, source, flags, options.what);
}

/** What one counting pass found: the rows, the first batch's features, and every batch when there were few rows. */
export interface Scanned {
  counts: PassCounts;
  first: FeatureBatch;
  /** The pass's batches when it had at most `keepRows` rows, else null (later passes read the files again). */
  kept: DatasetExample[] | null;
}

/** One pass over the data: counts its rows (and finds its bad rows), keeping the batches while they are few. */
export async function scanExamples(data: ExampleFiles, keepRows: number): Promise<Scanned> {
  const counts = newCounts();
  let kept: DatasetExample[] | null = [];
  let first: FeatureBatch | null = null;
  for await (const example of data.pass(counts)) {
    first ??= example.features;
    if (kept !== null && counts.rows <= keepRows) kept.push(example);
    else kept = null;
  }
  return { counts, first: first!, kept };
}

/** The rows of a scan as a Dataset: the kept batches, or a fresh pass over the files each time. */
export function examplesDataset(data: ExampleFiles, scanned: Scanned): Dataset {
  const kept = scanned.kept;
  return kept !== null ? Dataset.fromBatches(kept) : Dataset.fromBatches(() => data.pass());
}

/** Batches per epoch at `batchSize`. */
export function stepsPerEpoch(rows: number, batchSize: number): number {
  return Math.ceil(rows / batchSize);
}

/** The shuffle seed of an epoch: a seed fixes every epoch's order, and each epoch's differs. */
export function epochShuffleSeed(seed: number, epoch: number): number {
  return streamSeed(seed, 1) * 0x10000 + (epoch % 0x10000);
}

/**
 * Training input: every epoch a pass over `rows` through a shuffle buffer of `bufferRows` rows seeded by
 * (seed, epoch), in batches of `batchSize`, read ahead; endless (the estimator stops at its step). Started at a
 * global step (a resumed run), it starts at that step's epoch and skips the batches already trained on, so
 * N steps, stop, N more = 2N straight. Epochs are counted in `epochSteps` batches (the first run's).
 */
export function trainInput(rows: Dataset, options: { batchSize: number; seed: number; bufferRows: number; epochSteps: number }): InputFn {
  const { batchSize, seed, bufferRows, epochSteps } = options;
  return async function* ({ globalStep }) {
    let epoch = Math.floor(globalStep / epochSteps), skip = globalStep % epochSteps;
    for (;; epoch++) {
      const batches = rows.shuffle(bufferRows, epochShuffleSeed(seed, epoch), { reshuffleEachIteration: false }).batch(batchSize).prefetch(2);
      let b = 0;
      for await (const batch of batches) if (b++ >= skip) yield batch;
      if (b === 0) throw new BadDataError(`the training data yielded no rows in epoch ${epoch + 1}`);
      skip = 0;
    }
  };
}

/** Rows per batch of evaluation and prediction (the same for both, so their sums add up alike). */
export const EVAL_BATCH = 4096;

/** Every row once, in order, in batches of EVAL_BATCH (with labels when the data has them). */
export function sequentialInput(rows: Dataset): InputFn {
  const batches = rows.batch(EVAL_BATCH).prefetch(2);
  return () => batches;
}
