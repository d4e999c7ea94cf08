/**
 * Stochastic gradient descent, as Keras' SGD:
 *   momentum 0:  w ← w − lr·g
 *   momentum m:  v ← m·v − lr·g;  w ← w + v            (slot 'momentum' = v, starts at 0)
 *   nesterov:    v ← m·v − lr·g;  w ← w + m·v − lr·g
 * Sparse parameters update only their touched rows (TF's sparse momentum).
 */
import { Optimizer } from './optimizer.ts';
import type { LearningRate } from './schedules.ts';

export interface SgdOptions {
  learningRate?: LearningRate;
  momentum?: number;
  nesterov?: boolean;
}

export class SGD extends Optimizer {
  readonly name = 'SGD';
  readonly slotNames: readonly string[];
  readonly momentum: number;
  readonly nesterov: boolean;
  private lr = 0;

  /** Defaults: learningRate 0.01, momentum 0, nesterov false (Keras). */
  constructor(options: SgdOptions = {}) {
    super(options.learningRate ?? 0.01);
    this.momentum = options.momentum ?? 0;
    this.nesterov = options.nesterov ?? false;
    if (!(this.momentum >= 0 && this.momentum < 1)) throw new Error(`SGD: momentum must lie in [0, 1), got ${this.momentum}`);
    if (this.nesterov && this.momentum === 0) throw new Error('SGD: nesterov needs momentum > 0');
    this.slotNames = this.momentum > 0 ? ['momentum'] : [];
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, learningRate: this.schedule.config, momentum: this.momentum, nesterov: this.nesterov };
  }

  protected beginStep(learningRate: number): void {
    this.lr = learningRate;
  }

  protected update(w: Float32Array, g: Float32Array, slots: Float32Array[], start: number, end: number): void {
    const lr = this.lr, m = this.momentum;
    if (m === 0) {
      for (let i = start; i < end; i++) w[i] -= lr * g[i];
      return;
    }
    const v = slots[0];
    if (this.nesterov) {
      for (let i = start; i < end; i++) {
        const vi = m * v[i] - lr * g[i];
        v[i] = vi;
        w[i] += m * vi - lr * g[i];
      }
    } else {
      for (let i = start; i < end; i++) {
        const vi = m * v[i] - lr * g[i];
        v[i] = vi;
        w[i] += vi;
      }
    }
  }
}
