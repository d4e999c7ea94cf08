/**
 * Adagrad, as Keras' Adagrad (TF's ApplyAdagradV2):
 *   a ← a + g²;  w ← w − lr · g / (√a + ε)
 * Slot 'accumulator' starts at initialAccumulatorValue. Sparse parameters update only touched rows.
 */
import { Optimizer } from './optimizer.ts';
import type { LearningRate } from './schedules.ts';

export interface AdagradOptions {
  learningRate?: LearningRate;
  initialAccumulatorValue?: number;
  epsilon?: number;
}

export class Adagrad extends Optimizer {
  readonly name = 'Adagrad';
  readonly slotNames = ['accumulator'] as const;
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;
  private lr = 0;

  /** Defaults: learningRate 0.001, initialAccumulatorValue 0.1, epsilon 1e-7 (Keras; TF's canned DNN uses 0.05). */
  constructor(options: AdagradOptions = {}) {
    super(options.learningRate ?? 0.001);
    this.initialAccumulatorValue = options.initialAccumulatorValue ?? 0.1;
    this.epsilon = options.epsilon ?? 1e-7;
    if (!(this.initialAccumulatorValue >= 0)) throw new Error(`Adagrad: initialAccumulatorValue must be ≥ 0, got ${this.initialAccumulatorValue}`);
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, learningRate: this.schedule.config, initialAccumulatorValue: this.initialAccumulatorValue, epsilon: this.epsilon };
  }

  protected override initialSlotValue(): number {
    return this.initialAccumulatorValue;
  }

  protected beginStep(learningRate: number): void {
    this.lr = learningRate;
  }

  protected update(w: Float32Array, g: Float32Array, slots: Float32Array[], start: number, end: number): void {
    const lr = this.lr, eps = this.epsilon, a = slots[0];
    for (let i = start; i < end; i++) {
      const gi = g[i];
      const ai = a[i] + gi * gi;
      a[i] = ai;
      w[i] -= (lr * gi) / (Math.sqrt(ai) + eps);
    }
  }
}
