/**
 * Estimator style training over the explicit-gradient core (TF's tf.estimator, reshaped for it).
 *
 * `modelFn(features, labels, mode, params, config)` is called once per batch and must be cheap: it
 * returns an EstimatorSpec of closures over a long-lived `Model` (create the model once, e.g. in a
 * closure, and return the same object each call). The spec's `model` is what checkpoints hold.
 *
 * - TRAIN: `trainOp()` runs forward, backward and the optimizers' update on the model for this
 *   batch, and resolves to the batch's loss (or `{loss, ...otherScalars}`). The estimator calls it
 *   exactly once per step. (`modelSpec` builds one from `Model.fit` over the one batch.)
 * - EVAL: `loss` (number or thunk) is the batch's mean loss; each `evalMetricOps` entry is a
 *   streaming metric whose `update()` folds this batch in (TF's (value, update_op) pair:
 *   `reset`/`result` act on state shared by every batch's spec).
 * - PREDICT: `predictions` (object or thunk) maps keys to row-major arrays [rows · width].
 *
 * `train` resumes from the model dir's latest checkpoint (weights, optimizer slots and iterations,
 * global step, generator states) and saves per RunConfig and at the end; `evaluate` and `predict`
 * use the live model when this estimator trained it, else the latest checkpoint.
 */
import type { RecordBatch, Table } from 'apache-arrow';
import { type FeatureBatch, isFeatureBatch } from '../../tensor/feature-batch.ts';
import { latestCheckpoint, readCheckpoint, readCheckpointHeader, restoreModelState, saveModelCheckpoint } from '../checkpoint/checkpoint.ts';
import { type Hook, CheckpointSaverHook, LoggingHook, RunContext, type RunValues, SummarySaverHook, callHooks, writeSummaries } from '../hooks/hooks.ts';
import { isReiterable } from '../data/stream.ts';
import { LabelError, NoCheckpointError, NonFiniteLossError } from '../errors.ts';
import type { Model } from '../model/model.ts';

export const ModeKeys = { TRAIN: 'train', EVAL: 'eval', PREDICT: 'infer' } as const;
export type ModeKey = (typeof ModeKeys)[keyof typeof ModeKeys];

export interface RunConfigOptions {
  /** Where checkpoints, the checkpoint index and summaries.jsonl live. Required. */
  modelDir: string;
  /** Seed of weight init, dropout and shuffles for canned models (default 0). */
  randomSeed?: number;
  /** Save every N steps (default 100 unless saveCheckpointsSecs is given). */
  saveCheckpointsSteps?: number;
  saveCheckpointsSecs?: number;
  /** Checkpoints kept (default 5; 0 keeps all). */
  keepCheckpointMax?: number;
  /** Log loss and steps/s, and write loss summaries, every N steps (default 100; 0 turns both off). */
  logStepCountSteps?: number;
  /** Where log lines go (default stderr). */
  log?: (line: string) => void;
}

export class RunConfig {
  readonly modelDir: string;
  readonly randomSeed: number;
  readonly saveCheckpointsSteps: number | undefined;
  readonly saveCheckpointsSecs: number | undefined;
  readonly keepCheckpointMax: number;
  readonly logStepCountSteps: number;
  readonly log: ((line: string) => void) | undefined;

  constructor(options: RunConfigOptions) {
    if (options === undefined || typeof options.modelDir !== 'string' || options.modelDir === '') {
      throw new Error('RunConfig needs a modelDir (where checkpoints go), e.g. new RunConfig({modelDir: "models/census"})');
    }
    this.modelDir = options.modelDir;
    this.randomSeed = options.randomSeed ?? 0;
    if (!Number.isInteger(this.randomSeed)) throw new Error(`RunConfig: randomSeed must be an integer, got ${this.randomSeed}`);
    this.saveCheckpointsSecs = options.saveCheckpointsSecs;
    this.saveCheckpointsSteps = options.saveCheckpointsSteps ?? (options.saveCheckpointsSecs === undefined ? 100 : undefined);
    if (this.saveCheckpointsSteps !== undefined && !(Number.isInteger(this.saveCheckpointsSteps) && this.saveCheckpointsSteps >= 1)) {
      throw new Error(`RunConfig: saveCheckpointsSteps must be an integer ≥ 1, got ${this.saveCheckpointsSteps}`);
    }
    if (this.saveCheckpointsSecs !== undefined && !(this.saveCheckpointsSecs > 0)) throw new Error(`RunConfig: saveCheckpointsSecs must be > 0, got ${this.saveCheckpointsSecs}`);
    this.keepCheckpointMax = options.keepCheckpointMax ?? 5;
    if (!(Number.isInteger(this.keepCheckpointMax) && this.keepCheckpointMax >= 0)) throw new Error(`RunConfig: keepCheckpointMax must be an integer ≥ 0, got ${this.keepCheckpointMax}`);
    this.logStepCountSteps = options.logStepCountSteps ?? 100;
    if (!(Number.isInteger(this.logStepCountSteps) && this.logStepCountSteps >= 0)) throw new Error(`RunConfig: logStepCountSteps must be an integer ≥ 0, got ${this.logStepCountSteps}`);
    this.log = options.log;
  }
}

/** One streaming metric of an EVAL spec. */
export interface EvalMetricOp {
  reset(): void;
  /** Folds this spec's batch in. */
  update(): void | Promise<void>;
  result(): number;
}

export type Thunk<T> = T | (() => T | Promise<T>);
export type TrainOpResult = number | { loss: number; [scalar: string]: number };

export interface EstimatorSpec {
  mode: ModeKey;
  /** The model whose state checkpoints hold; the same object on every call. */
  model: Model;
  /** PREDICT (and EVAL): per-row outputs by key, each row-major [rows · width]. */
  predictions?: Thunk<Record<string, ArrayLike<number>>>;
  /** EVAL: the batch's mean loss. */
  loss?: Thunk<number>;
  /** TRAIN: one forward + backward + update on this batch; resolves to its loss. */
  trainOp?: () => Promise<TrainOpResult> | TrainOpResult;
  /** EVAL: streaming metrics by name. */
  evalMetricOps?: Record<string, EvalMetricOp>;
}

export type ModelFn<P = Record<string, unknown>> = (features: FeatureBatch, labels: Float32Array | null, mode: ModeKey, params: P,
  config: RunConfig) => EstimatorSpec | Promise<EstimatorSpec>;

/** What an input function yields: a feature batch (or, for canned estimators, an Arrow table/record batch) and labels. */
export interface InputBatch {
  features: FeatureBatch | Table | RecordBatch;
  labels?: ArrayLike<number> | null;
}

export interface InputContext {
  mode: ModeKey;
  /** The global step training resumes from: an input pipeline may skip what was already consumed. */
  globalStep: number;
}

/**
 * The input of `train`, `evaluate` and `predict`, called once per call with where training stands.
 *
 * Normalization statistics (a model with `normalize: true` over unfitted numeric slots): when training a fresh
 * model (no checkpoint) and the result is re-iterable (a data.Dataset: each `for await` a fresh pass), the
 * estimator first makes one full streaming pass over it and takes the statistics of all its rows (as
 * `Model.fit` over a Dataset does). Any other iterable, and a Dataset that repeats forever (`repeat()`: its
 * pass never ends), is read once, so the statistics come from its FIRST batch only: for statistics of the whole data, return a Dataset, or fit 'zscore' normalizers in the columns
 * (`fcol fit`, `normalizer: 'zscore'`) so nothing needs adapting. A checkpoint's statistics always win.
 */
export type InputFn = (context: InputContext) => Iterable<InputBatch> | AsyncIterable<InputBatch> | Promise<Iterable<InputBatch> | AsyncIterable<InputBatch>>;

export interface TrainOptions {
  /** Steps to train from where the model dir is. */
  steps?: number;
  /** Train until the global step reaches this (nothing to do when it already has). */
  maxSteps?: number;
  hooks?: Hook[];
}

export interface EvaluateOptions {
  /** Batches to evaluate (default: until the input ends). */
  steps?: number;
  /** Prefix of the summaries written (default 'eval'). */
  name?: string;
}

export type EvalResult = Record<string, number> & { loss: number; globalStep: number };
export type PredictionRow = Record<string, number[]>;

export interface EstimatorOptions<P> {
  modelFn: ModelFn<P>;
  config: RunConfig | RunConfigOptions;
  params?: P;
}

async function* iterate<T>(source: Iterable<T> | AsyncIterable<T>): AsyncGenerator<T> {
  if (source === null || typeof source !== 'object' || (!(Symbol.asyncIterator in source) && !(Symbol.iterator in source))) {
    throw new Error('inputFn must return an iterable or async iterable of {features, labels}');
  }
  yield* source as AsyncIterable<T>;
}

/**
 * The path of the model dir's latest checkpoint, read from its index at the first call and remembered after: one
 * read serves the lookups of a train/evaluate/predict call up to its first batch's load. Not later: train saves
 * checkpoints after it, and predict yields rows, so its caller may train before the next batch.
 */
function latestOnce(dir: string): () => Promise<string | null> {
  let latest: Promise<string | null> | undefined;
  return () => (latest ??= latestCheckpoint(dir));
}

/** The error of a non-finite loss; the model dir keeps its last good checkpoint. */
export class DivergedError extends Error {
  constructor(readonly step: number, readonly loss: number, readonly lastCheckpoint: string | null) {
    super(`training diverged: the loss is ${loss} at global step ${step}; the model dir keeps ${lastCheckpoint === null ? 'no checkpoint (none was saved yet)' : `its last good checkpoint ${lastCheckpoint}`}. ` +
      'Lower the learning rate, scale the numeric inputs (normalize), or check the data for NaN/infinite values and the labels');
    this.name = 'DivergedError';
  }
}

export class Estimator<P = Record<string, unknown>> {
  readonly config: RunConfig;
  readonly params: P;
  private readonly modelFn: ModelFn<P>;
  /** The live model, once a modelFn call returned it. */
  model: Model | null = null;
  /** The step the live model's state is at; null: not loaded (or untrustworthy after a failure): read the checkpoint. */
  private liveStep: number | null = null;
  private liveHasOptimizerState = false;
  private trainingReady = false;

  constructor(options: EstimatorOptions<P>) {
    if (options === undefined || typeof options.modelFn !== 'function') throw new Error('Estimator needs a modelFn(features, labels, mode, params, config) returning an EstimatorSpec');
    this.modelFn = options.modelFn;
    this.config = options.config instanceof RunConfig ? options.config : new RunConfig(options.config);
    this.params = options.params ?? ({} as P);
  }

  get modelDir(): string {
    return this.config.modelDir;
  }

  /** The global step: the live model's, else the latest checkpoint's, else 0. */
  async globalStep(): Promise<number> {
    return this.stepAt(latestOnce(this.modelDir));
  }

  /** `globalStep`, with the latest checkpoint from `latest`. */
  private async stepAt(latest: () => Promise<string | null>): Promise<number> {
    if (this.liveStep !== null) return this.liveStep;
    const path = await latest();
    return path === null ? 0 : (await readCheckpointHeader(path)).globalStep;
  }

  /** Turns an input's features into a FeatureBatch (canned estimators transform Arrow data here). */
  protected toFeatureBatch(features: InputBatch['features']): FeatureBatch {
    if (!isFeatureBatch(features)) throw new Error('inputFn: features must be a FeatureBatch (compile(columns, schema).transform(batch, {sparse: "all"}))');
    return features;
  }

  /** Checks one batch's labels (type and values); canned estimators add range checks for their head. */
  protected checkLabels(labels: ArrayLike<number>, rows: number, where: string): Float32Array {
    if (typeof labels !== 'object' || labels === null || typeof labels.length !== 'number') throw new Error(`${where}: labels must be an array of numbers, got ${typeof labels}`);
    if (labels.length === 0 && rows > 0) throw new Error(`${where}: ${rows} rows but no labels`);
    if (labels.length % Math.max(1, rows) !== 0) throw new Error(`${where}: ${rows} rows but ${labels.length} labels`);
    const out = new Float32Array(labels.length);
    for (let i = 0; i < labels.length; i++) {
      const y = labels[i] as unknown;
      if (typeof y !== 'number') {
        throw new LabelError(i, y, `${where}: label ${i} is ${JSON.stringify(y)} (${typeof y}); labels must be numbers: map class names to ids 0..nClasses-1 (a label vocabulary)`);
      }
      if (!Number.isFinite(y)) throw new LabelError(i, y, `${where}: label ${i} is ${y}; labels must be finite numbers`);
      out[i] = y;
    }
    return out;
  }

  private unpack(item: InputBatch, requireLabels: boolean, where: string): { features: FeatureBatch; labels: Float32Array | null } {
    if (item === null || typeof item !== 'object' || !('features' in item)) throw new Error(`${where}: inputFn must yield {features, labels} objects`);
    const features = this.toFeatureBatch(item.features);
    if (item.labels == null) {
      if (requireLabels) throw new Error(`${where}: the batch has no labels; training and evaluation need {features, labels}`);
      return { features, labels: null };
    }
    return { features, labels: this.checkLabels(item.labels, features.numRows, where) };
  }

  private async spec(features: FeatureBatch, labels: Float32Array | null, mode: ModeKey): Promise<EstimatorSpec> {
    const spec = await this.modelFn(features, labels, mode, this.params, this.config);
    if (spec === null || typeof spec !== 'object' || spec.model === undefined) throw new Error(`modelFn must return an EstimatorSpec {mode, model, ...} (mode ${mode})`);
    if (this.model === null) this.model = spec.model;
    else if (spec.model !== this.model) throw new Error('modelFn returned a different model than before: create the model once and return the same object on every call');
    return spec;
  }

  /**
   * Builds (and for training, prepares optimizers of) the model, then loads the latest checkpoint (from `latest`)
   * unless the live state is current.
   */
  private async load(mode: ModeKey, features: FeatureBatch, labels: Float32Array | null,
    latest = latestOnce(this.modelDir)): Promise<void> {
    const model = this.model!;
    if (mode === ModeKeys.TRAIN && !this.trainingReady) {
      await model.fit({ features, labels: labels! }, { epochs: 0 }); // builds, adapts, creates the optimizer groups; trains nothing
      this.trainingReady = true;
    } else if (!model.built) {
      model.build(features);
    }
    const needed = this.liveStep === null || (mode === ModeKeys.TRAIN && !this.liveHasOptimizerState);
    if (!needed) return;
    const path = await latest();
    if (path !== null) {
      const data = await readCheckpoint(path);
      restoreModelState(model, data, path, { optimizers: this.trainingReady });
      this.liveStep = data.globalStep;
      this.liveHasOptimizerState = this.trainingReady;
    } else if (mode === ModeKeys.TRAIN && this.liveStep === null) {
      this.liveStep = 0;
      this.liveHasOptimizerState = true;
    } else if (this.liveStep === null) {
      throw new NoCheckpointError(this.modelDir, `${mode === ModeKeys.EVAL ? 'evaluate' : 'predict'}: no checkpoint in ${this.modelDir} and the model is untrained; train first (or point modelDir at a trained model)`);
    }
  }

  /**
   * The streaming pre-pass of a fresh model's training over a re-iterable input: the first batch gives the model
   * (modelFn) and builds it; when it needs normalization statistics, they are accumulated over the whole pass
   * (Model.adaptStream), else reading stops there. A later `load` then keeps these statistics.
   */
  private async adaptOnePass(source: AsyncIterable<InputBatch>): Promise<void> {
    const iterator = source[Symbol.asyncIterator]();
    let index = 0;
    const unpacked = async function* (this: Estimator<P>): AsyncGenerator<{ features: FeatureBatch; labels: Float32Array | null }> {
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        const { features, labels } = this.unpack(next.value, true, `train (statistics pass, batch ${++index})`);
        if (features.numRows === 0) continue;
        if (this.model === null) await this.spec(features, labels, ModeKeys.TRAIN);
        yield { features, labels };
      }
    }.call(this);
    try {
      const first = await unpacked.next();
      if (first.done) throw new Error('train: the inputFn yielded no batches (an empty dataset); check the input files and filters');
      const rest = async function* (): AsyncGenerator<{ features: FeatureBatch; labels: Float32Array | null }> {
        yield first.value;
        yield* unpacked;
      };
      await this.model!.adaptStream(rest(), 'train');
    } finally {
      await unpacked.return(undefined);
      await iterator.return?.(undefined);
    }
  }

  /** Trains from the latest checkpoint for `steps` more steps, or up to `maxSteps`, or until the input ends or a hook stops it. */
  async train(inputFn: InputFn, options: TrainOptions = {}): Promise<this> {
    const { steps, maxSteps } = options;
    if (steps !== undefined && !(Number.isInteger(steps) && steps >= 0)) throw new Error(`train: steps must be an integer ≥ 0, got ${steps}`);
    if (maxSteps !== undefined && !(Number.isInteger(maxSteps) && maxSteps >= 0)) throw new Error(`train: maxSteps must be an integer ≥ 0, got ${maxSteps}`);
    if (steps !== undefined && maxSteps !== undefined) throw new Error('train: give steps or maxSteps, not both');
    const latest = latestOnce(this.modelDir); // nothing saves before the training loop
    let step = await this.stepAt(latest);
    const stopAt = steps !== undefined ? step + steps : maxSteps ?? Infinity;
    if (step >= stopAt) return this;

    const source = await inputFn({ mode: ModeKeys.TRAIN, globalStep: step });
    // A fresh model over a re-iterable input (a Dataset): normalization statistics from one full pass first.
    if (!this.trainingReady && this.liveStep === null && isReiterable(source) && !(source as { endless?: boolean }).endless && (await latest()) === null) {
      await this.adaptOnePass(source);
    }
    const iterator = iterate(source);
    let next = await iterator.next();
    if (next.done) throw new Error('train: the inputFn yielded no batches (an empty dataset); check the input files and filters');
    const first = this.unpack(next.value, true, `train (global step ${step})`);
    await this.spec(first.features, first.labels, ModeKeys.TRAIN);
    await this.load(ModeKeys.TRAIN, first.features, first.labels, latest);
    step = this.liveStep!;
    if (step >= stopAt) return this;

    const model = this.model!, config = this.config;
    let lastCheckpoint = await latest();
    const save = async (at: number) => {
      lastCheckpoint = await saveModelCheckpoint(this.modelDir, model, at, { keepCheckpointMax: config.keepCheckpointMax });
    };
    const hooks: Hook[] = [...(options.hooks ?? [])];
    if (config.logStepCountSteps > 0) {
      hooks.push(new LoggingHook({ everySteps: config.logStepCountSteps, write: config.log }));
      hooks.push(new SummarySaverHook({ modelDir: this.modelDir, everySteps: config.logStepCountSteps }));
    }
    hooks.push(new CheckpointSaverHook({ save, everySteps: config.saveCheckpointsSteps, everySecs: config.saveCheckpointsSecs }));

    const ctx = new RunContext(step);
    await callHooks(hooks, 'begin');
    let item: { features: FeatureBatch; labels: Float32Array | null } | null = first;
    while (item !== null && step < stopAt) {
      ctx.globalStep = step;
      await callHooks(hooks, 'beforeRun', ctx);
      if (item.features.numRows === 0) throw new Error(`train: the batch of global step ${step + 1} has no rows`);
      const spec = await this.spec(item.features, item.labels, ModeKeys.TRAIN);
      if (typeof spec.trainOp !== 'function') throw new Error('modelFn returned no trainOp in TRAIN mode');
      let result: TrainOpResult;
      try {
        result = await spec.trainOp();
      } catch (e) {
        if (e instanceof NonFiniteLossError) {
          this.liveStep = null; // the live state went past the last good one; reload from disk next time
          throw new DivergedError(step + 1, e.loss, lastCheckpoint);
        }
        throw e;
      }
      const scalars = typeof result === 'number' ? { loss: result } : result;
      if (!Number.isFinite(scalars.loss)) {
        this.liveStep = null;
        throw new DivergedError(step + 1, scalars.loss, lastCheckpoint);
      }
      step++;
      this.liveStep = step;
      const values: RunValues = { ...scalars, loss: scalars.loss, globalStep: step, rows: item.features.numRows };
      await callHooks(hooks, 'afterRun', ctx, values);
      if (ctx.stopRequested || step >= stopAt) break;
      next = await iterator.next();
      item = next.done ? null : this.unpack(next.value, true, `train (global step ${step + 1})`);
    }
    ctx.globalStep = step;
    await callHooks(hooks, 'end', ctx);
    await iterator.return(undefined);
    return this;
  }

  /** Loss (mean over rows) and every eval metric over the input, plus the global step evaluated. */
  async evaluate(inputFn: InputFn, options: EvaluateOptions = {}): Promise<EvalResult> {
    const { steps } = options;
    if (steps !== undefined && !(Number.isInteger(steps) && steps >= 1)) throw new Error(`evaluate: steps must be an integer ≥ 1, got ${steps}`);
    let latest: (() => Promise<string | null>) | undefined = latestOnce(this.modelDir); // until the first batch is loaded
    const iterator = iterate(await inputFn({ mode: ModeKeys.EVAL, globalStep: await this.stepAt(latest) }));
    let batches = 0, rows = 0, lossSum = 0;
    let ops: Record<string, EvalMetricOp> | null = null;
    for await (const raw of iterator) {
      if (steps !== undefined && batches >= steps) break;
      const { features, labels } = this.unpack(raw, true, `evaluate (batch ${batches + 1})`);
      if (features.numRows === 0) continue;
      const spec = await this.spec(features, labels, ModeKeys.EVAL);
      await this.load(ModeKeys.EVAL, features, labels, latest);
      latest = undefined;
      if (spec.loss === undefined) throw new Error('modelFn returned no loss in EVAL mode');
      const current = spec.evalMetricOps ?? {};
      if (ops === null) for (const op of Object.values(current)) op.reset();
      ops = current;
      for (const op of Object.values(current)) await op.update();
      const loss = typeof spec.loss === 'function' ? await spec.loss() : spec.loss;
      lossSum += loss * features.numRows;
      rows += features.numRows;
      batches++;
    }
    if (rows === 0) throw new Error('evaluate: the inputFn yielded no rows (an empty dataset); check the input files and filters');
    const metrics: Record<string, number> = { loss: lossSum / rows };
    for (const [name, op] of Object.entries(ops ?? {})) metrics[name] = op.result();
    const globalStep = this.liveStep ?? 0;
    const prefix = options.name ?? 'eval';
    await writeSummaries(this.modelDir, globalStep, Object.fromEntries(Object.entries(metrics).map(([k, v]) => [`${prefix}/${k}`, v])));
    return { ...metrics, loss: metrics.loss, globalStep };
  }

  /** Per-row predictions, by key (each a number[]: e.g. {probabilities: [0.3, 0.7], classIds: [1]}). */
  async *predict(inputFn: InputFn, options: { predictKeys?: readonly string[] } = {}): AsyncGenerator<PredictionRow> {
    let latest: (() => Promise<string | null>) | undefined = latestOnce(this.modelDir); // until the first batch is loaded (rows are yielded next)
    const iterator = iterate(await inputFn({ mode: ModeKeys.PREDICT, globalStep: await this.stepAt(latest) }));
    let total = 0;
    for await (const raw of iterator) {
      const { features, labels } = this.unpack(raw, false, `predict (row ${total})`);
      if (features.numRows === 0) continue;
      const spec = await this.spec(features, labels, ModeKeys.PREDICT);
      await this.load(ModeKeys.PREDICT, features, labels, latest);
      latest = undefined;
      if (spec.predictions === undefined) throw new Error('modelFn returned no predictions in PREDICT mode');
      const all = typeof spec.predictions === 'function' ? await spec.predictions() : spec.predictions;
      const keys = options.predictKeys ?? Object.keys(all);
      for (const k of keys) if (!(k in all)) throw new Error(`predict: no prediction key '${k}'; the model gives ${Object.keys(all).join(', ')}`);
      const n = features.numRows;
      for (let r = 0; r < n; r++) {
        const row: PredictionRow = {};
        for (const k of keys) {
          const values = all[k], width = values.length / n;
          const out = new Array<number>(width);
          for (let j = 0; j < width; j++) out[j] = values[r * width + j];
          row[k] = out;
        }
        yield row;
      }
      total += n;
    }
    if (total === 0) throw new Error('predict: the inputFn yielded no rows (an empty dataset)');
  }
}
