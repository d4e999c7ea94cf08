/**
 * Inverted dropout: in training each value is kept with probability 1 − rate and scaled by
 * 1 / (1 − rate), so inference is the identity (it returns its input, no copy). The mask draws from
 * the layer's own seeded stream (forked from the model's at build), so runs repeat; the backend draws
 * them (Backend.dropout continues the generator's state), in WebAssembly on the js backend.
 */
import type { Backend } from '../backend/backend.ts';
import type { Parameter } from '../parameter.ts';
import type { Random } from '../../kernels/random.ts';
import { type Layer, ensureSize } from './layer.ts';

export class Dropout implements Layer {
  name: string;
  readonly rate: number;
  private width = -1;
  private random: Random | null = null;
  private mask: Float32Array = new Float32Array(0);
  private output: Float32Array = new Float32Array(0);
  private dInput: Float32Array = new Float32Array(0);
  private active = false;
  private readonly state = new Uint32Array(4);

  constructor(rate: number | { rate: number; name?: string }) {
    const o = typeof rate === 'number' ? { rate } : rate;
    if (!(o.rate >= 0 && o.rate < 1)) throw new Error(`Dropout: rate must lie in [0, 1), got ${o.rate}`);
    this.rate = o.rate;
    this.name = o.name ?? '';
  }

  get built(): boolean {
    return this.width >= 0;
  }

  get outputWidth(): number {
    return this.width;
  }

  build(inputWidth: number, random: Random): void {
    if (this.width >= 0) return;
    this.width = inputWidth;
    this.random = random.fork();
  }

  /** The generator behind the masks (its state belongs in a checkpoint). */
  get rng(): Random | null {
    return this.random;
  }

  forward(backend: Backend, input: Float32Array, rows: number, training: boolean): Float32Array {
    this.active = training && this.rate > 0;
    if (!this.active) return input;
    const n = rows * this.width;
    this.mask = ensureSize(this.mask, n, backend);
    this.output = ensureSize(this.output, n, backend);
    const random = this.random!, state = this.state;
    random.saveState(state);
    backend.dropout(input, this.output, this.mask, n, 1 - this.rate, state);
    random.loadState(state);
    return this.output;
  }

  backward(backend: Backend, dOutput: Float32Array, rows: number, needInputGradient: boolean): Float32Array | null {
    if (!needInputGradient) return null;
    if (!this.active) return dOutput;
    const n = rows * this.width;
    this.dInput = ensureSize(this.dInput, n, backend);
    const { mask, dInput } = this;
    if (backend.multiply !== undefined) backend.multiply(dOutput, mask, dInput, n);
    else for (let i = 0; i < n; i++) dInput[i] = dOutput[i] * mask[i];
    return dInput;
  }

  penalty(): number {
    return 0;
  }

  parameters(): Parameter[] {
    return [];
  }
}
