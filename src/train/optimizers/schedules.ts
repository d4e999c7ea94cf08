/**
 * Learning-rate schedules, evaluated at the optimizer's step count (0 for the first update, as
 * Keras' `optimizer.iterations`).
 */

export interface LearningRateSchedule {
  /** The learning rate for the update made at `step`. */
  at(step: number): number;
  /** Plain data describing it (for checkpoints and logs). */
  readonly config: Readonly<Record<string, unknown>>;
}

export type LearningRate = number | LearningRateSchedule;

/** The same rate at every step. */
export function constantLearningRate(learningRate: number): LearningRateSchedule {
  checkRate(learningRate);
  return Object.freeze({ at: () => learningRate, config: Object.freeze({ kind: 'constant', learningRate }) });
}

export interface ExponentialDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  decayRate: number;
  /** Decay in whole intervals: floor(step / decaySteps). Default false. */
  staircase?: boolean;
}

/**
 * TF's exponential_decay: initialLearningRate · decayRate ^ (step / decaySteps), with the exponent
 * floored when `staircase`.
 */
export function exponentialDecay(options: ExponentialDecayOptions): LearningRateSchedule {
  const { initialLearningRate, decaySteps, decayRate, staircase = false } = options;
  checkRate(initialLearningRate);
  if (!(decaySteps > 0)) throw new Error(`exponentialDecay: decaySteps must be > 0, got ${decaySteps}`);
  if (!(decayRate > 0)) throw new Error(`exponentialDecay: decayRate must be > 0, got ${decayRate}`);
  return Object.freeze({
    at(step: number): number {
      const p = step / decaySteps;
      return initialLearningRate * decayRate ** (staircase ? Math.floor(p) : p);
    },
    config: Object.freeze({ kind: 'exponentialDecay', initialLearningRate, decaySteps, decayRate, staircase }),
  });
}

export interface CosineDecayOptions {
  /** The rate at step 0: where the warmup starts, or, without a warmup, where the decay starts. */
  initialLearningRate: number;
  /** Steps of the cosine from its start rate to alpha · start rate (after the warmup, when there is one). */
  decaySteps: number;
  /** The floor, as a fraction of the rate the decay starts from. Default 0. */
  alpha?: number;
  /** With a warmup: the rate it reaches (linearly from initialLearningRate) and the decay starts from. */
  warmupTarget?: number;
  /** Steps of the linear warmup (needs warmupTarget). Default 0. */
  warmupSteps?: number;
}

/**
 * Keras' CosineDecay (Loshchilov & Hutter's SGDR without restarts), warmup included (TF ≥ 2.13):
 *   warmup (step < warmupSteps): initialLearningRate + (warmupTarget − initialLearningRate) · step / warmupSteps
 *   then, with s = min(step − warmupSteps, decaySteps) and from = warmupTarget ?? initialLearningRate:
 *   from · ((1 − alpha) · ½ · (1 + cos(π · s / decaySteps)) + alpha)
 * The rate stays at alpha · from after the decay.
 */
export function cosineDecay(options: CosineDecayOptions): LearningRateSchedule {
  const { initialLearningRate, decaySteps, alpha = 0, warmupTarget, warmupSteps = 0 } = options;
  if (warmupTarget === undefined) {
    checkRate(initialLearningRate);
    if (warmupSteps !== 0) throw new Error('cosineDecay: warmupSteps needs warmupTarget (the rate the warmup reaches)');
  } else {
    if (!(initialLearningRate >= 0 && Number.isFinite(initialLearningRate))) throw new Error(`cosineDecay: initialLearningRate must be a finite number ≥ 0 with a warmup, got ${initialLearningRate}`);
    checkRate(warmupTarget);
  }
  if (!(decaySteps > 0 && Number.isFinite(decaySteps))) throw new Error(`cosineDecay: decaySteps must be > 0, got ${decaySteps}`);
  if (!(alpha >= 0 && alpha <= 1)) throw new Error(`cosineDecay: alpha must lie in [0, 1], got ${alpha}`);
  if (!(Number.isInteger(warmupSteps) && warmupSteps >= 0)) throw new Error(`cosineDecay: warmupSteps must be an integer ≥ 0, got ${warmupSteps}`);
  const from = warmupTarget ?? initialLearningRate;
  return Object.freeze({
    at(step: number): number {
      if (step < warmupSteps) return initialLearningRate + ((from - initialLearningRate) * step) / warmupSteps;
      const s = Math.min(step - warmupSteps, decaySteps);
      return from * ((1 - alpha) * 0.5 * (1 + Math.cos((Math.PI * s) / decaySteps)) + alpha);
    },
    config: Object.freeze({ kind: 'cosineDecay', initialLearningRate, decaySteps, alpha, warmupTarget: warmupTarget ?? null, warmupSteps }),
  });
}

/** A schedule for a plain number or a schedule as given. */
export function toSchedule(learningRate: LearningRate): LearningRateSchedule {
  return typeof learningRate === 'number' ? constantLearningRate(learningRate) : learningRate;
}

function checkRate(rate: number): void {
  if (!(rate > 0 && Number.isFinite(rate))) throw new Error(`learning rate must be a finite number > 0, got ${rate}`);
}
