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

/** A schedule for a plain number or a schedule as given. */
export function toSchedule(learningRate: LearningRate): LearningRateSchedule {
  return typeof learningRate === 'number' ? constantLearningRate(learningRate) : learningRate;
}

function checkRate(rate: number): void {
  if (!(rate > 0 && Number.isFinite(rate))) throw new Error(`learning rate must be a finite number > 0, got ${rate}`);
}
