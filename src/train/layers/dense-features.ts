/**
 * The input layer of a DNN over a FeatureBatch: [rows, denseWidth + Σ embedding dimensions], the
 * dense block (numeric, bucketized, indicator slots) followed by one embedding lookup per embedding
 * output (sorted by name). Embedding settings come from the ragged tensor (cardinality, dimension,
 * combiner), from the embedding columns when given (initializer, maxNorm, trainable), and from
 * per-name overrides.
 *
 * Note on one-hot inputs: the design calls for the first dense layer over one-hot and indicator
 * inputs to be a sparse gather-sum rather than a one-hot matmul. The transform already writes
 * indicator and bucketized columns into the dense block as counts (43 slots for census), so the
 * first Dense layer multiplies that narrow block; nothing here builds a vocabulary-wide one-hot.
 * For wide vocabularies, use an embedding column (gather-sum here) or the Linear layer (gather-sum
 * over ids); a Dense-over-ids layer that gathers kernel rows from `{sparse: 'all'}` ids would be
 * the way to keep an indicator of a big vocabulary out of the dense block.
 *
 * `normalize: true` standardizes the numeric slots ((x − mean) / std, statistics from `adapt`, which
 * a model's `fit` calls on its training data when the layer is not adapted yet): the canonical TF
 * model feeds raw numbers, which a DNN trains on less well (census capital_gain reaches 99,999).
 */
import type { Backend } from '../backend/backend.ts';
import type { FeatureBatch } from '../../tensor/feature-batch.ts';
import type { LayoutEntry } from '../../graph/nodes.ts';
import type { EmbeddingColumn, FeatureColumn } from '../../spec/types.ts';
import { columnName } from '../../spec/names.ts';
import { Parameter } from '../parameter.ts';
import type { Random } from '../../kernels/random.ts';
import { Embedding, type EmbeddingOptions } from './embedding.ts';
import { ensureSize } from './layer.ts';

export interface DenseFeaturesOptions {
  /** The feature columns, for their embedding settings (initializer, maxNorm, trainable). */
  columns?: readonly FeatureColumn[];
  /** Per embedding output, by name: settings that win over the column's. */
  embeddings?: Record<string, Partial<EmbeddingOptions>>;
  /** Embedding outputs to use; default every ragged output with an embedding dimension. */
  features?: readonly string[];
  /** Standardize the numeric slots of the dense block (see `adapt`). Default false. */
  normalize?: boolean;
  name?: string;
}

export class DenseFeatures {
  name: string;
  readonly normalize: boolean;
  private readonly options: DenseFeaturesOptions;
  embeddings: Embedding[] = [];
  /** The ragged output each embedding reads, by position. */
  private featureNames: string[] = [];
  private denseWidth = -1;
  private width = -1;
  private mean: Parameter | null = null;
  private invStd: Parameter | null = null;
  private adapted = false;
  private output: Float32Array = new Float32Array(0);
  private dEmbedding: Float32Array = new Float32Array(0);

  constructor(options: DenseFeaturesOptions = {}) {
    this.options = options;
    this.normalize = options.normalize ?? false;
    this.name = options.name ?? 'dense_features';
  }

  get built(): boolean {
    return this.width >= 0;
  }

  get outputWidth(): number {
    return this.width;
  }

  /** Whether `adapt` has set the normalization statistics (always true without `normalize`). */
  get isAdapted(): boolean {
    return !this.normalize || this.adapted;
  }

  build(batch: FeatureBatch, random: Random): void {
    if (this.width >= 0) return;
    this.denseWidth = batch.dense.shape[1];
    const byName = new Map<string, EmbeddingColumn>();
    for (const column of this.options.columns ?? []) if (column.type === 'embedding') byName.set(columnName(column), column);
    const names = this.options.features ?? Object.keys(batch.sparse).filter((n) => batch.sparse[n].dimension !== null).sort();
    for (const name of names) {
      const ragged = batch.sparse[name];
      if (ragged === undefined) throw new Error(`DenseFeatures: the batch has no ragged output '${name}'`);
      const column = byName.get(name);
      const fromColumn: Partial<EmbeddingOptions> = column === undefined ? {} : {
        initializer: { truncatedNormal: { mean: column.initializer.truncatedNormal.mean, stddev: column.initializer.truncatedNormal.stddev } },
        maxNorm: column.maxNorm, trainable: column.trainable, combiner: column.combiner,
      };
      const embedding = Embedding.fromRagged(`${this.name}/${name}`, ragged, { ...fromColumn, ...this.options.embeddings?.[name] });
      embedding.build(random);
      this.embeddings.push(embedding);
      this.featureNames.push(name);
    }
    this.width = this.denseWidth + this.embeddings.reduce((n, e) => n + e.dimension, 0);
    if (this.normalize) {
      this.mean = new Parameter(`${this.name}/mean`, new Float32Array(this.denseWidth), 1, this.denseWidth, false, false);
      this.invStd = new Parameter(`${this.name}/inv_std`, new Float32Array(this.denseWidth).fill(1), 1, this.denseWidth, false, false);
    }
  }

  /**
   * Sets the normalization statistics from `batch` (all its rows): mean and 1/std of each numeric
   * slot (std 0 counts as 1); bucketized and indicator slots stay as they are.
   */
  adapt(batch: FeatureBatch): void {
    if (!this.normalize) return;
    if (this.mean === null || this.invStd === null) throw new Error(`${this.name}: adapt after build`);
    const width = this.denseWidth, values = batch.dense.values, rows = batch.numRows;
    const mean = this.mean.value, invStd = this.invStd.value;
    mean.fill(0);
    invStd.fill(1);
    for (const entry of batch.dense.layout) {
      if (entry.kind !== 'numeric') continue;
      for (let j = entry.offset; j < entry.offset + entry.width; j++) {
        let sum = 0, sumSq = 0;
        for (let r = 0; r < rows; r++) sum += values[r * width + j];
        const m = rows > 0 ? sum / rows : 0;
        for (let r = 0; r < rows; r++) sumSq += (values[r * width + j] - m) ** 2;
        const std = rows > 0 ? Math.sqrt(sumSq / rows) : 0;
        mean[j] = m;
        invStd[j] = std > 0 ? 1 / std : 1;
      }
    }
    this.adapted = true;
  }

  /**
   * `adapt` from statistics accumulated elsewhere (a streamed dataset's pre-pass): the population mean and
   * variance of every dense slot; numeric slots take them, the others stay as they are.
   */
  adaptMoments(moments: { mean: ArrayLike<number>; variance: ArrayLike<number>; layout: readonly LayoutEntry[] }): void {
    if (!this.normalize) return;
    if (this.mean === null || this.invStd === null) throw new Error(`${this.name}: adapt after build`);
    const mean = this.mean.value, invStd = this.invStd.value;
    mean.fill(0);
    invStd.fill(1);
    for (const entry of moments.layout) {
      if (entry.kind !== 'numeric') continue;
      for (let j = entry.offset; j < entry.offset + entry.width; j++) {
        const std = Math.sqrt(moments.variance[j]);
        mean[j] = moments.mean[j];
        invStd[j] = std > 0 ? 1 / std : 1;
      }
    }
    this.adapted = true;
  }

  forward(backend: Backend, batch: FeatureBatch, rows: number): Float32Array {
    if (this.width < 0) throw new Error(`${this.name}: used before build`);
    const dense = batch.dense.values, dw = this.denseWidth, width = this.width;
    if (batch.dense.shape[1] !== dw) throw new Error(`${this.name}: built for a ${dw}-wide dense block, given ${batch.dense.shape[1]}`);
    if (this.embeddings.length === 0 && this.mean === null) return dense;
    this.output = ensureSize(this.output, rows * width, backend);
    const out = this.output;
    if (this.mean !== null) {
      const mean = this.mean.value, invStd = this.invStd!.value;
      for (let r = 0; r < rows; r++) {
        const o = r * width, i = r * dw;
        for (let j = 0; j < dw; j++) out[o + j] = (dense[i + j] - mean[j]) * invStd[j];
      }
    } else {
      for (let r = 0; r < rows; r++) out.set(dense.subarray(r * dw, r * dw + dw), r * width);
    }
    let offset = dw;
    for (let e = 0; e < this.embeddings.length; e++) {
      const embedding = this.embeddings[e], d = embedding.dimension;
      const vectors = embedding.forward(backend, batch.sparse[this.featureNames[e]], rows);
      for (let r = 0; r < rows; r++) {
        const o = r * width + offset, v = r * d;
        for (let j = 0; j < d; j++) out[o + j] = vectors[v + j];
      }
      offset += d;
    }
    return out;
  }

  /** Width of the dense block: the output's first columns, the embeddings after them. */
  get denseBlockWidth(): number {
    return this.denseWidth;
  }

  /**
   * Sends the embedding columns of ∂loss/∂output to their tables (the dense block has no weights).
   * `dOutput` holds output columns [from, width) per row: from = 0 for the whole output, or
   * `denseBlockWidth` for the embedding columns alone (what Dense.setInputGradientFrom gives).
   */
  backward(backend: Backend, dOutput: Float32Array, rows: number, from = 0): void {
    if (from !== 0 && from !== this.denseWidth) throw new Error(`${this.name}: gradient columns must start at 0 or ${this.denseWidth}, not ${from}`);
    let offset = this.denseWidth - from;
    const width = this.width - from;
    for (const embedding of this.embeddings) {
      const d = embedding.dimension;
      if (embedding.trainable) {
        this.dEmbedding = ensureSize(this.dEmbedding, rows * d);
        const g = this.dEmbedding;
        for (let r = 0; r < rows; r++) {
          const o = r * width + offset, v = r * d;
          for (let j = 0; j < d; j++) g[v + j] = dOutput[o + j];
        }
        embedding.backward(backend, g, rows);
      }
      offset += d;
    }
  }

  /** Whether backward has anything to do (some trainable embedding). */
  get needsGradient(): boolean {
    return this.embeddings.some((e) => e.trainable);
  }

  parameters(): Parameter[] {
    const out = this.embeddings.flatMap((e) => e.parameters());
    if (this.mean !== null) out.push(this.mean, this.invStd!);
    return out;
  }

  /**
   * When `first` (the layer after this one) is a Dense layer and some embedding trains, asks it for
   * the embedding columns' input gradient only; returns where the gradient it will hand back starts
   * (pass it to `backward`).
   */
  connect(first: unknown, dense: { setInputGradientFrom(from: number): void } | null): number {
    if (!this.needsGradient || dense === null || first !== dense || this.denseWidth === 0) return 0;
    dense.setInputGradientFrom(this.denseWidth);
    return this.denseWidth;
  }

  /** Marks the statistics as set when `names` (parameters just restored) include them. */
  weightsRestored(names: readonly string[]): void {
    if (this.mean !== null && names.includes(this.mean.name)) this.adapted = true;
  }
}
