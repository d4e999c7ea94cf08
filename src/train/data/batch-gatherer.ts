/**
 * Cuts minibatches out of an in-memory dataset in any row order (a shuffle is an order) by copying
 * the rows into buffers allocated once for `capacity` rows: one FeatureBatch object, reused for
 * every batch (its arrays, numRows and dense.shape[0] change in place). A batch is valid until the
 * next `gather`.
 *
 * Ragged tensors with the same number of ids in every row and no weights (a plain categorical
 * column has one id per row) are copied at construction into one row-major table of all their ids,
 * so a shuffled row's ids are one contiguous read instead of two scattered reads per tensor (the
 * gather is bound by cache misses), and their batch offsets are fixed, written once.
 */
import type { FeatureBatch, RaggedTensor } from '../../tensor/feature-batch.ts';
import type { Dataset } from './examples.ts';

interface RaggedSlot {
  source: RaggedTensor;
  target: RaggedTensor;
}

/** The ragged tensors with a fixed number of ids per row, their ids interleaved row by row. */
interface FixedRagged {
  /** [numRows, stride] ids: each tensor's ids of a row, tensor after tensor. */
  packed: Int32Array;
  stride: number;
  /** The batch's ids arrays of those tensors, and each one's ids per row. */
  targets: Int32Array[];
  lengths: Int32Array;
}

export class BatchGatherer {
  readonly batch: FeatureBatch;
  readonly labels: Float32Array;
  private readonly ragged: RaggedSlot[] = [];
  private readonly fixed: FixedRagged | null;
  private readonly width: number;

  constructor(private readonly dataset: Dataset, readonly labelWidth: number, readonly capacity: number) {
    const source = dataset.features;
    this.width = source.dense.shape[1];
    const sparse: Record<string, RaggedTensor> = {};
    const fixed: { source: RaggedTensor; target: RaggedTensor; length: number }[] = [];
    for (const [name, tensor] of Object.entries(source.sparse)) {
      let longest = 0, shortest = Infinity;
      for (let r = 0; r < source.numRows; r++) {
        const length = tensor.offsets[r + 1] - tensor.offsets[r];
        if (length > longest) longest = length;
        if (length < shortest) shortest = length;
      }
      const ids = new Int32Array(Math.max(1, capacity * longest));
      const target: RaggedTensor = {
        ids, offsets: new Int32Array(capacity + 1), cardinality: tensor.cardinality, combiner: tensor.combiner, dimension: tensor.dimension,
      };
      if (tensor.weights) target.weights = new Float32Array(ids.length);
      sparse[name] = target;
      if (!tensor.weights && longest === shortest && longest > 0 && tensor.offsets[0] === 0) fixed.push({ source: tensor, target, length: longest });
      else this.ragged.push({ source: tensor, target });
    }
    this.fixed = null;
    if (fixed.length > 0) {
      const rows = source.numRows, stride = fixed.reduce((sum, f) => sum + f.length, 0);
      const packed = new Int32Array(rows * stride);
      let at = 0;
      for (const { source: tensor, target, length } of fixed) {
        const ids = tensor.ids;
        for (let r = 0; r < rows; r++) {
          for (let l = 0; l < length; l++) packed[r * stride + at + l] = ids[r * length + l];
        }
        for (let i = 0; i <= capacity; i++) target.offsets[i] = i * length;
        at += length;
      }
      this.fixed = { packed, stride, targets: fixed.map((f) => f.target.ids), lengths: Int32Array.from(fixed, (f) => f.length) };
    }
    this.batch = {
      numRows: 0,
      dense: { values: new Float32Array(capacity * this.width), shape: [0, this.width], layout: source.dense.layout },
      sparse,
    };
    this.labels = new Float32Array(capacity * labelWidth);
  }

  /** Sum of one value per cache line of the rows' records, kept so that the reads stay. */
  sink = 0;

  /**
   * Reads one value per 64-byte line of each row's dense values and packed ids, all rows first:
   * independent loads the CPU overlaps, so the copies after it find the lines in cache instead
   * of waiting on one row's misses at a time (the gather is bound by cache misses).
   */
  private touch(order: Int32Array, start: number, count: number): void {
    const w = this.width, src = this.dataset.features.dense.values;
    let sum = 0;
    for (let i = 0; i < count; i++) {
      const s = order[start + i] * w;
      for (let j = 0; j < w; j += 16) sum += src[s + j];
      sum += src[s + w - 1];
    }
    if (this.fixed !== null) {
      const { packed, stride } = this.fixed;
      for (let i = 0; i < count; i++) sum += packed[order[start + i] * stride];
    }
    this.sink = sum;
  }

  /** Fills the batch with rows order[start .. start + count) of the dataset. */
  gather(order: Int32Array, start: number, count: number): FeatureBatch {
    if (count > this.capacity) throw new Error(`BatchGatherer: ${count} rows exceed the capacity ${this.capacity}`);
    const w = this.width, src = this.dataset.features.dense.values, dst = this.batch.dense.values;
    const lw = this.labelWidth, labels = this.dataset.labels;
    this.touch(order, start, count);
    for (let i = 0; i < count; i++) {
      const row = order[start + i];
      for (let j = 0, s = row * w, d = i * w; j < w; j++) dst[d + j] = src[s + j];
      if (labels !== null) for (let j = 0; j < lw; j++) this.labels[i * lw + j] = labels[row * lw + j];
    }
    if (this.fixed !== null) {
      const { packed, stride, targets, lengths } = this.fixed, tensors = targets.length;
      for (let i = 0; i < count; i++) {
        let s = order[start + i] * stride;
        for (let t = 0; t < tensors; t++) {
          const length = lengths[t], ids = targets[t];
          for (let l = 0, d = i * length; l < length; l++) ids[d + l] = packed[s++];
        }
      }
    }
    for (const { source, target } of this.ragged) {
      const sIds = source.ids, sOff = source.offsets, sW = source.weights, tIds = target.ids, tOff = target.offsets, tW = target.weights;
      let at = 0;
      tOff[0] = 0;
      for (let i = 0; i < count; i++) {
        const row = order[start + i];
        for (let k = sOff[row], end = sOff[row + 1]; k < end; k++, at++) {
          tIds[at] = sIds[k];
          if (tW !== undefined) tW[at] = sW![k];
        }
        tOff[i + 1] = at;
      }
    }
    this.batch.numRows = count;
    this.batch.dense.shape[0] = count;
    return this.batch;
  }
}

/** 0, 1, ..., n − 1. */
export function identityOrder(n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}
