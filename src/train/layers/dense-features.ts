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
 * `normalize` says how the numeric slots enter the network, from statistics of the training data
 * (`adapt`, which a model's `fit` runs on its training data when the layer is not adapted yet):
 * - `true` or 'standardize': (x − mean) / std. The canonical TF model feeds raw numbers, which a DNN
 *   trains on less well (census capital_gain reaches 99,999).
 * - 'piecewise-linear': each numeric slot becomes `bins` slots, its piecewise-linear encoding over
 *   bins fitted to the labels (numeric-bins.ts). On census this lifts the canonical wide & deep model
 *   from 0.859 to 0.864 accuracy; the first Dense layer gets wider by (bins − 1) per numeric slot.
 */
import type { Backend } from '../backend/backend.ts';
import type { FeatureBatch } from '../../tensor/feature-batch.ts';
import type { EmbeddingColumn, FeatureColumn } from '../../spec/types.ts';
import { columnName } from '../../spec/names.ts';
import { Parameter } from '../parameter.ts';
import type { Random } from '../../kernels/random.ts';
import { MomentsAccumulator } from '../data/moments.ts';
import { NumericSample, type TargetSpec, numericSlots } from '../data/numeric-sample.ts';
import { Embedding, type EmbeddingOptions } from './embedding.ts';
import { Dense } from './dense.ts';
import { type Layer, ensureSize } from './layer.ts';
import { encodePiecewiseLinear, fitBinEdges } from './numeric-bins.ts';

/** How numeric slots enter the network; see the module comment. */
export type NumericEncoding = 'none' | 'standardize' | 'piecewise-linear';

export interface PiecewiseLinearOptions {
  /** Most bins per numeric slot (default 16). */
  bins?: number;
  /** Fewest training rows in a bin (default: the rows sampled / 512, at least 1). */
  minBinRows?: number;
  /** Rows sampled to fit the bins (default 131,072; every row of a smaller dataset). */
  sampleRows?: number;
}

/** What `adapt` accumulates: moments for standardizing, a sample of rows for fitting bins. */
export type InputStatistics = MomentsAccumulator | NumericSample;

const DEFAULT_BINS = 16, DEFAULT_SAMPLE_ROWS = 131072, ROWS_PER_MIN_BIN = 512;

export interface DenseFeaturesOptions {
  /** The feature columns, for their embedding settings (initializer, maxNorm, trainable). */
  columns?: readonly FeatureColumn[];
  /** Per embedding output, by name: settings that win over the column's. */
  embeddings?: Record<string, Partial<EmbeddingOptions>>;
  /** Embedding outputs to use; default every ragged output with an embedding dimension. */
  features?: readonly string[];
  /** How the numeric slots enter the network (module comment): true = 'standardize'. Default false (as they are). */
  normalize?: boolean | Exclude<NumericEncoding, 'none'>;
  /** Settings of normalize: 'piecewise-linear'. */
  piecewiseLinear?: PiecewiseLinearOptions;
  name?: string;
}

export class DenseFeatures {
  name: string;
  readonly encoding: NumericEncoding;
  private readonly options: DenseFeaturesOptions;
  embeddings: Embedding[] = [];
  /** The ragged output each embedding reads, by position. */
  private featureNames: string[] = [];
  private denseWidth = -1;
  /** Width of the dense block once encoded (the output's first columns). */
  private encodedWidth = -1;
  private width = -1;
  private mean: Parameter | null = null;
  private invStd: Parameter | null = null;
  /** Piecewise-linear: per numeric slot, `bins + 1` edges (padded with the last) and the count of bins. */
  private edges: Parameter | null = null;
  private binCounts: Parameter | null = null;
  private readonly bins: number;
  /** Piecewise-linear: the dense-block index of each numeric slot, and where each input slot starts in the output. */
  private numeric: number[] = [];
  private outputOffset: Int32Array = new Int32Array(0);
  private adapted = false;
  private output: Float32Array = new Float32Array(0);
  private dEmbedding: Float32Array = new Float32Array(0);

  constructor(options: DenseFeaturesOptions = {}) {
    this.options = options;
    const normalize = options.normalize ?? false;
    this.encoding = normalize === true ? 'standardize' : normalize === false ? 'none' : normalize;
    if (this.encoding !== 'none' && this.encoding !== 'standardize' && this.encoding !== 'piecewise-linear') {
      throw new Error(`DenseFeatures: normalize must be true, false, 'standardize' or 'piecewise-linear', not ${JSON.stringify(normalize)}`);
    }
    this.bins = options.piecewiseLinear?.bins ?? DEFAULT_BINS;
    if (!(Number.isInteger(this.bins) && this.bins >= 1)) throw new Error(`DenseFeatures: piecewiseLinear.bins must be an integer ≥ 1, got ${this.bins}`);
    this.name = options.name ?? 'dense_features';
  }

  get built(): boolean {
    return this.width >= 0;
  }

  get outputWidth(): number {
    return this.width;
  }

  /** Whether `adapt` has set the statistics (always true without `normalize`). */
  get isAdapted(): boolean {
    return this.encoding === 'none' || this.adapted;
  }

  /** Whether adapting needs the labels (the piecewise-linear bins are fitted to them). */
  get adaptsToLabels(): boolean {
    return this.encoding === 'piecewise-linear';
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
    this.encodedWidth = this.denseWidth;
    if (this.encoding === 'standardize') {
      this.mean = new Parameter(`${this.name}/mean`, new Float32Array(this.denseWidth), 1, this.denseWidth, false, false);
      this.invStd = new Parameter(`${this.name}/inv_std`, new Float32Array(this.denseWidth).fill(1), 1, this.denseWidth, false, false);
    } else if (this.encoding === 'piecewise-linear') {
      this.buildBins(batch);
    }
    this.width = this.encodedWidth + this.embeddings.reduce((n, e) => n + e.dimension, 0);
  }

  /** The piecewise-linear parameters and output offsets: each numeric slot widens to `bins` slots in place. */
  private buildBins(batch: FeatureBatch): void {
    this.numeric = numericSlots(batch);
    const slots = this.numeric.length, bins = this.bins;
    this.edges = new Parameter(`${this.name}/bin_edges`, new Float32Array(slots * (bins + 1)), slots, bins + 1, false, false);
    this.binCounts = new Parameter(`${this.name}/bin_counts`, new Float32Array(slots), 1, slots, false, false);
    this.outputOffset = new Int32Array(this.denseWidth);
    const isNumeric = new Set(this.numeric);
    let at = 0;
    for (let j = 0; j < this.denseWidth; j++) {
      this.outputOffset[j] = at;
      at += isNumeric.has(j) ? bins : 1;
    }
    this.encodedWidth = at;
  }

  /**
   * An empty accumulator of the statistics this layer adapts to; `target` says what the labels are
   * (needed for piecewise-linear bins). Feed it batches, then pass it to `adaptFrom`.
   */
  statistics(target?: TargetSpec): InputStatistics {
    if (this.encoding !== 'piecewise-linear') return new MomentsAccumulator();
    if (target === undefined) throw new Error(`${this.name}: piecewise-linear numeric inputs are fitted to the labels; adapt needs them`);
    return new NumericSample(this.options.piecewiseLinear?.sampleRows ?? DEFAULT_SAMPLE_ROWS, target);
  }

  /**
   * Sets the statistics from all rows of `batch`: mean and 1/std of each numeric slot (std 0 counts as
   * 1), or its piecewise-linear bins fitted to `labels` (then required, with their `target` spec);
   * bucketized and indicator slots stay as they are.
   */
  adapt(batch: FeatureBatch, labels?: Float32Array, target: TargetSpec = { labelWidth: 1, classes: null }): void {
    if (this.encoding === 'none') return;
    const statistics = this.statistics(labels === undefined ? undefined : target);
    if (statistics instanceof NumericSample) statistics.add(batch, labels!);
    else statistics.add(batch);
    this.adaptFrom(statistics);
  }

  /** Sets the statistics accumulated in `statistics` (from `statistics()`, fed every training batch). */
  adaptFrom(statistics: InputStatistics): void {
    if (this.encoding === 'none') return;
    if (this.width < 0) throw new Error(`${this.name}: adapt after build`);
    if (statistics instanceof NumericSample) this.fitBins(statistics);
    else this.setMoments(statistics);
    this.adapted = true;
  }

  private setMoments(accumulator: MomentsAccumulator): void {
    const moments = accumulator.result();
    if (moments === null) throw new Error(`${this.name}: no rows to take statistics from`);
    const mean = this.mean!.value, invStd = this.invStd!.value;
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
  }

  private fitBins(sample: NumericSample): void {
    const result = sample.result();
    if (result === null) throw new Error(`${this.name}: no rows to fit bins to`);
    const bins = this.bins, edges = this.edges!.value, counts = this.binCounts!.value;
    const minRows = this.options.piecewiseLinear?.minBinRows ?? Math.max(1, Math.round(result.count / ROWS_PER_MIN_BIN));
    for (let s = 0; s < this.numeric.length; s++) {
      const found = fitBinEdges(result.values[s], result.targets, result.targetWidth, { bins, minRows });
      // No finite value seen: one bin [0, 0], which encodes every value as 0 below or 1 above.
      const slotEdges = found.length > 0 ? found : [0, 0];
      for (let t = 0; t <= bins; t++) edges[s * (bins + 1) + t] = slotEdges[Math.min(t, slotEdges.length - 1)];
      counts[s] = slotEdges.length - 1;
    }
  }

  forward(backend: Backend, batch: FeatureBatch, rows: number): Float32Array {
    if (this.width < 0) throw new Error(`${this.name}: used before build`);
    const dense = batch.dense.values, dw = this.denseWidth, width = this.width;
    if (batch.dense.shape[1] !== dw) throw new Error(`${this.name}: built for a ${dw}-wide dense block, given ${batch.dense.shape[1]}`);
    if (this.embeddings.length === 0 && this.encoding === 'none') return dense;
    this.output = ensureSize(this.output, rows * width, backend);
    const out = this.output;
    if (this.mean !== null) {
      const mean = this.mean.value, invStd = this.invStd!.value;
      for (let r = 0; r < rows; r++) {
        const o = r * width, i = r * dw;
        for (let j = 0; j < dw; j++) out[o + j] = (dense[i + j] - mean[j]) * invStd[j];
      }
    } else if (this.edges !== null) {
      this.encodeBins(dense, rows, out);
    } else {
      for (let r = 0; r < rows; r++) out.set(dense.subarray(r * dw, r * dw + dw), r * width);
    }
    let offset = this.encodedWidth;
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

  /** The dense block into out's first columns, each numeric slot as its bins, the other slots copied. */
  private encodeBins(dense: Float32Array, rows: number, out: Float32Array): void {
    const dw = this.denseWidth, width = this.width, bins = this.bins, offsets = this.outputOffset;
    const edges = this.edges!.value, counts = this.binCounts!.value, numeric = this.numeric;
    for (let r = 0; r < rows; r++) {
      const o = r * width, i = r * dw;
      for (let j = 0; j < dw; j++) out[o + offsets[j]] = dense[i + j];
      for (let s = 0; s < numeric.length; s++) {
        const at = o + offsets[numeric[s]], count = counts[s];
        encodePiecewiseLinear(dense[i + numeric[s]], edges, s * (bins + 1), count, out, at);
        for (let t = count; t < bins; t++) out[at + t] = 0;
      }
    }
  }

  /** Width of the dense block as encoded: the output's first columns, the embeddings after them. */
  get denseBlockWidth(): number {
    return this.encodedWidth;
  }

  /**
   * Sends the embedding columns of ∂loss/∂output to their tables (the dense block has no weights).
   * `dOutput` holds output columns [from, width) per row: from = 0 for the whole output, or
   * `denseBlockWidth` for the embedding columns alone (what Dense.setInputGradientFrom gives).
   */
  backward(backend: Backend, dOutput: Float32Array, rows: number, from = 0): void {
    const block = this.encodedWidth;
    if (from !== 0 && from !== block) throw new Error(`${this.name}: gradient columns must start at 0 or ${block}, not ${from}`);
    let offset = block - from;
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
    if (this.edges !== null) out.push(this.edges, this.binCounts!);
    return out;
  }

  /**
   * When `next` (the layer after this one) is a Dense layer and some embedding trains, asks it for
   * the embedding columns' input gradient only; returns where the gradient it will hand back starts
   * (pass it to `backward`).
   */
  connect(next: Layer): number {
    if (!this.needsGradient || !(next instanceof Dense) || this.encodedWidth === 0) return 0;
    next.setInputGradientFrom(this.encodedWidth);
    return this.encodedWidth;
  }

  /** Marks the statistics as set when `names` (parameters just restored) include them. */
  weightsRestored(names: readonly string[]): void {
    const statistics = this.mean ?? this.edges;
    if (statistics !== null && names.includes(statistics.name)) this.adapted = true;
  }
}
