/**
 * The wide part: a linear model over ragged ids. Each ragged tensor it is given gets per-id weights
 * [cardinality, units], combined per row as the tensor says (TF LinearModel's sparse_combiner,
 * 'sum' for the transform's categorical outputs), plus one bias [units]; optionally a kernel over
 * the batch's dense block too. Weights start at zero, as in TF's linear model. Gradients of the
 * per-id weights are sparse: only the rows a batch's ids name are written and later updated.
 *
 * logits[r] = bias + Σ_tensors combine_k w_k · W_t[ids_k] (+ dense[r] · K)
 */
import type { Backend, Combiner } from '../backend/backend.ts';
import type { FeatureBatch } from '../../tensor/feature-batch.ts';
import { Parameter } from '../parameter.ts';
import { ensureSize } from './layer.ts';
import { markKeptRows } from './embedding-clip.ts';

export interface LinearOptions {
  /** Outputs per row (1 for binary classification and regression; nClasses for softmax). */
  units?: number;
  /** Ragged outputs to weight, by name; default every ragged output without an embedding dimension. */
  features?: readonly string[];
  /** Overrides each tensor's own combiner. */
  combiner?: Combiner;
  /** Also weight the dense block (numeric, bucketized and indicator slots). Default false. */
  includeDense?: boolean;
  trainable?: boolean;
  name?: string;
}

interface WeightedInput {
  name: string;
  combiner: Combiner;
  weights: Parameter;
}

export class Linear {
  name: string;
  readonly units: number;
  readonly includeDense: boolean;
  readonly trainable: boolean;
  private readonly requested: readonly string[] | null;
  private readonly combiner: Combiner | null;
  private inputs: WeightedInput[] = [];
  private kernel: Parameter | null = null;
  bias: Parameter | null = null;
  private denseWidth = 0;
  private batch: FeatureBatch | null = null;
  private output: Float32Array = new Float32Array(0);
  private scratch: Float32Array = new Float32Array(0);

  constructor(options: LinearOptions = {}) {
    this.units = options.units ?? 1;
    if (!Number.isInteger(this.units) || this.units < 1) throw new Error(`Linear: units must be a positive integer, got ${this.units}`);
    this.requested = options.features ?? null;
    this.combiner = options.combiner ?? null;
    this.includeDense = options.includeDense ?? false;
    this.trainable = options.trainable ?? true;
    this.name = options.name ?? 'linear';
  }

  get built(): boolean {
    return this.bias !== null;
  }

  /** The ragged outputs it weights, in order. */
  get features(): string[] {
    return this.inputs.map((i) => i.name);
  }

  /** Creates zero weights for the tensors of `batch` it uses. */
  build(batch: FeatureBatch): void {
    if (this.bias !== null) return;
    const names = this.requested ?? Object.keys(batch.sparse).filter((n) => batch.sparse[n].dimension === null).sort();
    for (const [i, name] of names.entries()) {
      if (names.indexOf(name) !== i) throw new Error(`Linear: feature '${name}' is listed twice`);
      const ragged = batch.sparse[name];
      if (ragged === undefined) {
        throw new Error(`Linear: the batch has no ragged output '${name}' (it has ${Object.keys(batch.sparse).join(', ') || 'none'}); transform with {sparse: 'all'}?`);
      }
      const weights = new Parameter(`${this.name}/${name}/weights`, new Float32Array(ragged.cardinality * this.units),
        ragged.cardinality, this.units, true, this.trainable);
      this.inputs.push({ name, combiner: this.combiner ?? ragged.combiner, weights });
    }
    if (this.includeDense) {
      this.denseWidth = batch.dense.shape[1];
      this.kernel = new Parameter(`${this.name}/dense/weights`, new Float32Array(this.denseWidth * this.units), this.denseWidth, this.units, false, this.trainable);
    }
    if (this.inputs.length === 0 && this.kernel === null) throw new Error('Linear: no inputs (no ragged outputs in the batch, and includeDense is off)');
    this.bias = new Parameter(`${this.name}/bias`, new Float32Array(this.units), 1, this.units, false, this.trainable);
  }

  /** [rows, units] logits. Throws on an id outside its tensor's cardinality. */
  forward(backend: Backend, batch: FeatureBatch, rows: number): Float32Array {
    const bias = this.requireBuilt();
    const n = rows * this.units;
    this.output = ensureSize(this.output, n);
    this.scratch = ensureSize(this.scratch, n);
    this.batch = batch;
    const out = this.output, scratch = this.scratch;
    if (this.kernel !== null) backend.matmul(batch.dense.values, this.kernel.value, out, rows, this.units, this.denseWidth, false, false, false);
    else out.fill(0, 0, n);
    for (const input of this.inputs) {
      const ragged = batch.sparse[input.name];
      const bad = backend.gatherSum(input.weights.value, this.units, ragged, rows, input.combiner, scratch);
      if (bad >= 0) throw new Error(`${this.name}: '${input.name}' row ${bad} has an id outside [0, ${input.weights.rows})`);
      for (let i = 0; i < n; i++) out[i] += scratch[i];
    }
    backend.addBias(out, bias.value, rows, this.units);
    return out;
  }

  /** Writes the bias (and dense kernel) gradient and adds the per-id gradients of the touched rows. */
  backward(backend: Backend, dOutput: Float32Array, rows: number): void {
    const bias = this.requireBuilt();
    if (!this.trainable) return;
    const batch = this.batch;
    if (batch === null) throw new Error(`${this.name}: backward before forward`);
    backend.sumColumns(dOutput, rows, this.units, bias.grad);
    if (this.kernel !== null) backend.matmul(batch.dense.values, dOutput, this.kernel.grad, this.denseWidth, this.units, rows, true, false, false);
    for (const input of this.inputs) {
      const ragged = batch.sparse[input.name];
      backend.scatterAdd(dOutput, this.units, ragged, rows, input.combiner, input.weights.grad);
      markKeptRows(ragged, rows, input.combiner, input.weights.touched!);
    }
  }

  parameters(): Parameter[] {
    const out = this.inputs.map((i) => i.weights);
    if (this.kernel !== null) out.push(this.kernel);
    if (this.bias !== null) out.push(this.bias);
    return out;
  }

  private requireBuilt(): Parameter {
    if (this.bias === null) throw new Error(`${this.name}: used before build`);
    return this.bias;
  }
}
