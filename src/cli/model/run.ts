/** What train, evaluate and predict share: errors of the training core in the CLI's terms, labels, metric text. */
import { DivergedError } from '../../train/estimator/estimator.ts';
import { CheckpointError, LabelError, NoCheckpointError } from '../../train/errors.ts';
import { BadDataError, UsageError } from '../errors.ts';
import type { LabelSpec } from '../label.ts';
import type { ModuleLabel } from '../load-columns.ts';

/**
 * Runs a step of the training core, turning its errors into the CLI's: a diverged loss or a bad label is bad
 * data (exit 1; the model dir keeps its last good checkpoint), a checkpoint of another model (or a model dir
 * changed by hand, or one with no checkpoint yet) is bad usage (exit 2).
 */
export async function coreStep<T>(modelDir: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof DivergedError || err instanceof LabelError) throw new BadDataError(err.message);
    // The core's hint names its option `modelDir`; the flag is already named before it.
    if (err instanceof CheckpointError) throw new UsageError(`--model-dir ${modelDir}: ${err.message.replace('(modelDir)', '')}`);
    if (err instanceof NoCheckpointError) {
      throw new UsageError(`--model-dir ${modelDir} has no checkpoint yet (its training stopped before the first save): train it with fcol train first`);
    }
    throw err;
  }
}

/** A resolved label as the label a columns module exports (to read other files the same way). */
export function asModuleLabel(label: LabelSpec): ModuleLabel {
  return label.kind === 'classes' ? { key: label.key, vocabulary: label.vocabulary }
    : label.kind === 'binary' ? { key: label.key, positive: label.positive } : { key: label.key };
}

/** `accuracy 0.8590  auc 0.9116  loss 0.3066` (globalStep left out). */
export function metricsText(metrics: Record<string, number>): string {
  return Object.entries(metrics).filter(([k]) => k !== 'globalStep').map(([k, v]) => `${k} ${v.toFixed(4)}`).join('  ');
}

/** Metrics with the loss first, then the rest by name, globalStep removed. */
export function orderedMetrics(result: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  const keys = Object.keys(result).filter((k) => k !== 'globalStep');
  for (const k of ['accuracy', 'auc', 'precision', 'recall', 'rmse', 'mae', 'loss']) if (keys.includes(k)) out[k] = result[k];
  for (const k of keys) if (!(k in out)) out[k] = result[k];
  return out;
}
