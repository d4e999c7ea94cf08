/**
 * An embedding table [cardinality, dimension] over one ragged id tensor: each row's ids are looked
 * up and combined (sum, mean or sqrtn, with per-id weights) as TF's safe_embedding_lookup_sparse,
 * optionally clipping each vector to `maxNorm` first. Gradients are sparse: backward scatters into
 * only the rows the batch's ids name and records them, so the optimizer updates only those rows.
 *
 * Defaults follow TF's embedding_column: combiner 'mean', initializer truncated normal with
 * stddev 1/√dimension, trainable.
 */
import type { Backend, Combiner, SparseIds } from '../backend/backend.ts';
import { type Initializer, initialize } from '../initializers.ts';
import { Parameter } from '../parameter.ts';
import type { Random } from '../../kernels/random.ts';
import type { RaggedTensor } from '../../tensor/feature-batch.ts';
import { ensureSize } from './layer.ts';
import { clippedGatherSum, clippedScatterAdd, markKeptRows } from './embedding-clip.ts';

export interface EmbeddingOptions {
  cardinality: number;
  dimension: number;
  combiner?: Combiner;
  initializer?: Initializer;
  maxNorm?: number | null;
  trainable?: boolean;
  name?: string;
}

export class Embedding {
  name: string;
  readonly cardinality: number;
  readonly dimension: number;
  readonly combiner: Combiner;
  readonly initializer: Initializer;
  readonly maxNorm: number | null;
  readonly trainable: boolean;
  table: Parameter | null = null;
  private sparse: SparseIds | null = null;
  private output: Float32Array = new Float32Array(0);

  constructor(options: EmbeddingOptions) {
    const { cardinality, dimension } = options;
    if (!Number.isInteger(cardinality) || cardinality < 1) throw new Error(`Embedding: cardinality must be a positive integer, got ${cardinality}`);
    if (!Number.isInteger(dimension) || dimension < 1) throw new Error(`Embedding: dimension must be a positive integer, got ${dimension}`);
    if (options.maxNorm != null && !(options.maxNorm > 0)) throw new Error(`Embedding: maxNorm must be > 0, got ${options.maxNorm}`);
    this.cardinality = cardinality;
    this.dimension = dimension;
    this.combiner = options.combiner ?? 'mean';
    this.initializer = options.initializer ?? { truncatedNormal: { mean: 0, stddev: 1 / Math.sqrt(dimension) } };
    this.maxNorm = options.maxNorm ?? null;
    this.trainable = options.trainable ?? true;
    this.name = options.name ?? 'embedding';
  }

  /** An embedding for one of a FeatureBatch's ragged tensors (cardinality, dimension and combiner from it). */
  static fromRagged(name: string, ragged: RaggedTensor, overrides: Partial<EmbeddingOptions> = {}): Embedding {
    if (ragged.dimension === null) throw new Error(`'${name}' is not an embedding column's output (it has no dimension)`);
    return new Embedding({ name, cardinality: ragged.cardinality, dimension: ragged.dimension, combiner: ragged.combiner, ...overrides });
  }

  get built(): boolean {
    return this.table !== null;
  }

  build(random: Random): void {
    if (this.table !== null) return;
    const values = new Float32Array(this.cardinality * this.dimension);
    initialize(this.initializer, values, this.cardinality, this.dimension, random);
    this.table = new Parameter(`${this.name}/embedding_weights`, values, this.cardinality, this.dimension, true, this.trainable);
  }

  /** [rows, dimension]: the combined vectors of each row's ids. Throws on an id ≥ cardinality. */
  forward(backend: Backend, sparse: SparseIds, rows: number): Float32Array {
    const table = this.requireBuilt();
    this.output = ensureSize(this.output, rows * this.dimension);
    this.sparse = sparse;
    const bad = this.maxNorm === null
      ? backend.gatherSum(table.value, this.dimension, sparse, rows, this.combiner, this.output)
      : clippedGatherSum(table.value, this.dimension, sparse, rows, this.combiner, this.maxNorm, this.output);
    if (bad >= 0) {
      const ids = Array.from(sparse.ids.subarray(sparse.offsets[bad], sparse.offsets[bad + 1]));
      throw new Error(`${this.name}: row ${bad} has ids [${ids}], outside [0, ${this.cardinality}); the table was built for another column`);
    }
    return this.output;
  }

  /** Adds ∂loss/∂table for the last forward's ids into the table's gradient and marks those rows. */
  backward(backend: Backend, dOutput: Float32Array, rows: number): void {
    const table = this.requireBuilt();
    if (!table.trainable) return;
    const sparse = this.sparse;
    if (sparse === null) throw new Error(`${this.name}: backward before forward`);
    if (this.maxNorm === null) backend.scatterAdd(dOutput, this.dimension, sparse, rows, this.combiner, table.grad);
    else clippedScatterAdd(table.value, dOutput, this.dimension, sparse, rows, this.combiner, this.maxNorm, table.grad);
    markKeptRows(sparse, rows, this.combiner, table.touched!);
  }

  parameters(): Parameter[] {
    return this.table === null ? [] : [this.table];
  }

  private requireBuilt(): Parameter {
    if (this.table === null) throw new Error(`${this.name}: used before build`);
    return this.table;
  }
}
