/**
 * Keras-style linear stack: `add` layers, `compile`, `fit`, `evaluate`, `predict`. The input is a
 * FeatureBatch: a first `DenseFeatures` layer turns it into [rows, width] (dense block plus
 * embeddings); without one, the stack reads the dense block as it is.
 *
 * @example
 * const model = new Sequential({seed: 0});
 * model.add(new DenseFeatures()).add(new Dense({units: 16, activation: 'relu'})).add(new Dense({units: 1}));
 * model.compile({optimizer: new Adam({learningRate: 0.01}), loss: 'binaryCrossentropy', metrics: ['accuracy', 'auc']});
 * await model.fit(batches, {epochs: 5, batchSize: 256});
 */
import type { Backend } from '../backend/backend.ts';
import type { FeatureBatch } from '../../tensor/feature-batch.ts';
import { DenseFeatures } from '../layers/dense-features.ts';
import { type Layer, LayerNamer } from '../layers/layer.ts';
import { createOptimizer, type OptimizerName } from '../optimizers/create.ts';
import type { Optimizer } from '../optimizers/optimizer.ts';
import type { Parameter } from '../parameter.ts';
import type { Random } from '../../kernels/random.ts';
import { Model, type ParameterGroup } from './model.ts';

export interface SequentialOptions {
  /** Seed of weight initialization, dropout and shuffles (default 0: the same model every run). */
  seed?: number;
  layers?: (Layer | DenseFeatures)[];
}

export class Sequential extends Model {
  readonly layers: Layer[] = [];
  featureLayer: DenseFeatures | null = null;
  private readonly namer = new LayerNamer();
  private isBuilt = false;
  private params: Parameter[] = [];
  private gradientFrom = 0;

  constructor(options: SequentialOptions = {}) {
    super(options.seed ?? 0);
    for (const layer of options.layers ?? []) this.add(layer);
  }

  /** Appends a layer (a DenseFeatures only first); returns the model for chaining. */
  add(layer: Layer | DenseFeatures): this {
    if (this.isBuilt) throw new Error('Sequential.add: the model is already built');
    if (layer instanceof DenseFeatures) {
      if (this.layers.length > 0 || this.featureLayer !== null) throw new Error('Sequential.add: DenseFeatures must be the first layer');
      layer.name = this.namer.claim(layer.name === 'dense_features' ? undefined : layer.name, 'dense_features');
      this.featureLayer = layer;
      return this;
    }
    layer.name = this.namer.claim(layer.name === '' ? undefined : layer.name, baseName(layer));
    this.layers.push(layer);
    return this;
  }

  get built(): boolean {
    return this.isBuilt;
  }

  get units(): number {
    if (!this.isBuilt) throw new Error('Sequential: units are known once built');
    return this.layers[this.layers.length - 1].outputWidth;
  }

  protected buildNetwork(batch: FeatureBatch, random: Random): void {
    if (this.layers.length === 0) throw new Error('Sequential: add at least one layer before fit/evaluate/predict');
    let width = batch.dense.shape[1];
    if (this.featureLayer !== null) {
      this.featureLayer.build(batch, random);
      width = this.featureLayer.outputWidth;
    }
    for (const layer of this.layers) {
      layer.build(width, random);
      width = layer.outputWidth;
    }
    if (this.featureLayer !== null) this.gradientFrom = this.featureLayer.connect(this.layers[0]);
    this.params = [...(this.featureLayer?.parameters() ?? []), ...this.layers.flatMap((l) => l.parameters())];
    this.isBuilt = true;
  }

  protected override normalizedInputs(): DenseFeatures | null {
    return this.featureLayer;
  }

  protected forward(backend: Backend, batch: FeatureBatch, rows: number, training: boolean): Float32Array {
    let x = this.featureLayer === null ? batch.dense.values : this.featureLayer.forward(backend, batch, rows);
    for (const layer of this.layers) x = layer.forward(backend, x, rows, training);
    return x;
  }

  protected backward(backend: Backend, dOutputs: Float32Array, rows: number): number {
    const needFeatureGradient = this.featureLayer !== null && this.featureLayer.needsGradient;
    let g: Float32Array | null = dOutputs;
    for (let i = this.layers.length - 1; i >= 0; i--) {
      g = this.layers[i].backward(backend, g!, rows, i > 0 || needFeatureGradient);
    }
    if (needFeatureGradient) this.featureLayer!.backward(backend, g!, rows, this.gradientFrom);
    return this.penalty();
  }

  protected penalty(): number {
    let total = 0;
    for (const layer of this.layers) total += layer.penalty();
    return total;
  }

  protected parameterGroups(optimizer: Optimizer | OptimizerName | undefined): ParameterGroup[] {
    if (optimizer === undefined) throw new Error('Sequential.compile needs an optimizer, e.g. {optimizer: "adam"} or new Adam({learningRate: 0.01})');
    return [{ optimizer: createOptimizer(optimizer), parameters: this.params.filter((p) => p.trainable) }];
  }

  parameters(): Parameter[] {
    return this.params;
  }

  /** One line per layer: name, output width, parameter count. */
  summary(): string {
    const lines = [];
    if (this.featureLayer !== null) lines.push(`${this.featureLayer.name}  ${this.featureLayer.outputWidth}  ${count(this.featureLayer.parameters())}`);
    for (const layer of this.layers) lines.push(`${layer.name}  ${layer.outputWidth}  ${count(layer.parameters())}`);
    return lines.join('\n');
  }
}

function baseName(layer: Layer): string {
  return layer.constructor.name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

function count(params: Parameter[]): number {
  return params.reduce((n, p) => n + p.size, 0);
}
