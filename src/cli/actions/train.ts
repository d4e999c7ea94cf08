import { readdir } from 'node:fs/promises';
import { toConfig } from '../../index.ts';
import { latestCheckpoint } from '../../train/checkpoint/checkpoint.ts';
import { hashMode } from '../options.ts';
import type { EvalResult } from '../../train/estimator/estimator.ts';
import { UsageError } from '../errors.ts';
import { int, type Io } from '../io.ts';
import type { LabelFlags } from '../label.ts';
import { loadColumns, requireFittedColumns } from '../load-columns.ts';
import { DEFAULT_HIDDEN, DEFAULTS } from '../model/defaults.ts';
import { buildEstimator, computeOptions } from '../model/estimator.ts';
import {
  DEFAULT_SHUFFLE_BUFFER, type ExampleFiles, examplesDataset, openExamples, type PassCounts, type Scanned, scanExamples, sequentialInput,
  stepsPerEpoch, trainInput,
} from '../model/examples.ts';
import { checkSameModel, describeLabel, type Hyperparameters, type ModelKind, type ModelMeta, type NumericInput, newMeta, readModelMeta, writeModelMeta } from '../model/model-dir.ts';
import { asModuleLabel, coreStep, metricsText, orderedMetrics } from '../model/run.ts';
import { TrainProgress } from '../model/train-progress.ts';
import type { ModelReadFlags } from './evaluate.ts';
import { startQuarantine } from '../quarantine.ts';

export interface TrainFlags extends ModelReadFlags, LabelFlags {
  model: ModelKind;
  modelDir: string;
  hidden?: number[];
  epochs?: number;
  steps?: number;
  batchSize: number;
  learningRate: number;
  linearLearningRate?: number;
  decayEpochs: number;
  dropout: number;
  numeric: NumericInput;
  bins: number;
  seed: number;
  eval?: string;
  hash: string;
  summarySteps?: number;
  shuffleBuffer?: number;
}

/** What --json prints: the final evaluation's metrics by name, then the run. */
export interface TrainSummary {
  command: 'train';
  [metric: string]: unknown;
  loss: number;
  /** The global step the model is at (all runs into this model dir). */
  steps: number;
  stepsThisRun: number;
  epochs: number;
  seconds: number;
  trainSeconds: number;
  samplesPerSecond: number;
  modelDir: string;
  model: ModelKind;
  label: string;
  trainRows: number;
  trainRowsRejected: number;
  /** The file the final metrics are measured on: --eval's, else the training data. */
  evaluatedOn: string;
  evalRows: number;
  parameters: number;
  /** The compute backend that ran (--backend gpu falls back to js where gpu.js is not installed). */
  backend: string;
  /** Why that backend: "gpu: using ...", "gpu: gpu unavailable (gpu.js is not installed...); using js", "auto: ...". */
  backendReason: string;
}

/** `fcol train`: trains (or continues) the model in --model-dir, evaluating after every epoch with --eval. */
export async function train(columnsPath: string, data: string[], flags: TrainFlags, io: Io): Promise<TrainSummary> {
  const started = performance.now();
  const loaded = await loadColumns(columnsPath);
  requireFittedColumns(loaded);
  if (flags.model === 'linear' && flags.hidden !== undefined) throw new UsageError('--hidden is for --model dnn or wide-deep; a linear model has no hidden layers');
  if (flags.epochs !== undefined && flags.steps !== undefined) throw new UsageError('give --epochs or --steps, not both');
  if (!(flags.dropout >= 0 && flags.dropout < 1)) throw new UsageError(`--dropout ${flags.dropout}: expected a rate in [0, 1)`);
  const existing = await readModelMeta(flags.modelDir);
  if (existing === null) await refuseForeignDir(flags.modelDir);
  const hash = hashMode(flags.hash);
  const quiet = flags.quiet || flags.json;

  const kind = flags.model;
  const hyperOf = (linearDense: boolean): Hyperparameters => ({
    hidden: kind === 'linear' ? [] : flags.hidden ?? DEFAULT_HIDDEN,
    dropout: kind === 'linear' ? 0 : flags.dropout,
    learningRate: flags.learningRate,
    decayEpochs: flags.decayEpochs,
    linearLearningRate: kind === 'dnn' ? 0 : flags.linearLearningRate ?? DEFAULTS[kind].linearLearningRate,
    linearDense,
    numeric: kind === 'linear' ? 'raw' : flags.numeric,
    bins: kind === 'linear' || flags.numeric !== 'piecewise-linear' ? 0 : flags.bins,
    batchSize: flags.batchSize,
    seed: flags.seed,
  });
  // Other columns or settings than the model dir's: refused before any data is read.
  if (existing !== null) {
    checkSameModel(flags.modelDir, existing, { ...existing, model: kind, columns: toConfig(loaded.columns), hash, hyper: hyperOf(existing.hyper.linearDense) });
  }

  // One counting pass over each file first: rows, bad rows and an empty file are found before training starts.
  const bufferRows = flags.shuffleBuffer ?? DEFAULT_SHUFFLE_BUFFER;
  await startQuarantine(flags.onError, []);
  const trainFiles = await openExamples(data, {
    columns: loaded.columns, hash, label: { module: loaded.label, flags }, requireLabel: true, flags, what: 'training data',
  });
  const label = trainFiles.label!;
  let evalFiles: ExampleFiles | null = null, trainScan: Scanned, evalScan: Scanned | null;
  try {
    if (label.kind === 'classes' && label.vocabulary.length < 2) throw new UsageError(`--label-vocabulary ${label.vocabulary.join(',')}: a classifier needs at least 2 classes`);
    evalFiles = flags.eval === undefined ? null : await openExamples([flags.eval], {
      columns: loaded.columns, hash, label: { module: asModuleLabel(label), flags: {} }, requireLabel: true, flags, what: 'evaluation data',
    });
    trainScan = await scanExamples(trainFiles, bufferRows);
    evalScan = evalFiles === null ? null : await scanExamples(evalFiles, bufferRows);
  } catch (err) {
    await trainFiles.close();
    await evalFiles?.close();
    throw err;
  }
  const trainCounts = trainScan.counts;
  const trainRows = examplesDataset(trainFiles, trainScan);
  const evalRows = evalFiles === null ? null : examplesDataset(evalFiles, evalScan!);

  const hyper = hyperOf(Object.values(trainScan.first.sparse).every((tensor) => tensor.dimension !== null));
  const wanted = newMeta({
    model: kind, columns: toConfig(loaded.columns), hash, label, hyper,
    stepsPerEpoch: stepsPerEpoch(trainCounts.rows, flags.batchSize), trainFiles: trainFiles.files.map((f) => f.path), trainRows: trainCounts.rows,
    backend: flags.backend,
  });
  let meta: ModelMeta;
  if (existing !== null) {
    checkSameModel(flags.modelDir, existing, wanted);
    meta = existing;
  } else {
    meta = wanted;
    await writeModelMeta(flags.modelDir, meta);
  }
  const perEpoch = meta.stepsPerEpoch;
  const totalSteps = flags.steps ?? (flags.epochs ?? DEFAULTS[kind].epochs) * perEpoch;
  const summarySteps = flags.summarySteps ?? Math.max(1, Math.min(100, Math.ceil(perEpoch / 5)));
  const { estimator, model } = buildEstimator(meta, loaded.columns, flags.modelDir, {
    ...computeOptions(flags), summarySteps, checkpointSteps: perEpoch,
  });

  const startStep = await coreStep(flags.modelDir, () => estimator.globalStep());
  // A new model: the input statistics from one streaming pass over all training rows (a checkpoint's win otherwise).
  if (startStep === 0 && (await latestCheckpoint(flags.modelDir)) === null) await coreStep(flags.modelDir, () => model.adaptStream(trainRows, 'training data'));
  const input = trainInput(trainRows, { batchSize: meta.hyper.batchSize, seed: meta.hyper.seed, bufferRows, epochSteps: perEpoch });
  const evalInput = evalRows === null ? null : sequentialInput(evalRows);
  const progress = new TrainProgress(totalSteps, startStep, perEpoch, !quiet);
  let trainMs = 0, trainedRows = 0, step = startStep;
  let lastEval: EvalResult | null = null;
  try {
    while (step < totalSteps) {
      const target = Math.min(totalSteps, (Math.floor(step / perEpoch) + 1) * perEpoch);
      const t0 = performance.now();
      const counter = { afterRun: (_: unknown, v: { rows: number }) => void (trainedRows += v.rows) };
      await coreStep(flags.modelDir, () => estimator.train(input, { maxSteps: target, hooks: [progress, counter] }));
      trainMs += performance.now() - t0;
      step = await estimator.globalStep();
      if (evalInput !== null && (step % perEpoch === 0 || step === totalSteps)) {
        lastEval = await coreStep(flags.modelDir, () => estimator.evaluate(evalInput, { name: 'eval' }));
        progress.setNote(`eval ${metricsText(orderedMetrics(lastEval))}`);
      }
    }
  } finally {
    progress.stop();
  }
  // Final metrics: the last evaluation, else one now (nothing was left to train, or no --eval: the training data).
  if (lastEval === null) {
    lastEval = evalInput !== null
      ? await coreStep(flags.modelDir, () => estimator.evaluate(evalInput, { name: 'eval' }))
      : await coreStep(flags.modelDir, () => estimator.evaluate(sequentialInput(trainRows), { name: 'eval_train' }));
  }
  const metrics = orderedMetrics(lastEval);
  const seconds = (performance.now() - started) / 1000;
  const evaluated: PassCounts = evalScan?.counts ?? trainCounts;
  const summary: TrainSummary = {
    command: 'train',
    ...metrics,
    loss: metrics.loss,
    steps: step,
    stepsThisRun: step - startStep,
    epochs: step / perEpoch,
    seconds,
    trainSeconds: trainMs / 1000,
    samplesPerSecond: trainMs > 0 ? trainedRows / (trainMs / 1000) : 0,
    modelDir: flags.modelDir,
    model: meta.model,
    label: describeLabel(label),
    trainRows: trainCounts.rows,
    trainRowsRejected: trainCounts.rowsRejected,
    evaluatedOn: evalFiles === null ? trainFiles.files.map((f) => f.path).join(', ') : flags.eval!,
    evalRows: evaluated.rows,
    parameters: model.countParameters(),
    backend: model.backend?.name ?? flags.backend,
    backendReason: model.backendReason,
  };
  // Asked for the gpu and did not get it: say why, on stderr (the run itself went on, on js).
  if (flags.backend === 'gpu' && summary.backend === 'js') io.err(`fcol train: --backend ${model.backendReason}\n`);
  if (flags.json) io.out(JSON.stringify(summary) + '\n');
  else if (!flags.quiet) io.out(formatSummary(summary, metrics, startStep));
  return summary;
}

/** A directory with checkpoints but no fcol-model.json was not made by fcol train: refuse to mix into it. */
async function refuseForeignDir(dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return;
  }
  if (entries.some((e) => e === 'checkpoint' || /^ckpt-\d+\.bin$/.test(e))) {
    throw new UsageError(`--model-dir ${dir} holds checkpoints but no fcol-model.json (not made by fcol train): use a new --model-dir`);
  }
}

function formatSummary(s: TrainSummary, metrics: Record<string, number>, startStep: number): string {
  const lines: string[] = [];
  if (s.stepsThisRun === 0) lines.push(`train: ${s.modelDir} is already at step ${int(s.steps)} (${s.epochs.toFixed(1)} epochs); nothing to train (raise --epochs or --steps to continue)`);
  else {
    lines.push(`train: ${s.model} on ${int(s.trainRows)} rows${s.trainRowsRejected > 0 ? ` (${int(s.trainRowsRejected)} rejected)` : ''}, ` +
      `label ${s.label}: steps ${int(startStep)} → ${int(s.steps)} (${s.epochs.toFixed(1)} epochs) in ${s.trainSeconds.toFixed(1)} s, ` +
      `${int(Math.round(s.samplesPerSecond))} samples/s on the ${s.backend} backend; ${int(s.parameters)} parameters`);
  }
  lines.push(`eval on ${s.evaluatedOn} (${int(s.evalRows)} rows): ${metricsText(metrics)}`);
  lines.push(`model in ${s.modelDir} (fcol evaluate / predict / report ${s.modelDir})`);
  return lines.join('\n') + '\n';
}
