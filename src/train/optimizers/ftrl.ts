/**
 * FTRL-Proximal (McMahan et al. 2013), as TF's ApplyFtrlV2 / Keras' Ftrl. With p = learningRatePower
 * (−0.5 by default), per weight:
 *   g' = g + 2 · l2Shrinkage · w
 *   n' = n + g²
 *   σ  = (n'^(−p) − n^(−p)) / lr
 *   z  ← z + g' − σ · w
 *   q  = (n'^(−p) + β) / lr + 2 · l2
 *   w  ← |z| > l1 ? (sign(z) · l1 − z) / q : 0
 *   n  ← n'
 * Slots: 'accumulator' (n, starts at initialAccumulatorValue, 0.1) and 'linear' (z, starts at 0).
 * The usual optimizer of the wide part: with l1 > 0, rarely seen ids end exactly at zero. Sparse
 * parameters update only their touched rows (as TF's SparseApplyFtrl).
 */
import { Optimizer } from './optimizer.ts';
import type { LearningRate } from './schedules.ts';

export interface FtrlOptions {
  learningRate?: LearningRate;
  learningRatePower?: number;
  initialAccumulatorValue?: number;
  l1RegularizationStrength?: number;
  l2RegularizationStrength?: number;
  l2ShrinkageRegularizationStrength?: number;
  beta?: number;
}

export class Ftrl extends Optimizer {
  readonly name = 'Ftrl';
  readonly slotNames = ['accumulator', 'linear'] as const;
  readonly learningRatePower: number;
  readonly initialAccumulatorValue: number;
  readonly l1: number;
  readonly l2: number;
  readonly l2Shrinkage: number;
  readonly beta: number;
  private lr = 0;

  /** Defaults: learningRate 0.001 (Keras; TF's canned linear model uses min(0.2, 1/√columns)), power −0.5, accumulator 0.1, no l1/l2. */
  constructor(options: FtrlOptions = {}) {
    super(options.learningRate ?? 0.001);
    this.learningRatePower = options.learningRatePower ?? -0.5;
    this.initialAccumulatorValue = options.initialAccumulatorValue ?? 0.1;
    this.l1 = options.l1RegularizationStrength ?? 0;
    this.l2 = options.l2RegularizationStrength ?? 0;
    this.l2Shrinkage = options.l2ShrinkageRegularizationStrength ?? 0;
    this.beta = options.beta ?? 0;
    if (!(this.learningRatePower <= 0)) throw new Error(`Ftrl: learningRatePower must be ≤ 0, got ${this.learningRatePower}`);
    if (!(this.initialAccumulatorValue > 0)) throw new Error(`Ftrl: initialAccumulatorValue must be > 0, got ${this.initialAccumulatorValue}`);
    for (const [k, v] of [['l1', this.l1], ['l2', this.l2], ['l2Shrinkage', this.l2Shrinkage], ['beta', this.beta]] as const) {
      if (!(v >= 0)) throw new Error(`Ftrl: ${k} must be ≥ 0, got ${v}`);
    }
  }

  getConfig(): Record<string, unknown> {
    return {
      name: this.name, learningRate: this.schedule.config, learningRatePower: this.learningRatePower,
      initialAccumulatorValue: this.initialAccumulatorValue, l1RegularizationStrength: this.l1,
      l2RegularizationStrength: this.l2, l2ShrinkageRegularizationStrength: this.l2Shrinkage, beta: this.beta,
    };
  }

  protected override initialSlotValue(slot: string): number {
    return slot === 'accumulator' ? this.initialAccumulatorValue : 0;
  }

  protected beginStep(learningRate: number): void {
    this.lr = learningRate;
  }

  protected update(w: Float32Array, g: Float32Array, slots: Float32Array[], start: number, end: number): void {
    const n = slots[0], z = slots[1], lr = this.lr, l1 = this.l1, twoL2 = 2 * this.l2;
    const shrink = 2 * this.l2Shrinkage, beta = this.beta, p = this.learningRatePower, sqrtPower = p === -0.5;
    for (let i = start; i < end; i++) {
      const gi = g[i], wi = w[i];
      const nOld = n[i], nNew = nOld + gi * gi;
      const powNew = sqrtPower ? Math.sqrt(nNew) : nNew ** -p;
      const powOld = sqrtPower ? Math.sqrt(nOld) : nOld ** -p;
      const zi = z[i] + gi + shrink * wi - ((powNew - powOld) / lr) * wi;
      z[i] = zi;
      n[i] = nNew;
      const q = (powNew + beta) / lr + twoL2;
      w[i] = Math.abs(zi) > l1 ? (Math.sign(zi) * l1 - zi) / q : 0;
    }
  }
}
