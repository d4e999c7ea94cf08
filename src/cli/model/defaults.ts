/**
 * The tuned census defaults of `fcol train` (bench/census-train.ts), in a module of their own so that the
 * command's flags (loaded at every start) can show them without loading the training core.
 */
import type { ModelKind } from './model-dir.ts';

export const DEFAULTS: Record<ModelKind, { epochs: number; linearLearningRate: number }> = {
  'wide-deep': { epochs: 6, linearLearningRate: 0.1 },
  dnn: { epochs: 6, linearLearningRate: 0.1 },
  linear: { epochs: 10, linearLearningRate: 0.2 },
};
export const DEFAULT_HIDDEN = [100, 75, 50, 25];
export const DEFAULT_DROPOUT = 0.2;
export const DEFAULT_LEARNING_RATE = 0.003;
export const DEFAULT_DECAY_EPOCHS = 2;
export const DEFAULT_BATCH_SIZE = 256;
export const DEFAULT_NUMERIC = 'piecewise-linear';
export const DEFAULT_BINS = 16;
