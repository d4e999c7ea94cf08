/**
 * The contract of a dense-input layer: [rows, inputWidth] in, [rows, outputWidth] out, explicit
 * forward and backward over Float32Arrays. Buffers are owned by the layer and sized for the
 * largest batch seen, so a warm training step allocates nothing; an output stays valid until the
 * layer's next forward, a returned input gradient until its next backward.
 */
import type { Backend } from '../backend/backend.ts';
import type { Parameter } from '../parameter.ts';
import type { Random } from '../../kernels/random.ts';

export interface Layer {
  /** Unique within its model; prefixes its parameters' names. */
  name: string;
  readonly built: boolean;
  /** Creates parameters for `inputWidth` inputs, drawing initial values from `random`. */
  build(inputWidth: number, random: Random): void;
  readonly outputWidth: number;
  /** Output for `rows` rows of `input`; `training` turns dropout on. */
  forward(backend: Backend, input: Float32Array, rows: number, training: boolean): Float32Array;
  /**
   * Given ∂loss/∂output, writes the parameter gradients (regularization included) and returns
   * ∂loss/∂input, or null when `needInputGradient` is false (the first layer). Returns the
   * regularization penalty through `penalty()`.
   */
  backward(backend: Backend, dOutput: Float32Array, rows: number, needInputGradient: boolean): Float32Array | null;
  /** The regularization penalty of the current weights (0 without regularizers). */
  penalty(): number;
  parameters(): Parameter[];
}

/**
 * A buffer of at least `size` floats: `current` when big enough, else a new one (grown only), from
 * `backend.allocate` when given one that has it (buffers its kernels use without copies).
 */
export function ensureSize(current: Float32Array, size: number, backend?: Backend): Float32Array {
  if (current.length >= size) return current;
  const length = Math.max(size, Math.ceil(current.length * 1.5));
  return backend?.allocate !== undefined ? backend.allocate(length) : new Float32Array(length);
}

/** Gives each unnamed layer a Keras-like name, "dense", "dense_1", ..., unique within one model. */
export class LayerNamer {
  private readonly used = new Set<string>();

  claim(name: string | undefined, base: string): string {
    if (name !== undefined) {
      if (this.used.has(name)) throw new Error(`layer name '${name}' is used twice in one model`);
      this.used.add(name);
      return name;
    }
    for (let i = 0; ; i++) {
      const candidate = i === 0 ? base : `${base}_${i}`;
      if (!this.used.has(candidate)) {
        this.used.add(candidate);
        return candidate;
      }
    }
  }
}
