/**
 * Adam, as Keras' Adam (TF's ApplyAdam), at step t = iterations + 1:
 *   m ← m + (1 − β1)(g − m);  v ← v + (1 − β2)(g² − v)
 *   α = lr · √(1 − β2^t) / (1 − β1^t);  w ← w − α · m / (√v + ε)
 * Sparse parameters use the lazy variant (TF1's LazyAdamOptimizer, tfa.optimizers.LazyAdam): only
 * the rows a step touched update their m, v and weights, with the global t in the bias correction;
 * untouched rows keep their moments as they were instead of decaying them (dense Adam would move
 * every row of an embedding table on every step, at O(vocabulary) cost).
 */
import type { Parameter } from '../parameter.ts';
import { Optimizer } from './optimizer.ts';
import type { LearningRate } from './schedules.ts';

export interface AdamOptions {
  learningRate?: LearningRate;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export class Adam extends Optimizer {
  readonly name = 'Adam';
  readonly slotNames = ['m', 'v'] as const;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private alpha = 0;

  /** Defaults: learningRate 0.001, β1 0.9, β2 0.999, ε 1e-7 (Keras). */
  constructor(options: AdamOptions = {}) {
    super(options.learningRate ?? 0.001);
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-7;
    for (const [k, b] of [['beta1', this.beta1], ['beta2', this.beta2]] as const) {
      if (!(b >= 0 && b < 1)) throw new Error(`Adam: ${k} must lie in [0, 1), got ${b}`);
    }
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, learningRate: this.schedule.config, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }

  protected beginStep(learningRate: number, t: number): void {
    this.alpha = (learningRate * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t);
  }

  /** The same loop in WebAssembly SIMD (float64, bit for bit) where the backend placed the parameter and its slots. */
  protected override updateInPlace(p: Parameter, slots: Float32Array[]): boolean {
    const backend = p.backend;
    return backend?.adamUpdate !== undefined &&
      backend.adamUpdate(p.value, p.grad, slots[0], slots[1], p.size, this.alpha, 1 - this.beta1, 1 - this.beta2, this.epsilon);
  }

  protected update(w: Float32Array, g: Float32Array, slots: Float32Array[], start: number, end: number): void {
    const m = slots[0], v = slots[1], alpha = this.alpha, eps = this.epsilon;
    const c1 = 1 - this.beta1, c2 = 1 - this.beta2;
    for (let i = start; i < end; i++) {
      const gi = g[i];
      const mi = m[i] + c1 * (gi - m[i]);
      const vi = v[i] + c2 * (gi * gi - v[i]);
      m[i] = mi;
      v[i] = vi;
      w[i] -= (alpha * mi) / (Math.sqrt(vi) + eps);
    }
  }
}
