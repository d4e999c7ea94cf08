/**
 * The optimizer base: per-parameter state slots, the step counter and the learning-rate schedule.
 * Each optimizer writes one fused loop over a span of a parameter (`update`), called once for a
 * dense parameter and once per touched row for a sparse one, after which the touched gradient rows
 * are zeroed, so a sparse update costs O(touched rows · width).
 *
 * State for checkpoints: `iterations` and `slots(parameter)` (named Float32Arrays the size of the
 * parameter), listed all together by `variables()`.
 */
import type { Parameter } from '../parameter.ts';
import { type LearningRate, type LearningRateSchedule, toSchedule } from './schedules.ts';

export abstract class Optimizer {
  abstract readonly name: string;
  /** Slot names, in the order `update` receives them. */
  abstract readonly slotNames: readonly string[];
  /** Updates made so far (the step the schedule sees). */
  iterations = 0;
  readonly schedule: LearningRateSchedule;
  private readonly slotMap = new Map<Parameter, Float32Array[]>();

  constructor(learningRate: LearningRate) {
    this.schedule = toSchedule(learningRate);
  }

  /** The learning rate the next update uses. */
  currentLearningRate(): number {
    return this.schedule.at(this.iterations);
  }

  /** One update of every trainable parameter from its gradient; then iterations += 1. */
  apply(parameters: readonly Parameter[]): void {
    this.beginStep(this.currentLearningRate(), this.iterations + 1);
    for (const p of parameters) {
      if (!p.trainable) continue;
      const slots = this.slotArrays(p);
      const touched = p.touched;
      if (touched === null) {
        if (!this.updateInPlace(p, slots)) this.update(p.value, p.grad, slots, 0, p.size);
        continue;
      }
      const cols = p.cols, rows = touched.rows, grad = p.grad;
      for (let i = 0; i < touched.count; i++) {
        const start = rows[i] * cols, end = start + cols;
        this.update(p.value, grad, slots, start, end);
        grad.fill(0, start, end);
      }
      touched.clear();
    }
    this.iterations++;
  }

  /** The named state slots of `parameter` (created at their initial values on first use). */
  slots(parameter: Parameter): Record<string, Float32Array> {
    const arrays = this.slotArrays(parameter);
    return Object.fromEntries(this.slotNames.map((name, i) => [name, arrays[i]]));
  }

  /** Every slot of every parameter seen so far, for a checkpoint. */
  variables(): { parameter: string; slot: string; values: Float32Array }[] {
    const out: { parameter: string; slot: string; values: Float32Array }[] = [];
    for (const [p, arrays] of this.slotMap) {
      this.slotNames.forEach((slot, i) => out.push({ parameter: p.name, slot, values: arrays[i] }));
    }
    return out;
  }

  /** Settings as plain data. */
  abstract getConfig(): Record<string, unknown>;

  /** Per-step scalars (learning rate, bias corrections) before the loops; `t` counts from 1. */
  protected abstract beginStep(learningRate: number, t: number): void;

  /** Updates value[start..end) from grad[start..end) and the slots' same span. */
  protected abstract update(value: Float32Array, grad: Float32Array, slots: Float32Array[], start: number, end: number): void;

  /**
   * A whole dense parameter's update run by its backend (Parameter.backend), with the same results
   * as `update`; false (the default) when it cannot, and `update` runs instead.
   */
  protected updateInPlace(_parameter: Parameter, _slots: Float32Array[]): boolean {
    return false;
  }

  /** The value a slot starts at (0 unless overridden). */
  protected initialSlotValue(_slot: string): number {
    return 0;
  }

  private slotArrays(p: Parameter): Float32Array[] {
    let arrays = this.slotMap.get(p);
    if (arrays === undefined) {
      arrays = this.slotNames.map((slot) => p.allocate(p.size).fill(this.initialSlotValue(slot)));
      this.slotMap.set(p, arrays);
    }
    return arrays;
  }
}
