/**
 * Keras-style callbacks for `fit`. Every method is optional and may return a promise (awaited).
 * `onBatchEnd`'s logs object is reused from batch to batch: read it during the call, don't keep it.
 * A callback stops training by setting `model.stopTraining = true` (checked after each batch).
 */
import { callEach } from '../call-each.ts';

export type Logs = Record<string, number>;

export interface BatchLogs {
  /** Mean loss of this batch (regularization included). */
  loss: number;
  /** Rows in this batch. */
  size: number;
  /** Steps taken so far in this fit, this one included. */
  step: number;
}

export interface Callback {
  onTrainBegin?(): void | Promise<void>;
  onEpochBegin?(epoch: number): void | Promise<void>;
  onBatchEnd?(batch: number, logs: BatchLogs): void | Promise<void>;
  /** `logs` holds loss and each metric, and val_loss, val_<metric> with validation data. */
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  onTrainEnd?(logs: Logs): void | Promise<void>;
}

/** Milliseconds `fit` spent in each phase of its steps (with `profile: true`). */
export interface StepProfile {
  steps: number;
  /** Copying the minibatch's rows out of the dataset. */
  gather: number;
  forward: number;
  /** Loss, its gradient, and the predictions' link. */
  loss: number;
  backward: number;
  /** The optimizers. */
  update: number;
  metrics: number;
}

/** What `fit` returns: per epoch, every logged value. */
export interface History {
  epoch: number[];
  history: Record<string, number[]>;
  /** Time per phase, with `profile: true`. */
  profile?: StepProfile;
}

/** Calls `method` on every callback, awaiting only the ones that return a promise. */
export async function notify<K extends keyof Callback>(callbacks: readonly Callback[], method: K,
  ...args: Parameters<NonNullable<Callback[K]>>): Promise<void> {
  await callEach(callbacks, method, args);
}
