/**
 * Streaming input for fit / evaluate / predict: a re-iterable source (a data.Dataset: each `for await` is a
 * fresh pass) is read batch by batch as it comes, never collected into memory.
 */
import { type FeatureBatch, isFeatureBatch } from '../../tensor/feature-batch.ts';
import type { LabelArray } from './examples.ts';

/** One batch of a stream: features and its labels (null or absent when unlabeled). */
export interface StreamExample {
  features: FeatureBatch;
  labels?: LabelArray | null;
}

/** An input that can be iterated again, pass after pass: `Model.fit` streams it once per epoch. */
export interface ReiterableInput<T = StreamExample> extends AsyncIterable<T> {
  readonly reiterable: true;
}

export function isReiterable(x: unknown): x is ReiterableInput {
  return typeof x === 'object' && x !== null && (x as { reiterable?: unknown }).reiterable === true && Symbol.asyncIterator in x;
}

/** The features and labels (as float32; the given array when it already is one) of one streamed item. */
export function unpackStreamed(item: unknown, requireLabels: boolean, what: string, index: number): { features: FeatureBatch; labels: Float32Array | null } {
  let features: FeatureBatch, labels: LabelArray | null | undefined;
  if (isFeatureBatch(item)) {
    features = item;
    labels = (item as { labels?: LabelArray | null }).labels;
  } else if (typeof item === 'object' && item !== null && 'features' in item && isFeatureBatch((item as StreamExample).features)) {
    ({ features, labels } = item as StreamExample);
  } else {
    throw new Error(`${what}: batch ${index} is not a FeatureBatch or {features, labels}`);
  }
  if (labels == null) {
    if (requireLabels) throw new Error(`${what}: batch ${index} has no labels; map the dataset with a label ({label: {key, positive}})`);
    return { features, labels: null };
  }
  if (labels.length % Math.max(1, features.numRows) !== 0 || (features.numRows === 0 && labels.length !== 0)) {
    throw new Error(`${what}: batch ${index} has ${features.numRows} rows but ${labels.length} labels`);
  }
  return { features, labels: labels instanceof Float32Array ? labels : Float32Array.from(labels) };
}
