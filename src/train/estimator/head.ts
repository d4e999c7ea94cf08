/**
 * Heads: what a canned estimator's outputs mean (TF's estimator heads): the loss, label checks,
 * eval metrics and prediction keys of binary classification, n-class classification and regression,
 * and `modelSpec`, which turns a compiled `Model` plus a head into an EstimatorSpec for one batch.
 */
import type { FeatureBatch } from '../../tensor/feature-batch.ts';
import { type Loss, type LossName, createLoss } from '../losses.ts';
import { createMetric, type MetricName } from '../metrics/create.ts';
import type { Metric } from '../metrics/metric.ts';
import type { Model } from '../model/model.ts';
import { LabelError } from '../errors.ts';
import { type EstimatorSpec, type EvalMetricOp, type ModeKey, ModeKeys } from './estimator.ts';

export interface Head {
  readonly kind: 'binary' | 'multiclass' | 'regression';
  /** Model outputs per row. */
  readonly units: number;
  readonly nClasses: number;
  readonly loss: LossName;
  readonly metrics: readonly MetricName[];
  /** Throws a readable error unless `labels` suit the head. */
  checkLabels(labels: Float32Array, rows: number, where: string): void;
}

/** Binary (nClasses 2: one logit, sigmoid) or n-class (softmax) classification; labels are class ids 0..nClasses-1. */
export function classificationHead(nClasses = 2): Head {
  if (!(Number.isInteger(nClasses) && nClasses >= 2)) throw new Error(`nClasses must be an integer ≥ 2, got ${nClasses}`);
  const binary = nClasses === 2;
  return {
    kind: binary ? 'binary' : 'multiclass', units: binary ? 1 : nClasses, nClasses,
    loss: binary ? 'binaryCrossentropy' : 'sparseCategoricalCrossentropy',
    metrics: binary ? ['accuracy', 'auc', 'precision', 'recall'] : ['accuracy'],
    checkLabels(labels, rows, where) {
      if (labels.length !== rows) throw new Error(`${where}: ${labels.length} labels for ${rows} rows; a classifier takes one class id per row`);
      for (let i = 0; i < labels.length; i++) {
        const y = labels[i];
        if (!(Number.isInteger(y) && y >= 0 && y < nClasses)) {
          throw new LabelError(i, y, `${where}: label ${i} is ${y}, out of range for nClasses ${nClasses}: labels must be integer class ids in [0, ${nClasses}); ` +
            `set nClasses to the number of classes${y >= nClasses ? ` (at least ${Math.floor(y) + 1})` : ''}, or map the labels to ids 0..${nClasses - 1}`);
        }
      }
    },
  };
}

/** Regression of `labelDimension` values per row, mean squared error. */
export function regressionHead(labelDimension = 1): Head {
  if (!(Number.isInteger(labelDimension) && labelDimension >= 1)) throw new Error(`labelDimension must be an integer ≥ 1, got ${labelDimension}`);
  return {
    kind: 'regression', units: labelDimension, nClasses: 0, loss: 'meanSquaredError', metrics: ['mae', 'rmse'],
    checkLabels(labels, rows, where) {
      if (labels.length !== rows * labelDimension) throw new Error(`${where}: ${labels.length} labels for ${rows} rows; labelDimension ${labelDimension} takes ${labelDimension} per row`);
    },
  };
}

interface HeadState {
  loss: Loss;
  metrics: Metric[];
}
const states = new WeakMap<Model, HeadState>();

function stateOf(model: Model, head: Head): HeadState {
  let state = states.get(model);
  if (state === undefined) {
    state = { loss: createLoss(head.loss), metrics: head.metrics.map((m) => createMetric(m)) };
    states.set(model, state);
  }
  return state;
}

/**
 * An EstimatorSpec for one batch over `model` (compiled with the head's loss and no optimizer
 * of its own where the model has per-part optimizers):
 * - TRAIN: trainOp = `model.trainOnBatch` (one step: forward, backward, every optimizer's update),
 *   resolving to the batch's loss (regularization included);
 * - EVAL: the batch's mean loss (data loss, without regularization) and the head's metrics;
 * - PREDICT: logits plus probabilities/classIds (classification) or predictions (regression).
 */
export function modelSpec(model: Model, head: Head, features: FeatureBatch, labels: Float32Array | null, mode: ModeKey): EstimatorSpec {
  const rows = features.numRows;
  if (labels !== null) head.checkLabels(labels, rows, mode === ModeKeys.TRAIN ? 'train' : 'evaluate');
  if (mode === ModeKeys.TRAIN) {
    if (labels === null) throw new Error('train: labels are required');
    return {
      mode, model,
      trainOp: async () => (await model.trainOnBatch(features, labels)).loss,
    };
  }
  const state = stateOf(model, head);
  let computed: Promise<{ logits: Float32Array; probabilities: Float32Array; loss: number }> | null = null;
  const compute = () => computed ??= (async () => {
    const logits = await model.predict(features, { logits: true });
    const units = head.units, backend = model.backend!;
    const probabilities = new Float32Array(rows * units);
    state.loss.predict(backend, logits, rows, units, probabilities);
    let loss = NaN;
    if (labels !== null) loss = state.loss.lossAndGradient(backend, logits, labels, rows, units, new Float32Array(rows * units));
    return { logits, probabilities, loss };
  })();
  const predictions = async (): Promise<Record<string, ArrayLike<number>>> => {
    const { logits, probabilities } = await compute();
    if (head.kind === 'regression') return { predictions: probabilities };
    const classIds = new Float32Array(rows);
    if (head.kind === 'binary') {
      const both = new Float32Array(rows * 2);
      for (let r = 0; r < rows; r++) {
        both[2 * r] = 1 - probabilities[r];
        both[2 * r + 1] = probabilities[r];
        classIds[r] = probabilities[r] > 0.5 ? 1 : 0;
      }
      return { logits, logistic: probabilities, probabilities: both, classIds };
    }
    const n = head.units;
    for (let r = 0; r < rows; r++) {
      let best = 0;
      for (let j = 1; j < n; j++) if (probabilities[r * n + j] > probabilities[r * n + best]) best = j;
      classIds[r] = best;
    }
    return { logits, probabilities, classIds };
  };
  if (mode === ModeKeys.PREDICT) return { mode, model, predictions };
  if (labels === null) throw new Error('evaluate: labels are required');
  const labelWidth = state.loss.labelWidth(head.units);
  const evalMetricOps: Record<string, EvalMetricOp> = {};
  for (const metric of state.metrics) {
    evalMetricOps[metric.name] = {
      reset: () => metric.reset(),
      update: async () => metric.update((await compute()).probabilities, labels, rows, head.units, labelWidth),
      result: () => metric.result(),
    };
  }
  return { mode, model, predictions, loss: async () => (await compute()).loss, evalMetricOps };
}
