/** Errors of the training core that callers tell apart by class; each message stays written for a person. */

/**
 * A model dir's checkpoints that cannot be used as they are: the index does not parse, a checkpoint it names
 * is gone (the dir was changed by hand), or a checkpoint does not match the model (other columns or settings).
 */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
  /** `file`: the index or checkpoint file at fault. */
  constructor(readonly file: string, message: string) {
    super(message);
  }
}

/** Evaluate or predict on a model dir that has no checkpoint, with a model never trained in this process. */
export class NoCheckpointError extends Error {
  override name = 'NoCheckpointError';
  constructor(readonly modelDir: string, message: string) {
    super(message);
  }
}

/** A label the estimator cannot take: not a number, not finite, or out of its head's range. */
export class LabelError extends Error {
  override name = 'LabelError';
  /** `index`: the label's position in its batch's labels; `value`: the label. */
  constructor(readonly index: number, readonly value: unknown, message: string) {
    super(message);
  }
}

/** A training step whose loss is not finite (NaN or ±Infinity): the training diverged. */
export class NonFiniteLossError extends Error {
  override name = 'NonFiniteLossError';
  /** `step`: the model's step count, this step included. */
  constructor(readonly loss: number, readonly step: number, message: string) {
    super(message);
  }
}
