import { describe } from './describe-column.ts';
import { COMBINERS, FLOAT_DTYPES } from './dtypes.ts';
import { SpecError } from './errors.ts';
import { columnName } from './names.ts';
import type {
  CategoricalColumn, Combiner, EmbeddingColumn, FeatureColumn, FloatDType, IndicatorColumn, TruncatedNormalInitializer,
  WeightedCategoricalColumn,
} from './types.ts';
import { isCategorical } from './types.ts';
import { deepFreeze, featureKey, oneOf, positiveInt } from './validate.ts';

/** Columns over a categorical column: indicator, embedding and weighted. */

export function indicatorColumn(categoricalColumn: CategoricalColumn): IndicatorColumn {
  requireCategorical(categoricalColumn, 'indicatorColumn');
  return deepFreeze({ type: 'indicator', categoricalColumn });
}

export interface EmbeddingOptions {
  combiner?: Combiner;
  initializer?: TruncatedNormalInitializer | null;
  ckptToLoadFrom?: string | null;
  tensorNameInCkpt?: string | null;
  maxNorm?: number | null;
  trainable?: boolean;
  useSafeEmbeddingLookup?: boolean;
}

export function embeddingColumn(categoricalColumn: CategoricalColumn, dimension: number, options: EmbeddingOptions = {}): EmbeddingColumn {
  requireCategorical(categoricalColumn, 'embeddingColumn');
  const name = `${columnName(categoricalColumn)}_embedding`;
  positiveInt(name, 'dimension', dimension);
  // TF checks the combiner only when the lookup runs; a typo is better caught here.
  const combiner = oneOf(name, 'combiner', options.combiner ?? 'mean', COMBINERS);
  const ckptToLoadFrom = options.ckptToLoadFrom ?? null;
  const tensorNameInCkpt = options.tensorNameInCkpt ?? null;
  if ((ckptToLoadFrom === null) !== (tensorNameInCkpt === null)) {
    throw new SpecError(name, 'ckptToLoadFrom and tensorNameInCkpt must be given together');
  }
  const maxNorm = options.maxNorm ?? null;
  if (maxNorm !== null && !(maxNorm > 0)) throw new SpecError(name, `maxNorm must be > 0, got ${maxNorm}`);
  const initializer = options.initializer ?? { truncatedNormal: { mean: 0, stddev: 1 / Math.sqrt(dimension), seed: null } };
  return deepFreeze({
    type: 'embedding', categoricalColumn, dimension, combiner, initializer, ckptToLoadFrom, tensorNameInCkpt, maxNorm,
    trainable: options.trainable ?? true, useSafeEmbeddingLookup: options.useSafeEmbeddingLookup ?? true,
  });
}

export function weightedCategoricalColumn(
  categoricalColumn: CategoricalColumn, weightFeatureKey: string, options: { dtype?: FloatDType } = {},
): WeightedCategoricalColumn {
  requireCategorical(categoricalColumn, 'weightedCategoricalColumn');
  featureKey(weightFeatureKey, 'weightedCategoricalColumn');
  if (featureKeys(categoricalColumn).includes(weightFeatureKey)) {
    throw new SpecError(columnName(categoricalColumn), `weight feature '${weightFeatureKey}' is the feature the ids come from; weights need a feature of their own`);
  }
  const dtype = oneOf(columnName(categoricalColumn), 'weight dtype', options.dtype ?? 'float32', FLOAT_DTYPES);
  return deepFreeze({ type: 'weighted', categoricalColumn, weightFeatureKey, dtype });
}

/** The raw feature keys a column reads. */
function featureKeys(column: FeatureColumn): string[] {
  switch (column.type) {
    case 'numeric': case 'identity': case 'vocabulary_list': case 'vocabulary_file': case 'hash_bucket': return [column.key];
    case 'bucketized': return [column.sourceColumn.key];
    case 'crossed': return column.keys.flatMap((k) => (typeof k === 'string' ? [k] : featureKeys(k)));
    case 'weighted': return [...featureKeys(column.categoricalColumn), column.weightFeatureKey];
    case 'indicator': case 'embedding': return featureKeys(column.categoricalColumn);
  }
}

function requireCategorical(column: FeatureColumn, builder: string): void {
  if (!column || typeof column !== 'object' || !isCategorical(column)) {
    throw new SpecError(describe(column), `${builder} needs a categorical column (identity, vocabulary, hash bucket, crossed, bucketized or weighted)`);
  }
}
