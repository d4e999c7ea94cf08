/** Row-level surgery on examples: slice (zero-copy where it can), concatenate, and gather rows in any order. */
import { concatFeatureBatches, type FeatureBatch, type RaggedTensor } from '../../tensor/feature-batch.ts';
import type { DatasetExample } from './types.ts';

/** Labels per row (1 unless multi-output); 0 when unlabeled. */
export function labelWidth(example: DatasetExample): number {
  const { labels, features } = example;
  if (labels === null) return 0;
  return features.numRows === 0 ? 1 : labels.length / features.numRows;
}

/** Rows [start, end): the dense block and ids are views; ragged offsets are rebased (a copy) when they do not start at 0. */
export function sliceExample(example: DatasetExample, start: number, end: number): DatasetExample {
  const { features, labels } = example;
  if (start === 0 && end === features.numRows) return example;
  const rows = end - start, width = features.dense.shape[1];
  const sparse: Record<string, RaggedTensor> = {};
  for (const [name, t] of Object.entries(features.sparse)) {
    const base = t.offsets[start], stop = t.offsets[end];
    let offsets = t.offsets.subarray(start, end + 1);
    if (base !== 0) {
      offsets = offsets.slice();
      for (let i = 0; i < offsets.length; i++) offsets[i] -= base;
    }
    const ragged: RaggedTensor = { ids: t.ids.subarray(base, stop), offsets, cardinality: t.cardinality, combiner: t.combiner, dimension: t.dimension };
    if (t.weights) ragged.weights = t.weights.subarray(base, stop);
    sparse[name] = ragged;
  }
  const batch: FeatureBatch = {
    numRows: rows,
    dense: { values: features.dense.values.subarray(start * width, end * width), shape: [rows, width], layout: features.dense.layout },
    sparse,
  };
  const lw = labelWidth(example);
  return { features: batch, labels: labels === null ? null : labels.subarray(start * lw, end * lw) };
}

/** The rows of each example in turn (one copy). */
export function concatExamples(parts: readonly DatasetExample[]): DatasetExample {
  if (parts.length === 1) return parts[0];
  const features = concatFeatureBatches(parts.map((p) => p.features));
  const labeled = parts[0].labels !== null;
  for (const p of parts) {
    if ((p.labels !== null) !== labeled) throw new Error('Dataset: some batches have labels and others do not');
  }
  if (!labeled) return { features, labels: null };
  const total = parts.reduce((n, p) => n + p.labels!.length, 0);
  const labels = parts[0].labels instanceof Int32Array ? new Int32Array(total) : new Float32Array(total);
  let at = 0;
  for (const p of parts) {
    labels.set(p.labels!, at);
    at += p.labels!.length;
  }
  return { features, labels };
}

/** Rows `row[i]` of examples `part(partId[i])`, i < count, copied into one new example. */
export function gatherRows(part: (id: number) => DatasetExample, partId: Int32Array, row: Int32Array, count: number): DatasetExample {
  const { parts, lo } = lookUpParts(part, partId, count);
  const first = parts[partId[0] - lo]!;
  const width = first.features.dense.shape[1], lw = labelWidth(first);
  const dense = new Float32Array(count * width);
  const labels = first.labels === null ? null : first.labels instanceof Int32Array ? new Int32Array(count * lw) : new Float32Array(count * lw);
  for (let i = 0; i < count; i++) {
    const p = parts[partId[i] - lo]!, r = row[i];
    const src = p.features.dense.values;
    for (let j = 0, s = r * width, d = i * width; j < width; j++) dense[d + j] = src[s + j];
    if (labels !== null) for (let j = 0; j < lw; j++) labels[i * lw + j] = p.labels![r * lw + j];
  }
  const sparse: Record<string, RaggedTensor> = {};
  for (const [name, t0] of Object.entries(first.features.sparse)) {
    const tensors = parts.map((p) => p?.features.sparse[name]);
    let total = 0;
    for (let i = 0; i < count; i++) {
      const o = tensors[partId[i] - lo]!.offsets;
      total += o[row[i] + 1] - o[row[i]];
    }
    const ids = new Int32Array(total), offsets = new Int32Array(count + 1);
    const weights = t0.weights ? new Float32Array(total) : undefined;
    let at = 0;
    for (let i = 0; i < count; i++) {
      const t = tensors[partId[i] - lo]!, r = row[i];
      for (let k = t.offsets[r], end = t.offsets[r + 1]; k < end; k++, at++) {
        ids[at] = t.ids[k];
        if (weights !== undefined) weights[at] = t.weights![k];
      }
      offsets[i + 1] = at;
    }
    const ragged: RaggedTensor = { ids, offsets, cardinality: t0.cardinality, combiner: t0.combiner, dimension: t0.dimension };
    if (weights !== undefined) ragged.weights = weights;
    sparse[name] = ragged;
  }
  return {
    features: { numRows: count, dense: { values: dense, shape: [count, width], layout: first.features.dense.layout }, sparse },
    labels,
  };
}

/** The examples `partId[i]`, i < count, each looked up once: `parts[id - lo]` (ids are small integers, close together). */
function lookUpParts(part: (id: number) => DatasetExample, partId: Int32Array, count: number): { parts: (DatasetExample | undefined)[]; lo: number } {
  let lo = partId[0], hi = lo;
  for (let i = 1; i < count; i++) {
    if (partId[i] < lo) lo = partId[i];
    else if (partId[i] > hi) hi = partId[i];
  }
  const parts = new Array<DatasetExample | undefined>(hi - lo + 1).fill(undefined);
  for (let i = 0; i < count; i++) parts[partId[i] - lo] ??= part(partId[i]);
  return { parts, lo };
}
