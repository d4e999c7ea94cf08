/**
 * The training loop shared by `Sequential` and `WideAndDeep`: compile, fit, evaluate, predict over
 * in-memory FeatureBatches. A subclass is the network: it builds its weights from the first batch,
 * runs forward to outputs [rows, units] and backward from ∂loss/∂outputs, and names its parameter
 * groups, each with its optimizer.
 *
 * A warm step allocates nothing: minibatches are gathered into fixed buffers (BatchGatherer), the
 * layers own buffers sized for the batch, losses and metrics write into preallocated arrays
 * (except the exact AUC, which keeps every score and grows its store amortized).
 */
import type { Backend } from '../backend/backend.ts';
import type { DenseFeatures, InputStatistics } from '../layers/dense-features.ts';
import { type BackendKind, createBackend } from '../backend/select.ts';
import type { FeatureBatch } from '../../tensor/feature-batch.ts';
import { BatchGatherer, identityOrder } from '../data/batch-gatherer.ts';
import { type DataInput, type Dataset, type Example, collectDataset } from '../data/examples.ts';
import { NumericSample, type TargetSpec } from '../data/numeric-sample.ts';
import { shuffleInPlace } from '../data/shuffle.ts';
import { isReiterable, type ReiterableInput, unpackStreamed } from '../data/stream.ts';
import { NonFiniteLossError } from '../errors.ts';
import { type Loss, type LossName, createLoss } from '../losses.ts';
import { createMetric, type MetricName } from '../metrics/create.ts';
import type { Metric } from '../metrics/metric.ts';
import type { Optimizer } from '../optimizers/optimizer.ts';
import type { OptimizerName } from '../optimizers/create.ts';
import { type Parameter, withParameterBackend } from '../parameter.ts';
import { Random } from '../../kernels/random.ts';
import { type Callback, type History, type Logs, notify } from './callbacks.ts';
import { TrainingRun } from './training-run.ts';

export interface CompileOptions {
  /** Sequential: required. WideAndDeep: its parts have their own (constructor options). */
  optimizer?: Optimizer | OptimizerName;
  loss: Loss | LossName;
  metrics?: (Metric | MetricName)[];
  /** Compute backend: 'js' (default), 'gpu', 'auto' (measured at the first fit), or an instance. */
  backend?: BackendKind | Backend;
  /** Threads of the js backend's wasm kernel: 2 (default, where there are two cores; same results) or 1. Not for an instance. */
  threads?: 1 | 2;
}

export interface FitOptions {
  epochs?: number;
  batchSize?: number;
  validationData?: DataInput;
  callbacks?: Callback | Callback[];
  /** Reshuffle the rows every epoch (default true). Ignored for a Dataset, whose own shuffle decides the order. */
  shuffle?: boolean;
  /**
   * A Dataset only: batches per epoch. Without it an epoch is one full pass; with it one pass continues across
   * epochs (a new pass starts when one ends), so an endless `repeat()` works.
   */
  stepsPerEpoch?: number;
  /** Seed of the shuffle order; default derived from the model's seed. Given, it restarts the order stream. */
  seed?: number;
  /** Print one line per epoch to stderr (default false). */
  verbose?: boolean;
  /** Time each phase of the steps (gather, forward, loss, backward, update, metrics) into `history.profile`. */
  profile?: boolean;
}

export interface EvaluateOptions {
  batchSize?: number;
}

export interface PredictOptions {
  batchSize?: number;
  /** Return the raw outputs (logits) instead of the loss's link applied (probabilities). */
  logits?: boolean;
}

/** One optimizer and the parameters it updates. */
export interface ParameterGroup {
  optimizer: Optimizer;
  parameters: Parameter[];
}

interface Compiled {
  loss: Loss;
  metrics: Metric[];
  backendSpec: BackendKind | Backend;
  threads: 1 | 2 | undefined;
  optimizer: Optimizer | OptimizerName | undefined;
}

/** Stream numbers: model weights, shuffles and dropout draw from unrelated generators of one seed. */
const INIT_STREAM = 0, SHUFFLE_STREAM = 1;

export function streamSeed(seed: number, stream: number): number {
  return ((seed >>> 0) ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
}

export abstract class Model {
  readonly seed: number;
  /** Set by a callback to end `fit` after the current batch. */
  stopTraining = false;
  /** The backend in use, once the first fit/evaluate/predict chose it; `backendReason` says why. */
  backend: Backend | null = null;
  backendReason = '';
  protected readonly initRandom: Random;
  protected shuffleRandom: Random;
  private compiled: Compiled | null = null;
  private groups: ParameterGroup[] | null = null;
  private outputs: Float32Array = new Float32Array(0);
  private gradient: Float32Array = new Float32Array(0);
  private predictions: Float32Array = new Float32Array(0);
  private steps = 0;

  constructor(seed = 0) {
    if (!Number.isInteger(seed)) throw new Error(`model seed must be an integer, got ${seed}`);
    this.seed = seed;
    this.initRandom = new Random(streamSeed(seed, INIT_STREAM));
    this.shuffleRandom = new Random(streamSeed(seed, SHUFFLE_STREAM));
  }

  // ---- the network, for subclasses ----

  /** Whether weights exist. */
  abstract get built(): boolean;
  /** Outputs per row; known once built. */
  abstract get units(): number;
  /** Creates the weights from the shapes of `batch` (all training rows, for statistics). */
  protected abstract buildNetwork(batch: FeatureBatch, random: Random): void;
  /** The layer that normalizes the dense inputs with statistics of the data, if any (default none). */
  protected normalizedInputs(): DenseFeatures | null {
    return null;
  }
  /** Told which parameters `setWeights` set (so restored normalization statistics count as adapted). */
  private weightsRestored(names: readonly string[]): void {
    this.normalizedInputs()?.weightsRestored(names);
  }
  /** Per-dataset preparation before training: normalization statistics of all its rows. */
  private adaptTo(dataset: Dataset): void {
    if (!this.needsAdaptation()) return;
    const layer = this.normalizedInputs()!;
    layer.adapt(dataset.features, dataset.labels ?? undefined, this.targetSpec(layer));
  }
  /**
   * What the labels are, for statistics fitted to them (undefined when the layer's are not): the loss's label
   * width, and one-hot classes for sparse categorical labels.
   */
  private targetSpec(layer: DenseFeatures): TargetSpec | undefined {
    if (!layer.adaptsToLabels) return undefined;
    const loss = this.requireCompiled().loss, units = this.units;
    return { labelWidth: loss.labelWidth(units), classes: loss.name === 'sparseCategoricalCrossentropy' ? units : null };
  }
  /** Whether training needs statistics of the data first (a streamed dataset then gets a pre-pass). */
  private needsAdaptation(): boolean {
    const layer = this.normalizedInputs();
    return layer !== null && !layer.isAdapted;
  }
  /** Outputs [rows, units] (a buffer the network owns). */
  protected abstract forward(backend: Backend, batch: FeatureBatch, rows: number, training: boolean): Float32Array;
  /** Gradients of every parameter from ∂loss/∂outputs; returns the regularization penalty. */
  protected abstract backward(backend: Backend, dOutputs: Float32Array, rows: number): number;
  /** The regularization penalty of the current weights. */
  protected abstract penalty(): number;
  /** Optimizer groups; called once, after build and compile. */
  protected abstract parameterGroups(compiledOptimizer: Optimizer | OptimizerName | undefined): ParameterGroup[];
  /** Every parameter (trainable or not), in a fixed order. */
  abstract parameters(): Parameter[];

  // ---- the Keras-style surface ----

  /** Sets the loss, metrics, optimizer and backend; may be called again (optimizer state restarts). */
  compile(options: CompileOptions): void {
    if (options === undefined || options.loss === undefined) throw new Error('compile needs a loss, e.g. {loss: "binaryCrossentropy"}');
    const loss = createLoss(options.loss);
    const metrics = (options.metrics ?? []).map((m) => createMetric(m));
    const names = new Set<string>(['loss']);
    for (const m of metrics) {
      if (names.has(m.name)) throw new Error(`compile: two metrics are named '${m.name}'`);
      names.add(m.name);
    }
    if (options.threads !== undefined && options.threads !== 1 && options.threads !== 2) throw new Error(`compile: threads must be 1 or 2, got ${options.threads}`);
    this.compiled = { loss, metrics, backendSpec: options.backend ?? 'js', threads: options.threads, optimizer: options.optimizer };
    this.groups = null;
  }

  /** The optimizers, with their parameters (after the first fit). */
  get optimizers(): ParameterGroup[] {
    return this.groups ?? [];
  }

  /** Trains on `data` and returns the per-epoch history. */
  async fit(data: DataInput, options: FitOptions = {}): Promise<History> {
    const compiled = this.requireCompiled();
    const epochs = options.epochs ?? 1, batchSize = options.batchSize ?? 32;
    if (!(Number.isInteger(epochs) && epochs >= 0)) throw new Error(`fit: epochs must be an integer ≥ 0, got ${epochs}`);
    if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new Error(`fit: batchSize must be an integer ≥ 1, got ${batchSize}`);
    const callbacks = options.callbacks === undefined ? [] : Array.isArray(options.callbacks) ? options.callbacks : [options.callbacks];
    if (isReiterable(data)) return this.fitStream(data, options, callbacks);
    const backend = await this.resolveBackend();
    const train = await collectDataset(data, true, 'fit data');
    this.ensureBuilt(train);
    this.adaptTo(train);
    const labelWidth = this.checkLabels(train, 'fit data');
    const validation = options.validationData === undefined ? null : await collectDataset(options.validationData, true, 'validationData');
    if (validation !== null) this.checkLabels(validation, 'validationData');
    this.ensureGroups();
    if (options.seed !== undefined) this.shuffleRandom = new Random(streamSeed(options.seed, SHUFFLE_STREAM));

    const gatherer = new BatchGatherer(train, labelWidth, Math.min(batchSize, train.numRows));
    this.reserve(Math.min(batchSize, train.numRows) * this.units);
    const order = identityOrder(train.numRows);
    const run = new TrainingRun(backend, compiled.loss, compiled.metrics, callbacks, options.profile ?? false);
    const history: History = { epoch: [], history: {} };
    this.stopTraining = false;
    await notify(callbacks, 'onTrainBegin');
    let logs: Logs = {};

    for (let epoch = 0; epoch < epochs && !this.stopTraining; epoch++) {
      await notify(callbacks, 'onEpochBegin', epoch);
      const started = performance.now();
      run.startEpoch();
      if (options.shuffle ?? true) shuffleInPlace(order, this.shuffleRandom);
      for (let start = 0, b = 0; start < train.numRows && !this.stopTraining; start += batchSize, b++) {
        const rows = Math.min(batchSize, train.numRows - start);
        const t0 = run.clock();
        const batch = gatherer.gather(order, start, rows);
        const total = this.trainStep(run, batch, gatherer.labels, rows, labelWidth, t0, epoch, b);
        await run.batchEnd(b, total, rows, this.steps);
      }
      logs = run.epochLogs();
      if (validation !== null) {
        const v = this.evaluateDataset(backend, validation, Math.max(batchSize, 256));
        for (const [k, value] of Object.entries(v)) logs[`val_${k}`] = value;
      }
      await endEpoch(history, epoch, epochs, logs, started, options.verbose ?? false, callbacks);
    }
    await notify(callbacks, 'onTrainEnd', logs);
    if (run.profile !== null) history.profile = run.profile;
    return history;
  }

  /**
   * One training step on all rows of `features`, as an Estimator's trainOp runs it: forward, backward, every
   * optimizer's update. Builds the model, and adapts its normalization to this batch, when not done yet (as
   * `fit` over this one batch would). Returns the batch's loss (regularization included) and metrics.
   */
  async trainOnBatch(features: FeatureBatch, labels: Float32Array): Promise<Logs> {
    const { loss, metrics } = this.requireCompiled();
    const backend = await this.resolveBackend();
    const rows = features.numRows;
    const batch: Dataset = { features, labels, numRows: rows };
    this.ensureBuilt(batch);
    this.adaptTo(batch);
    const labelWidth = this.checkLabels(batch, 'fit data');
    this.reserve(rows * this.units);
    const run = new TrainingRun(backend, loss, metrics, [], false);
    run.startEpoch();
    this.trainStep(run, features, labels, rows, labelWidth, 0, 0, 0);
    return run.epochLogs();
  }

  /** Loss (regularization included, as Keras) and each compiled metric over `data`. */
  async evaluate(data: DataInput, options: EvaluateOptions = {}): Promise<Logs> {
    this.requireCompiled();
    const backend = await this.resolveBackend();
    if (isReiterable(data)) return this.evaluateStream(backend, data, 'evaluate data');
    const dataset = await collectDataset(data, true, 'evaluate data');
    this.ensureBuilt(dataset);
    this.checkLabels(dataset, 'evaluate data');
    return this.evaluateDataset(backend, dataset, options.batchSize ?? 256);
  }

  /** Predictions [rows, units], row-major: probabilities for the cross-entropies (or logits), values for MSE. */
  async predict(data: DataInput<Example | FeatureBatch>, options: PredictOptions = {}): Promise<Float32Array> {
    const compiled = this.requireCompiled();
    const backend = await this.resolveBackend();
    if (isReiterable(data)) return this.predictStream(backend, data, options.logits ?? false);
    const dataset = await collectDataset(data, false, 'predict data');
    this.ensureBuilt(dataset);
    const batchSize = Math.min(options.batchSize ?? 256, dataset.numRows), units = this.units;
    const gatherer = new BatchGatherer({ ...dataset, labels: null }, 0, batchSize);
    const order = identityOrder(dataset.numRows);
    const result = new Float32Array(dataset.numRows * units);
    for (let start = 0; start < dataset.numRows; start += batchSize) {
      const rows = Math.min(batchSize, dataset.numRows - start);
      const out = this.forward(backend, gatherer.gather(order, start, rows), rows, false);
      const target = result.subarray(start * units, (start + rows) * units);
      if (options.logits) target.set(out.subarray(0, rows * units));
      else compiled.loss.predict(backend, out, rows, units, target);
    }
    return result;
  }

  /**
   * Creates the weights from a batch's shapes now (fit, evaluate and predict do it on first use):
   * for `setWeights` before any training, e.g. when restoring saved weights.
   */
  build(features: FeatureBatch): void {
    if (!this.built) this.buildWithBackend(features);
  }

  /** Copies of every parameter's values, by name. */
  getWeights(): { name: string; values: Float32Array }[] {
    return this.parameters().map((p) => ({ name: p.name, values: p.value.slice() }));
  }

  /** Sets parameters by name (shapes must match); returns the names set. */
  setWeights(weights: readonly { name: string; values: ArrayLike<number> }[]): string[] {
    const byName = new Map(this.parameters().map((p) => [p.name, p]));
    for (const w of weights) {
      const p = byName.get(w.name);
      if (p === undefined) throw new Error(`setWeights: the model has no parameter '${w.name}'`);
      if (w.values.length !== p.size) throw new Error(`setWeights: '${w.name}' has ${p.size} values, given ${w.values.length}`);
      p.value.set(w.values);
    }
    const names = weights.map((w) => w.name);
    this.weightsRestored(names);
    return names;
  }

  /** Total count of parameter values. */
  countParameters(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /** The generators' states (weights init, shuffle), for a checkpoint. */
  randomState(): { init: number[]; shuffle: number[] } {
    return { init: this.initRandom.state(), shuffle: this.shuffleRandom.state() };
  }

  // ---- internals ----

  /**
   * fit over a re-iterable stream (a data.Dataset): one pass per epoch (or `stepsPerEpoch` batches), in the
   * stream's own batches and order; nothing is collected. Batches may vary in size (buffers grow to the largest).
   * Normalization statistics, when the model needs them, come from one streaming pre-pass.
   */
  private async fitStream(data: ReiterableInput, options: FitOptions, callbacks: Callback[]): Promise<History> {
    const { loss, metrics } = this.requireCompiled();
    if (options.batchSize !== undefined) throw new Error('fit: a Dataset makes its own batches (dataset.batch(n)); leave out batchSize');
    const epochs = options.epochs ?? 1, stepsPerEpoch = options.stepsPerEpoch;
    if (stepsPerEpoch !== undefined && !(Number.isInteger(stepsPerEpoch) && stepsPerEpoch >= 1)) throw new Error(`fit: stepsPerEpoch must be an integer ≥ 1, got ${stepsPerEpoch}`);
    const backend = await this.resolveBackend();
    if (epochs > 0 && this.needsAdaptation()) await this.adaptToStream(data, stepsPerEpoch);
    const v = options.validationData;
    const validation = v === undefined ? null : isReiterable(v) ? v : await collectDataset(v, true, 'validationData');
    const run = new TrainingRun(backend, loss, metrics, callbacks, options.profile ?? false);
    const history: History = { epoch: [], history: {} };
    let iterator: AsyncIterator<unknown> | null = null;
    let index = 0;
    this.stopTraining = false;
    await notify(callbacks, 'onTrainBegin');
    let logs: Logs = {};
    try {
      for (let epoch = 0; epoch < epochs && !this.stopTraining; epoch++) {
        await notify(callbacks, 'onEpochBegin', epoch);
        const started = performance.now();
        run.startEpoch();
        if (stepsPerEpoch === undefined) iterator = data[Symbol.asyncIterator]();
        let b = 0, freshPassEmpty = false;
        while (!this.stopTraining && (stepsPerEpoch === undefined || b < stepsPerEpoch)) {
          const t0 = run.clock();
          iterator ??= data[Symbol.asyncIterator]();
          const next = await iterator.next();
          if (next.done) {
            iterator = null;
            if (stepsPerEpoch === undefined || freshPassEmpty) break;
            freshPassEmpty = true; // start another pass, unless that one is empty too
            continue;
          }
          freshPassEmpty = false;
          const { features: batch, labels } = unpackStreamed(next.value, true, 'fit data', index++);
          const rows = batch.numRows;
          if (rows === 0) continue;
          const labelWidth = this.streamBatch(batch, labels!, 'fit data', index - 1);
          this.reserve(rows * this.units);
          const total = this.trainStep(run, batch, labels!, rows, labelWidth, t0, epoch, b); // t0..: waiting for the input pipeline
          await run.batchEnd(b, total, rows, this.steps);
          b++;
        }
        if (stepsPerEpoch === undefined) {
          await iterator?.return?.(undefined);
          iterator = null;
        }
        if (b === 0) throw new Error(`fit data: ${epoch === 0 ? 'no rows (an empty dataset)' : `epoch ${epoch + 1} got no rows: the dataset yields nothing on a second pass`}`);
        logs = run.epochLogs();
        if (validation !== null) {
          const vl = isReiterable(validation) ? await this.evaluateStream(backend, validation, 'validationData')
            : (this.checkLabels(validation, 'validationData'), this.evaluateDataset(backend, validation, 256));
          for (const [k, value] of Object.entries(vl)) logs[`val_${k}`] = value;
        }
        await endEpoch(history, epoch, epochs, logs, started, options.verbose ?? false, callbacks);
      }
    } finally {
      await iterator?.return?.(undefined);
    }
    await notify(callbacks, 'onTrainEnd', logs);
    if (run.profile !== null) history.profile = run.profile;
    return history;
  }

  /**
   * One step on the first `rows` rows of `batch`: forward, loss, backward, update, metrics, timed into the run's
   * profile from `t0` (when the batch was asked for). Returns the loss, regularization included.
   */
  private trainStep(run: TrainingRun, batch: FeatureBatch, labels: Float32Array, rows: number, labelWidth: number,
    t0: number, epoch: number, b: number): number {
    const { backend, loss } = run, units = this.units;
    const t1 = run.clock();
    const out = this.forward(backend, batch, rows, true);
    const t2 = run.clock();
    const value = loss.lossAndGradient(backend, out, labels, rows, units, this.gradient);
    loss.predict(backend, out, rows, units, this.predictions);
    const t3 = run.clock();
    const total = value + this.backward(backend, this.gradient, rows);
    const t4 = run.clock();
    this.steps++;
    if (!Number.isFinite(total)) {
      throw new NonFiniteLossError(total, this.steps, `training diverged: the loss is ${total} at step ${this.steps} (epoch ${epoch + 1}, batch ${b + 1}); ` +
        'lower the learning rate, scale the numeric inputs (DenseFeatures normalize), or check the labels');
    }
    for (const group of this.ensureGroups()) group.optimizer.apply(group.parameters);
    const t5 = run.clock();
    run.meanLoss.add(total, rows);
    for (const m of run.metrics) m.update(this.predictions, labels, rows, units, labelWidth);
    run.record(t0, t1, t2, t3, t4, t5);
    return total;
  }

  /** Builds on the first batch; checks a streamed batch's labels; returns the label width. */
  private streamBatch(features: FeatureBatch, labels: Float32Array, what: string, index: number): number {
    if (!this.built) this.buildWithBackend(features);
    const { loss } = this.requireCompiled();
    const units = this.units, labelWidth = loss.labelWidth(units);
    if (labels.length !== features.numRows * labelWidth) {
      throw new Error(`${what}: batch ${index} has ${labels.length} labels for ${features.numRows} rows; ${loss.name} with ${units} output(s) takes ${labelWidth} per row`);
    }
    loss.checkLabels(labels, labels.length, units);
    return labelWidth;
  }

  /**
   * Normalization statistics from one pass over a stream of batches (FeatureBatches or `{features, labels}`), when
   * the model needs them: builds on the first batch with rows, then accumulates the dense block's moments batch by
   * batch (nothing kept), as `fit`'s pre-pass over a Dataset. The result equals the statistics of all the rows at
   * once up to float64 rounding. Returns false, having read one batch at most, when the model needs no statistics
   * (no normalizing layer, or statistics already set or restored from a checkpoint).
   */
  async adaptStream(data: AsyncIterable<unknown> | Iterable<unknown>, what = 'adapt data'): Promise<boolean> {
    return this.adaptToStream(data, undefined, what);
  }

  /** Normalization statistics over one pass of the stream (or its first `limit` batches), without keeping it. */
  private async adaptToStream(data: AsyncIterable<unknown> | Iterable<unknown>, limit: number | undefined, what = 'fit data'): Promise<boolean> {
    let statistics: InputStatistics | null = null, rows = 0, i = 0;
    for await (const raw of data) {
      const layer = this.normalizedInputs();
      const { features, labels } = unpackStreamed(raw, layer?.adaptsToLabels ?? false, what, i);
      if (!this.built && features.numRows > 0) this.buildWithBackend(features);
      if (this.built && !this.needsAdaptation()) return false;
      if (this.built) {
        statistics ??= layer!.statistics(this.targetSpec(layer!));
        if (statistics instanceof NumericSample) statistics.add(features, labels!);
        else statistics.add(features);
        rows += features.numRows;
      }
      if (limit !== undefined && ++i >= limit) break;
    }
    if (statistics === null || rows === 0) throw new Error(`${what}: no rows (an empty dataset)`);
    this.normalizedInputs()!.adaptFrom(statistics);
    return true;
  }

  /** Loss and metrics over a stream, batch by batch as it comes. */
  private async evaluateStream(backend: Backend, data: ReiterableInput, what: string): Promise<Logs> {
    const compiled = this.requireCompiled();
    for (const m of compiled.metrics) m.reset();
    let total = 0, count = 0, index = 0;
    for await (const raw of data) {
      const { features, labels } = unpackStreamed(raw, true, what, index++);
      const rows = features.numRows;
      if (rows === 0) continue;
      const labelWidth = this.streamBatch(features, labels!, what, index - 1);
      this.reserve(rows * this.units);
      total += this.evaluateBatch(backend, compiled, features, labels!, rows, labelWidth);
      count += rows;
    }
    if (count === 0) throw new Error(`${what}: no rows (an empty dataset)`);
    return this.evaluationLogs(compiled.metrics, total, count);
  }

  /** Predictions over a stream, in its order. */
  private async predictStream(backend: Backend, data: ReiterableInput, logits: boolean): Promise<Float32Array> {
    const { loss } = this.requireCompiled();
    const parts: Float32Array[] = [];
    let size = 0, index = 0;
    for await (const raw of data) {
      const { features } = unpackStreamed(raw, false, 'predict data', index++);
      const rows = features.numRows;
      if (rows === 0) continue;
      if (!this.built) this.buildWithBackend(features);
      const units = this.units;
      const out = this.forward(backend, features, rows, false);
      const target = new Float32Array(rows * units);
      if (logits) target.set(out.subarray(0, rows * units));
      else loss.predict(backend, out, rows, units, target);
      parts.push(target);
      size += target.length;
    }
    if (size === 0) throw new Error('predict data: no rows (an empty dataset)');
    const result = new Float32Array(size);
    let at = 0;
    for (const p of parts) {
      result.set(p, at);
      at += p.length;
    }
    return result;
  }

  /** Loss and metrics over an in-memory dataset, in batches gathered into fixed buffers. */
  private evaluateDataset(backend: Backend, dataset: Dataset, batchSize: number): Logs {
    const compiled = this.requireCompiled();
    const units = this.units, labelWidth = compiled.loss.labelWidth(units);
    const capacity = Math.min(batchSize, dataset.numRows);
    const gatherer = new BatchGatherer(dataset, labelWidth, capacity);
    this.reserve(capacity * units);
    const order = identityOrder(dataset.numRows);
    for (const m of compiled.metrics) m.reset();
    let total = 0;
    for (let start = 0; start < dataset.numRows; start += capacity) {
      const rows = Math.min(capacity, dataset.numRows - start);
      total += this.evaluateBatch(backend, compiled, gatherer.gather(order, start, rows), gatherer.labels, rows, labelWidth);
    }
    return this.evaluationLogs(compiled.metrics, total, dataset.numRows);
  }

  /**
   * One evaluation batch (`reserve` done): forward without training, the metrics updated with its predictions.
   * Returns its loss summed over the rows (rows · mean).
   */
  private evaluateBatch(backend: Backend, { loss, metrics }: Compiled, features: FeatureBatch, labels: Float32Array, rows: number,
    labelWidth: number): number {
    const units = this.units;
    const out = this.forward(backend, features, rows, false);
    const sum = rows * loss.lossAndGradient(backend, out, labels, rows, units, this.gradient);
    loss.predict(backend, out, rows, units, this.predictions);
    for (const m of metrics) m.update(this.predictions, labels, rows, units, labelWidth);
    return sum;
  }

  /** An evaluation's logs: the mean loss over `count` rows plus the regularization penalty (as Keras), and each metric. */
  private evaluationLogs(metrics: readonly Metric[], total: number, count: number): Logs {
    const logs: Logs = { loss: total / count + this.penalty() };
    for (const m of metrics) logs[m.name] = m.result();
    return logs;
  }

  private requireCompiled(): Compiled {
    if (this.compiled === null) throw new Error('the model is not compiled: call compile({loss, optimizer, metrics}) first');
    return this.compiled;
  }

  private async resolveBackend(): Promise<Backend> {
    if (this.backend !== null) return this.backend;
    const { backendSpec: spec, threads } = this.requireCompiled();
    if (typeof spec === 'object') {
      this.backend = spec;
      this.backendReason = `${spec.name}: given`;
    } else {
      const choice = await createBackend(spec, { threads });
      this.backend = choice.backend;
      this.backendReason = choice.reason;
    }
    return this.backend;
  }

  /** Builds the layers, their dense parameters placed in the backend's memory once it is known (withParameterBackend). */
  private buildWithBackend(features: FeatureBatch): void {
    withParameterBackend(this.backend, () => this.buildNetwork(features, this.initRandom));
  }

  private ensureBuilt(dataset: Dataset): void {
    if (!this.built) this.buildWithBackend(dataset.features);
  }

  private ensureGroups(): ParameterGroup[] {
    this.groups ??= this.parameterGroups(this.requireCompiled().optimizer);
    return this.groups;
  }

  private checkLabels(dataset: Dataset, what: string): number {
    const { loss } = this.requireCompiled();
    const labelWidth = loss.labelWidth(this.units);
    const labels = dataset.labels!;
    if (labels.length !== dataset.numRows * labelWidth) {
      throw new Error(`${what}: ${labels.length} labels for ${dataset.numRows} rows; ${loss.name} with ${this.units} output(s) takes ${labelWidth} per row`);
    }
    loss.checkLabels(labels, labels.length, this.units);
    return labelWidth;
  }

  private reserve(size: number): void {
    if (this.gradient.length < size) this.gradient = new Float32Array(size);
    if (this.predictions.length < size) this.predictions = new Float32Array(size);
  }

  /** A model-owned [rows, units] buffer for subclasses that sum several outputs. */
  protected outputBuffer(size: number): Float32Array {
    if (this.outputs.length < size) this.outputs = new Float32Array(size);
    return this.outputs;
  }
}

/** Records an epoch's logs in the history, prints them when verbose, and tells the callbacks. */
async function endEpoch(history: History, epoch: number, epochs: number, logs: Logs, started: number, verbose: boolean,
  callbacks: readonly Callback[]): Promise<void> {
  history.epoch.push(epoch);
  for (const [k, value] of Object.entries(logs)) (history.history[k] ??= []).push(value);
  if (verbose) {
    const parts = Object.entries(logs).map(([k, value]) => `${k} ${value.toFixed(4)}`);
    process.stderr.write(`epoch ${epoch + 1}/${epochs}  ${((performance.now() - started) / 1000).toFixed(1)}s  ${parts.join('  ')}\n`);
  }
  await notify(callbacks, 'onEpochEnd', epoch, logs);
}
