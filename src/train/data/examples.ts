/**
 * What `fit`, `evaluate` and `predict` accept, and how it becomes one in-memory dataset.
 * An example batch is `{features: FeatureBatch, labels}` or a FeatureBatch with a `labels` field;
 * data is one of those, or an array / iterable / async iterable of them (predict also takes plain
 * FeatureBatches). Labels are numbers per row (per output for multi-output binary or regression):
 * any numeric array.
 */
import { concatFeatureBatches, type FeatureBatch, isFeatureBatch } from '../../tensor/feature-batch.ts';
import type { ReiterableInput } from './stream.ts';

export type LabelArray = ArrayLike<number>;

export interface LabeledFeatures {
  features: FeatureBatch;
  labels: LabelArray;
}

export type FeatureBatchWithLabels = FeatureBatch & { labels: LabelArray };

export type Example = LabeledFeatures | FeatureBatchWithLabels;

/** Also a re-iterable stream (a data.Dataset), which fit/evaluate/predict read batch by batch (see stream.ts). */
export type DataInput<T = Example> = T | Iterable<T> | AsyncIterable<T> | ReiterableInput;

/** All rows of the input: features concatenated, labels as float32 (null when none were given). */
export interface Dataset {
  features: FeatureBatch;
  labels: Float32Array | null;
  numRows: number;
}

function isLabeled(x: unknown): x is LabeledFeatures {
  return typeof x === 'object' && x !== null && 'features' in x && isFeatureBatch((x as LabeledFeatures).features);
}

/** Reads every batch of `data` into one dataset. `requireLabels`: a batch without labels is an error. */
export async function collectDataset(data: DataInput<Example | FeatureBatch>, requireLabels: boolean, what = 'data'): Promise<Dataset> {
  const items: (Example | FeatureBatch)[] = [];
  if (isFeatureBatch(data) || isLabeled(data)) items.push(data);
  else if (data !== null && typeof data === 'object' && Symbol.asyncIterator in data) for await (const item of data as AsyncIterable<Example>) items.push(item);
  else if (data !== null && typeof data === 'object' && Symbol.iterator in data) for (const item of data as Iterable<Example>) items.push(item);
  else throw new Error(`${what}: expected a FeatureBatch with labels, {features, labels}, or an array or iterable of them`);
  if (items.length === 0) throw new Error(`${what}: no batches (an empty dataset)`);

  const batches: FeatureBatch[] = [];
  const labelParts: LabelArray[] = [];
  items.forEach((item, i) => {
    const features = isLabeled(item) ? item.features : item;
    if (!isFeatureBatch(features)) throw new Error(`${what}: item ${i} is not a FeatureBatch or {features, labels}`);
    const labels = isLabeled(item) ? item.labels : (item as Partial<FeatureBatchWithLabels>).labels;
    if (labels == null) {
      if (requireLabels) throw new Error(`${what}: batch ${i} has no labels; give {features, labels} or a FeatureBatch with a labels field`);
    } else {
      if (labels.length % Math.max(1, features.numRows) !== 0 || (features.numRows === 0 && labels.length !== 0)) {
        throw new Error(`${what}: batch ${i} has ${features.numRows} rows but ${labels.length} labels`);
      }
      labelParts.push(labels);
    }
    batches.push(features);
  });
  // (with labels optional, a mix of labeled and unlabeled batches just drops the labels)
  if (labelParts.length !== batches.length) labelParts.length = 0;

  const features = batches.length === 1 ? batches[0] : concatFeatureBatches(batches);
  if (features.numRows === 0) throw new Error(`${what}: no rows (an empty dataset)`);
  let labels: Float32Array | null = null;
  if (labelParts.length > 0) {
    labels = new Float32Array(labelParts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of labelParts) {
      for (let i = 0; i < part.length; i++) labels[at + i] = part[i];
      at += part.length;
    }
  }
  return { features, labels, numRows: features.numRows };
}
