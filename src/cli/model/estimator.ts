/**
 * The estimator behind `fcol train`, `evaluate` and `predict`, built from a model dir's metadata alone:
 * one compiled column graph feeds a WideAndDeep network (the linear part over every ragged id output that
 * is not an embedding, the DNN over the dense block plus the embeddings), under the head of the label
 * (binary, n classes, or regression). Defaults are the tuned census settings of bench/census-train.ts:
 * DNN 100-75-50-25 relu with dropout 0.2 and z-scored numeric inputs, Adam 0.003 halving every 2 epochs;
 * the linear part FTRL 0.1 (0.2 alone).
 */
import type { FeatureColumn } from '../../spec/types.ts';
import type { BackendKind } from '../../train/backend/select.ts';
import { Estimator, type EstimatorSpec, ModeKeys } from '../../train/estimator/estimator.ts';
import { classificationHead, type Head, modelSpec, regressionHead } from '../../train/estimator/head.ts';
import type { MetricName } from '../../train/metrics/create.ts';
import { WideAndDeep } from '../../train/model/wide-and-deep.ts';
import { Adam } from '../../train/optimizers/adam.ts';
import { Ftrl } from '../../train/optimizers/ftrl.ts';
import { exponentialDecay } from '../../train/optimizers/schedules.ts';
import { classCount, type ModelMeta } from './model-dir.ts';

export interface CliEstimator {
  estimator: Estimator;
  model: WideAndDeep;
  head: Head;
}

export function headOf(meta: ModelMeta): Head {
  return meta.label.kind === 'regression' ? regressionHead(1) : classificationHead(classCount(meta.label));
}

/** Training metrics per head, reported by each step (means over the summary interval). */
function trainMetrics(head: Head): MetricName[] {
  return head.kind === 'regression' ? ['mae', 'rmse'] : head.kind === 'binary' ? ['accuracy', 'auc'] : ['accuracy'];
}

/** The backend and its threads, from --backend and --threads. */
export interface ComputeOptions {
  backend: BackendKind;
  threads: 1 | 2;
}

export function computeOptions(flags: { backend: string; threads: string }): ComputeOptions {
  return { backend: flags.backend as BackendKind, threads: flags.threads === '1' ? 1 : 2 };
}

export function buildEstimator(meta: ModelMeta, columns: readonly FeatureColumn[], modelDir: string,
  options: ComputeOptions & { summarySteps: number; checkpointSteps: number }): CliEstimator {
  const head = headOf(meta);
  const h = meta.hyper;
  const linear = meta.model === 'dnn' ? false as const : {
    optimizer: new Ftrl({ learningRate: h.linearLearningRate }), includeDense: h.linearDense,
  };
  const dnn = meta.model === 'linear' ? false as const : {
    hiddenUnits: h.hidden, dropout: h.dropout > 0 ? h.dropout : undefined, features: {
      columns, normalize: h.numeric === 'raw' ? false : h.numeric, piecewiseLinear: h.bins > 0 ? { bins: h.bins } : undefined,
    },
    optimizer: new Adam({
      learningRate: exponentialDecay({ initialLearningRate: h.learningRate, decaySteps: h.decayEpochs * meta.stepsPerEpoch, decayRate: 0.5 }),
    }),
  };
  const model = new WideAndDeep({ units: head.units, seed: h.seed, linear, dnn });
  const metrics = trainMetrics(head);
  model.compile({ loss: head.loss, metrics, backend: options.backend, threads: options.threads });
  const estimator = new Estimator({
    config: {
      modelDir, randomSeed: h.seed, saveCheckpointsSteps: options.checkpointSteps, keepCheckpointMax: 5,
      logStepCountSteps: options.summarySteps, log: () => undefined,
    },
    modelFn: (features, labels, mode): EstimatorSpec => {
      const spec = modelSpec(model, head, features, labels, mode);
      if (mode !== ModeKeys.TRAIN) return spec;
      // One step, reporting the batch's metrics too (the summaries average them: the training curves).
      spec.trainOp = async () => {
        const logs = await model.trainOnBatch(features, labels!);
        const out: { loss: number; [k: string]: number } = { loss: logs.loss };
        for (const m of metrics) if (logs[m] !== undefined) out[m] = logs[m];
        return out;
      };
      return spec;
    },
  });
  return { estimator, model, head };
}

