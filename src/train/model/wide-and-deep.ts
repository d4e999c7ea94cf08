/**
 * Wide & deep (Cheng et al. 2016; TF's DNNLinearCombinedClassifier): a DNN over DenseFeatures and a
 * Linear model over the wide ragged ids, their logits summed, each part trained by its own
 * optimizer on the same loss. `linearModel` and `dnnModel` are the one-part variants.
 *
 * Defaults follow TF's canned estimators: the wide part FTRL with learning rate
 * min(0.2, 1/√(wide inputs)); the deep part Adagrad with learning rate 0.05, relu hidden layers.
 *
 * @example
 * const model = wideAndDeepModel({dnn: {hiddenUnits: [100, 75, 50, 25]}, seed: 0});
 * model.compile({loss: 'binaryCrossentropy', metrics: ['accuracy', 'auc']});
 * await model.fit(train, {epochs: 5, batchSize: 256});
 */
import type { Activation, Backend } from '../backend/backend.ts';
import type { FeatureBatch } from '../../tensor/feature-batch.ts';
import type { Initializer } from '../initializers.ts';
import { Dense } from '../layers/dense.ts';
import { DenseFeatures, type DenseFeaturesOptions } from '../layers/dense-features.ts';
import { Dropout } from '../layers/dropout.ts';
import type { Layer } from '../layers/layer.ts';
import { Linear, type LinearOptions } from '../layers/linear.ts';
import { Adagrad } from '../optimizers/adagrad.ts';
import { createOptimizer, type OptimizerName } from '../optimizers/create.ts';
import { Ftrl } from '../optimizers/ftrl.ts';
import type { Optimizer } from '../optimizers/optimizer.ts';
import type { Parameter } from '../parameter.ts';
import type { Random } from '../../kernels/random.ts';
import type { Regularizer } from '../regularizers.ts';
import { Model, type ParameterGroup } from './model.ts';

export interface LinearPartOptions extends Omit<LinearOptions, 'units' | 'name'> {
  optimizer?: Optimizer | OptimizerName;
}

export interface DnnPartOptions {
  hiddenUnits: readonly number[];
  activation?: Activation;
  /** Dropout rate after each hidden layer (TF's `dropout`); default none. */
  dropout?: number;
  kernelInitializer?: Initializer;
  kernelRegularizer?: Regularizer | null;
  /** Input layer settings: embedding columns, overrides, numeric normalization. */
  features?: DenseFeaturesOptions;
  optimizer?: Optimizer | OptimizerName;
}

export interface WideAndDeepOptions {
  /** Outputs: 1 for binary classification and regression, nClasses for sparse categorical. */
  units?: number;
  seed?: number;
  /** The wide part, or false for none. Default {} (every non-embedding ragged output). */
  linear?: LinearPartOptions | false;
  /** The deep part, or false for none. */
  dnn?: DnnPartOptions | false;
}

export class WideAndDeep extends Model {
  readonly linear: Linear | null;
  readonly features: DenseFeatures | null;
  readonly hidden: Layer[] = [];
  readonly head: Dense | null;
  private readonly options: WideAndDeepOptions;
  private readonly outputUnits: number;
  private isBuilt = false;
  private gradientFrom = 0;

  constructor(options: WideAndDeepOptions) {
    super(options.seed ?? 0);
    this.options = options;
    this.outputUnits = options.units ?? 1;
    if (!Number.isInteger(this.outputUnits) || this.outputUnits < 1) throw new Error(`WideAndDeep: units must be a positive integer, got ${this.outputUnits}`);
    const linear = options.linear ?? {}, dnn = options.dnn ?? false;
    if (linear === false && dnn === false) throw new Error('WideAndDeep: needs a linear part, a dnn part, or both');
    this.linear = linear === false ? null : new Linear({ ...linear, units: this.outputUnits, name: 'linear' });
    if (dnn === false) {
      this.features = null;
      this.head = null;
    } else {
      if (!Array.isArray(dnn.hiddenUnits)) throw new Error('WideAndDeep: dnn.hiddenUnits lists the hidden layer widths, e.g. [100, 75, 50, 25]');
      this.features = new DenseFeatures({ ...dnn.features, name: 'dnn/input' });
      dnn.hiddenUnits.forEach((units, i) => {
        this.hidden.push(new Dense({
          units, activation: dnn.activation ?? 'relu', kernelInitializer: dnn.kernelInitializer,
          kernelRegularizer: dnn.kernelRegularizer, name: `dnn/hiddenlayer_${i}`,
        }));
        if (dnn.dropout !== undefined && dnn.dropout > 0) this.hidden.push(new Dropout({ rate: dnn.dropout, name: `dnn/dropout_${i}` }));
      });
      this.head = new Dense({ units: this.outputUnits, kernelInitializer: dnn.kernelInitializer, kernelRegularizer: dnn.kernelRegularizer, name: 'dnn/logits' });
    }
  }

  get built(): boolean {
    return this.isBuilt;
  }

  get units(): number {
    return this.outputUnits;
  }

  protected buildNetwork(batch: FeatureBatch, random: Random): void {
    if (this.features !== null) {
      this.features.build(batch, random);
      let width = this.features.outputWidth;
      for (const layer of [...this.hidden, this.head!]) {
        layer.build(width, random);
        width = layer.outputWidth;
      }
      this.gradientFrom = this.features.connect(this.hidden[0] ?? this.head!);
    }
    this.linear?.build(batch);
    this.isBuilt = true;
  }

  protected override normalizedInputs(): DenseFeatures | null {
    return this.features;
  }

  protected forward(backend: Backend, batch: FeatureBatch, rows: number, training: boolean): Float32Array {
    const wide = this.linear === null ? null : this.linear.forward(backend, batch, rows);
    if (this.features === null) return wide!;
    let x = this.features.forward(backend, batch, rows);
    for (const layer of this.hidden) x = layer.forward(backend, x, rows, training);
    const deep = this.head!.forward(backend, x, rows);
    if (wide === null) return deep;
    const n = rows * this.outputUnits, out = this.outputBuffer(n);
    for (let i = 0; i < n; i++) out[i] = deep[i] + wide[i];
    return out;
  }

  protected backward(backend: Backend, dOutputs: Float32Array, rows: number): number {
    this.linear?.backward(backend, dOutputs, rows);
    if (this.features === null) return 0;
    const needFeatureGradient = this.features.needsGradient;
    let g = this.head!.backward(backend, dOutputs, rows, this.hidden.length > 0 || needFeatureGradient);
    for (let i = this.hidden.length - 1; i >= 0; i--) g = this.hidden[i].backward(backend, g!, rows, i > 0 || needFeatureGradient);
    if (needFeatureGradient) this.features.backward(backend, g!, rows, this.gradientFrom);
    return this.penalty();
  }

  protected penalty(): number {
    if (this.head === null) return 0;
    let total = this.head.penalty();
    for (const layer of this.hidden) total += layer.penalty();
    return total;
  }

  protected parameterGroups(compiled: Optimizer | OptimizerName | undefined): ParameterGroup[] {
    if (compiled !== undefined) throw new Error('WideAndDeep: give each part its optimizer in the constructor ({linear: {optimizer}, dnn: {optimizer}}), not in compile');
    const groups: ParameterGroup[] = [];
    if (this.features !== null) {
      const dnn = this.options.dnn as DnnPartOptions;
      groups.push({ optimizer: dnn.optimizer === undefined ? new Adagrad({ learningRate: 0.05 }) : createOptimizer(dnn.optimizer), parameters: this.dnnParameters().filter((p) => p.trainable) });
    }
    if (this.linear !== null) {
      const spec = (this.options.linear || {}).optimizer;
      const inputs = this.linear.features.length + (this.linear.includeDense ? 1 : 0);
      const optimizer = spec === undefined ? new Ftrl({ learningRate: Math.min(0.2, 1 / Math.sqrt(Math.max(1, inputs))) }) : createOptimizer(spec);
      groups.push({ optimizer, parameters: this.linear.parameters().filter((p) => p.trainable) });
    }
    return groups;
  }

  parameters(): Parameter[] {
    return [...this.dnnParameters(), ...(this.linear?.parameters() ?? [])];
  }

  private dnnParameters(): Parameter[] {
    if (this.features === null) return [];
    return [...this.features.parameters(), ...this.hidden.flatMap((l) => l.parameters()), ...this.head!.parameters()];
  }
}

/** Wide & deep: both parts. */
export function wideAndDeepModel(options: WideAndDeepOptions & { dnn: DnnPartOptions }): WideAndDeep {
  return new WideAndDeep(options);
}

/** The wide part alone (TF's LinearClassifier / LinearRegressor over ragged ids). */
export function linearModel(options: Omit<WideAndDeepOptions, 'dnn' | 'linear'> & { linear?: LinearPartOptions } = {}): WideAndDeep {
  return new WideAndDeep({ ...options, linear: options.linear ?? {}, dnn: false });
}

/** The deep part alone (TF's DNNClassifier / DNNRegressor). */
export function dnnModel(options: Omit<WideAndDeepOptions, 'dnn' | 'linear'> & { dnn: DnnPartOptions }): WideAndDeep {
  return new WideAndDeep({ ...options, linear: false });
}
