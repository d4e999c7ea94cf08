/**
 * The examples `fcol train`, `evaluate` and `predict` feed the estimator: the data files read and
 * transformed (as `fcol transform` does: any format, bad rows by --on-error, label by LabelReader),
 * held in memory, and the input functions over them. Training input is the one place to switch to a
 * streaming Dataset pipeline later: `trainInput` returns an InputFn, which is all the estimator sees.
 */
import { concatFeatureBatches, type FeatureBatch, type FeatureColumn, ReadError } from '../../index.ts';
import type { HashMode } from '../../graph/nodes.ts';
import { BatchGatherer, identityOrder } from '../../train/data/batch-gatherer.ts';
import { shuffleInPlace } from '../../train/data/shuffle.ts';
import type { InputFn } from '../../train/estimator/estimator.ts';
import { streamSeed } from '../../train/model/model.ts';
import { Random } from '../../train/random.ts';
import { compileColumns } from '../compile-columns.ts';
import { closingOnError, type DataFile, dataFiles, openData } from '../data.ts';
import { BadDataError, RowError, UsageError } from '../errors.ts';
import { type LabelFlags, LabelReader, type LabelSpec, resolveLabel } from '../label.ts';
import type { ModuleLabel } from '../load-columns.ts';
import { DEFAULT_BATCH_SIZE } from '../../io/source.ts';
import { type DataFlags, sourceOptions } from '../options.ts';

/** The data flags of train, evaluate and predict (their --batch-size is the model's, not the reader's). */
export type ReadFlags = Omit<DataFlags, 'batchSize'>;
import { RejectedRow, safeTransform } from '../safe-transform.ts';
import { featureUses } from '../spec-fields.ts';

/** Transformed rows in memory, with their labels (as float32: class ids, 0/1, or numbers). */
export interface Examples {
  features: FeatureBatch;
  labels: Float32Array | null;
  label: LabelSpec | null;
  numRows: number;
  /** Rows read (kept + rejected), and rejected by the reader or the transform. */
  rowsIn: number;
  rowsRejected: number;
  /** 1-based position of each kept row among the rows the reader gave (for predictions). */
  rowNumbers: Int32Array;
  files: DataFile[];
}

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
  onBatch?: (rowsIn: number) => void;
}

/** Reads and transforms every row of `paths` into memory. Errors: as fcol transform, plus an empty dataset. */
export async function readExamples(paths: readonly string[], options: ReadExamplesOptions): Promise<Examples> {
  const { flags } = options;
  if (typeof flags.onError === 'object') throw new UsageError('--on-error quarantine=FILE is for fcol transform; use --on-error skip (or fail) here');
  const files = await dataFiles(paths);
  const { source, schema } = await openData(files, sourceOptions({ ...flags, batchSize: DEFAULT_BATCH_SIZE }), featureUses(options.columns));
  const { graph, label } = await closingOnError(source, async () => {
    if (schema.fields.length === 0) throw new ReadError({ file: files[0].path }, 'the file is empty: no header and no rows');
    const graph = compileColumns(options.columns, schema, options.hash);
    const label = options.label === null ? null : resolveLabel(options.label.module, options.label.flags, schema);
    if (label === null && options.requireLabel) {
      throw new UsageError(`the ${options.what} needs a label: give --label KEY (with --label-positive a,b or --label-vocabulary a,b,c for strings), or export label from the columns module`);
    }
    return { graph, label };
  });
  const reader = label === null ? null : new LabelReader(label);
  const where = files.length === 1 ? `${files[0].path}: ` : '';
  const fail = flags.onError === 'fail';
  const pieces: FeatureBatch[] = [];
  const labelPieces: (Float32Array | Int32Array)[] = [];
  const rowNumbers: number[] = [];
  let rowBase = 0, rejectedByTransform = 0;
  for await (const batch of source) {
    let safe;
    try {
      safe = safeTransform(graph, batch, reader?.read(batch) ?? null, fail);
    } catch (err) {
      if (err instanceof RejectedRow) {
        const { row, column, reason } = err.rejection;
        throw new RowError(rowBase + row + 1, column, reason, where);
      }
      throw err;
    }
    const rejected = new Set(safe.rejected.map((r) => r.row));
    rejectedByTransform += rejected.size;
    for (let i = 0; i < batch.numRows; i++) if (!rejected.has(i)) rowNumbers.push(rowBase + i + 1);
    if (safe.features !== null) {
      pieces.push(safe.features);
      if (safe.labels !== null) labelPieces.push(safe.labels);
    }
    rowBase += batch.numRows;
    options.onBatch?.(source.stats.rowsIn);
  }
  const rowsIn = source.stats.rowsIn;
  const rowsRejected = source.stats.rowsRejected + rejectedByTransform;
  const numRows = pieces.reduce((n, p) => n + p.numRows, 0);
  if (numRows === 0) {
    const names = files.map((f) => f.path).join(', ');
    throw new BadDataError(rowsIn === 0
      ? `${names}: no data rows (only a header): the ${options.what} is empty; give a file with rows`
      : `${names}: all ${rowsIn} rows were rejected (--on-error skip): the ${options.what} is empty; run with --on-error fail to see the first bad row`);
  }
  const features = pieces.length === 1 ? pieces[0] : concatFeatureBatches(pieces);
  let labels: Float32Array | null = null;
  if (label !== null) {
    labels = new Float32Array(numRows);
    let at = 0;
    for (const part of labelPieces) {
      labels.set(part, at);
      at += part.length;
    }
  }
  return { features, labels, label, numRows, rowsIn, rowsRejected, rowNumbers: Int32Array.from(rowNumbers), files };
}

/** Batches per epoch at `batchSize`. */
export function stepsPerEpoch(rows: number, batchSize: number): number {
  return Math.ceil(rows / batchSize);
}

/**
 * Training input: minibatches of `batchSize` rows, the rows reshuffled every epoch by a generator seeded from
 * `seed` (the order a Model.fit with that seed draws), endless (the estimator stops at its step). Started at a
 * global step (a resumed run), it replays the earlier epochs' shuffles and skips the batches already trained on,
 * so N steps, stop, N more = 2N straight. With `stepsPerEpoch` from an earlier run whose data had another size,
 * epochs are counted as that run did.
 */
export function trainInput(data: Examples, batchSize: number, seed: number, epochSteps = stepsPerEpoch(data.numRows, batchSize)): InputFn {
  if (data.labels === null) throw new Error('trainInput: the examples have no labels');
  const dataset = { features: data.features, labels: data.labels, numRows: data.numRows };
  const capacity = Math.min(batchSize, data.numRows);
  return function* ({ globalStep }) {
    const order = identityOrder(data.numRows);
    const random = new Random(streamSeed(seed, 1));
    const gatherer = new BatchGatherer(dataset, 1, capacity);
    const perEpoch = stepsPerEpoch(data.numRows, batchSize);
    // Which epoch and batch the global step is at, counting epochs of `epochSteps` batches.
    let epoch = Math.floor(globalStep / epochSteps), skip = globalStep % epochSteps;
    for (let e = 0; e < epoch; e++) shuffleInPlace(order, random);
    for (;; epoch++) {
      shuffleInPlace(order, random);
      for (let b = Math.min(skip, perEpoch); b < perEpoch; b++) {
        const start = b * batchSize, rows = Math.min(batchSize, data.numRows - start);
        const features = gatherer.gather(order, start, rows);
        yield { features, labels: gatherer.labels.subarray(0, rows) };
      }
      skip = 0;
    }
  };
}

/** Rows per batch of evaluation and prediction (the same for both, so their sums add up alike). */
export const EVAL_BATCH = 4096;

/** Every row once, in order, in batches of EVAL_BATCH (with labels when the examples have them). */
export function sequentialInput(data: Examples): InputFn {
  const dataset = { features: data.features, labels: data.labels, numRows: data.numRows };
  return function* () {
    const order = identityOrder(data.numRows);
    const gatherer = new BatchGatherer(dataset, data.labels === null ? 0 : 1, Math.min(EVAL_BATCH, data.numRows));
    for (let start = 0; start < data.numRows; start += EVAL_BATCH) {
      const rows = Math.min(EVAL_BATCH, data.numRows - start);
      const features = gatherer.gather(order, start, rows);
      yield { features, labels: data.labels === null ? null : gatherer.labels.subarray(0, rows) };
    }
  };
}
