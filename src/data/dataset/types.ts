/**
 * What a Dataset yields once mapped: one batch of feature tensors and its labels. This is the shape
 * `Model.fit/evaluate/predict` and an Estimator's `inputFn` take (src/train accepts it structurally;
 * src/data does not import src/train).
 */
import type { FeatureBatch } from '../../tensor/feature-batch.ts';

export interface DatasetExample {
  features: FeatureBatch;
  /** One label per row (or `width` per row): Float32 (binary 0/1, numbers) or Int32 (class index); null when unlabeled. */
  labels: Float32Array | Int32Array | null;
}

