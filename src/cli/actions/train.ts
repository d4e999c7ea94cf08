import { readdir } from 'node:fs/promises';
import { toConfig } from '../../index.ts';
import { hashMode } from '../options.ts';
import type { BackendKind } from '../../train/backend/select.ts';
import type { EvalResult } from '../../train/estimator/estimator.ts';
import { UsageError } from '../errors.ts';
import { int, type Io } from '../io.ts';
import type { LabelFlags } from '../label.ts';
import { loadColumns, requireFittedColumns } from '../load-columns.ts';
import {
  buildEstimator, DEFAULT_HIDDEN, DEFAULTS,
} from '../model/estimator.ts';
import { type Examples, readExamples, sequentialInput, stepsPerEpoch, trainInput } from '../model/examples.ts';
import { checkSameModel, describeLabel, type Hyperparameters, type ModelKind, type ModelMeta, newMeta, readModelMeta, writeModelMeta } from '../model/model-dir.ts';
import { asModuleLabel, coreStep, metricsText, orderedMetrics } from '../model/run.ts';
import { TrainProgress } from '../model/train-progress.ts';
import type { ModelReadFlags } from './evaluate.ts';

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
  normalize: boolean;
  seed: number;
  eval?: string;
  hash: string;
  summarySteps?: number;
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
    normalize: kind === 'linear' ? false : flags.normalize,
    batchSize: flags.batchSize,
    seed: flags.seed,
  });
  // Other columns or settings than the model dir's: refused before any data is read.
  if (existing !== null) {
    checkSameModel(flags.modelDir, existing, { ...existing, model: kind, columns: toConfig(loaded.columns), hash, hyper: hyperOf(existing.hyper.linearDense) });
  }

  const trainData = await readExamples(data, {
    columns: loaded.columns, hash, label: { module: loaded.label, flags }, requireLabel: true, flags, what: 'training data',
  });
  const label = trainData.label!;
  if (label.kind === 'classes' && label.vocabulary.length < 2) throw new UsageError(`--label-vocabulary ${label.vocabulary.join(',')}: a classifier needs at least 2 classes`);
  const evalData = flags.eval === undefined ? null : await readExamples([flags.eval], {
    columns: loaded.columns, hash, label: { module: asModuleLabel(label), flags: {} }, requireLabel: true, flags, what: 'evaluation data',
  });

  const hyper = hyperOf(Object.values(trainData.features.sparse).every((tensor) => tensor.dimension !== null));
  const wanted = newMeta({
    model: kind, columns: toConfig(loaded.columns), hash, label, hyper,
    stepsPerEpoch: stepsPerEpoch(trainData.numRows, flags.batchSize), trainFiles: trainData.files.map((f) => f.path), trainRows: trainData.numRows,
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
    backend: flags.backend as BackendKind, summarySteps, checkpointSteps: perEpoch,
  });

  const startStep = await coreStep(flags.modelDir, () => estimator.globalStep());
  // Builds the network and sets the input statistics from all training rows (a checkpoint, if any, then wins).
  await coreStep(flags.modelDir, () => model.fit({ features: trainData.features, labels: trainData.labels! }, { epochs: 0 }));
  const input = trainInput(trainData, meta.hyper.batchSize, meta.hyper.seed, perEpoch);
  const evalInput = evalData === null ? null : sequentialInput(evalData);
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
      : await coreStep(flags.modelDir, () => estimator.evaluate(sequentialInput(trainData), { name: 'eval_train' }));
  }
  const metrics = orderedMetrics(lastEval);
  const seconds = (performance.now() - started) / 1000;
  const evaluated: Examples = evalData ?? trainData;
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
    trainRows: trainData.numRows,
    trainRowsRejected: trainData.rowsRejected,
    evaluatedOn: evalData === null ? trainData.files.map((f) => f.path).join(', ') : flags.eval!,
    evalRows: evaluated.numRows,
    parameters: model.countParameters(),
    backend: model.backend?.name ?? flags.backend,
  };
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
