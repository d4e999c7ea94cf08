/**
 * Fully connected layer: y = f(x · W + b), W [inputWidth, units].
 * Backward, from the kept output y: dz = dy · f'(y); dW = xᵀ · dz (+ regularizer gradient);
 * db = Σ_rows dz; dx = dz · Wᵀ. Each direction is one backend call (denseForward, denseBackward),
 * which the js backend runs as one WebAssembly round trip.
 */
import type { Activation, Backend } from '../backend/backend.ts';
import { currentDefaults } from '../arg-scope.ts';
import { type Initializer, initialize } from '../initializers.ts';
import { Parameter } from '../parameter.ts';
import type { Random } from '../../kernels/random.ts';
import { type Regularizer, addPenaltyGradient, penalty } from '../regularizers.ts';
import { type Layer, ensureSize } from './layer.ts';

export interface DenseOptions {
  units: number;
  activation?: Activation;
  kernelInitializer?: Initializer;
  biasInitializer?: Initializer;
  kernelRegularizer?: Regularizer | null;
  useBias?: boolean;
  name?: string;
  trainable?: boolean;
}

export class Dense implements Layer {
  name: string;
  readonly units: number;
  readonly activation: Activation;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kernelRegularizer: Regularizer | null;
  readonly useBias: boolean;
  readonly trainable: boolean;
  kernel: Parameter | null = null;
  bias: Parameter | null = null;
  private inputWidth = 0;
  private gradientFrom = 0;
  private kernelTail: Float32Array | null = null;
  private input: Float32Array | null = null;
  private output: Float32Array = new Float32Array(0);
  private dInput: Float32Array = new Float32Array(0);

  /** Defaults: linear activation, glorotUniform kernel, zero bias, no regularizer, with bias; an `argScope` may change them. */
  constructor(options: DenseOptions) {
    const o = { ...currentDefaults(Dense), ...definedOnly(options) } as DenseOptions;
    if (!Number.isInteger(o.units) || o.units < 1) throw new Error(`Dense: units must be a positive integer, got ${o.units}`);
    this.units = o.units;
    this.activation = o.activation ?? 'linear';
    if (!['linear', 'relu', 'sigmoid', 'tanh'].includes(this.activation)) {
      throw new Error(`Dense: unknown activation '${this.activation}'; use linear, relu, sigmoid or tanh`);
    }
    this.kernelInitializer = o.kernelInitializer ?? 'glorotUniform';
    this.biasInitializer = o.biasInitializer ?? 'zeros';
    this.kernelRegularizer = o.kernelRegularizer ?? null;
    this.useBias = o.useBias ?? true;
    this.trainable = o.trainable ?? true;
    this.name = o.name ?? '';
  }

  get built(): boolean {
    return this.kernel !== null;
  }

  get outputWidth(): number {
    return this.units;
  }

  build(inputWidth: number, random: Random): void {
    if (this.kernel !== null) {
      if (inputWidth !== this.inputWidth) throw new Error(`${this.name}: built for ${this.inputWidth} inputs, given ${inputWidth}`);
      return;
    }
    this.inputWidth = inputWidth;
    const kernel = new Float32Array(inputWidth * this.units);
    initialize(this.kernelInitializer, kernel, inputWidth, this.units, random);
    this.kernel = new Parameter(`${this.name}/kernel`, kernel, inputWidth, this.units, false, this.trainable);
    if (this.useBias) {
      const bias = new Float32Array(this.units);
      initialize(this.biasInitializer, bias, 1, this.units, random);
      this.bias = new Parameter(`${this.name}/bias`, bias, 1, this.units, false, this.trainable);
    }
  }

  forward(backend: Backend, input: Float32Array, rows: number): Float32Array {
    const kernel = this.requireBuilt();
    const n = rows * this.units;
    this.output = ensureSize(this.output, n, backend);
    this.input = input;
    backend.denseForward(input, kernel.value, this.bias === null ? null : this.bias.value, this.output, rows, this.units, this.inputWidth, this.activation);
    return this.output;
  }

  backward(backend: Backend, dOutput: Float32Array, rows: number, needInputGradient: boolean): Float32Array | null {
    const kernel = this.requireBuilt();
    if (this.input === null) throw new Error(`${this.name}: backward before forward`);
    const trains = kernel.trainable;
    const width = this.inputWidth - this.gradientFrom;
    if (needInputGradient) this.dInput = ensureSize(this.dInput, rows * width, backend);
    if (!trains && !needInputGradient) return null;
    backend.denseBackward(this.input, this.kernelTail ?? kernel.value, this.output, dOutput, trains ? kernel.grad : null,
      trains && this.bias !== null ? this.bias.grad : null, needInputGradient ? this.dInput : null,
      rows, this.units, this.inputWidth, this.activation, width);
    if (trains && this.kernelRegularizer !== null) addPenaltyGradient(this.kernelRegularizer, kernel.value, kernel.grad);
    return needInputGradient ? this.dInput : null;
  }

  /**
   * Makes backward return ∂loss/∂input for input columns [from, inputWidth) only, [rows,
   * inputWidth − from]: for a first layer after DenseFeatures, where only the embedding columns at
   * the end have weights behind them, this skips the dense block's share of the input gradient.
   */
  setInputGradientFrom(from: number): void {
    const kernel = this.requireBuilt();
    if (!(Number.isInteger(from) && from >= 0 && from < this.inputWidth)) throw new Error(`${this.name}: input gradient start ${from} outside [0, ${this.inputWidth})`);
    this.gradientFrom = from;
    this.kernelTail = from === 0 ? null : kernel.value.subarray(from * this.units);
  }

  penalty(): number {
    return this.kernelRegularizer !== null && this.kernel !== null ? penalty(this.kernelRegularizer, this.kernel.value) : 0;
  }

  parameters(): Parameter[] {
    const out: Parameter[] = [];
    if (this.kernel !== null) out.push(this.kernel);
    if (this.bias !== null) out.push(this.bias);
    return out;
  }

  private requireBuilt(): Parameter {
    if (this.kernel === null) throw new Error(`${this.name || 'Dense'}: used before build (add it to a model, or call build)`);
    return this.kernel;
  }
}

/** Options without keys whose value is undefined, so they don't hide scope defaults. */
function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
