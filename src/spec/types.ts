/**
 * Column specs: plain, immutable data. One interface per TensorFlow column class; `type` tags the union.
 * Nothing here knows Arrow; `graph/` turns specs into kernels.
 */

export type FloatDType = 'float16' | 'float32' | 'float64';
export type IntDType = 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'uint64';
export type NumericDType = FloatDType | IntDType;
/** Categorical values are strings or integers (TF: tf.string or an integer dtype). */
export type CategoricalDType = 'string' | IntDType;

/**
 * Declarative normalizers (TF takes a Python callable; ours are data so they serialize).
 * The bare strings 'zscore' and 'minmax' are placeholders: `fit` measures the data and fills them in.
 */
export type Normalizer =
  | { readonly zscore: { readonly mean: number; readonly std: number } }
  | { readonly minmax: { readonly min: number; readonly max: number } }
  | 'log1p'
  | 'zscore'
  | 'minmax';

/** A placeholder that `fit` resolves from data; compile refuses specs that still hold one. */
export interface FromData<T> {
  readonly fromData: T;
}

/** Vocabulary from data: most frequent first (ties by value), at most topK, each seen at least minFrequency times. */
export type VocabularyFromData = FromData<{ readonly topK: number | null; readonly minFrequency: number; readonly vocabularyFile: string | null }>;

/** Quantile boundaries from data: numBuckets buckets, so numBuckets - 1 boundaries. */
export type BoundariesFromData = FromData<{ readonly numBuckets: number }>;

export function isFromData(value: unknown): value is FromData<unknown> {
  return typeof value === 'object' && value !== null && 'fromData' in value;
}

export interface NumericColumn {
  readonly type: 'numeric';
  readonly key: string;
  readonly shape: readonly number[];
  /** Flattened row-major default, one value per element of `shape`; null = a missing value is an error. */
  readonly defaultValue: readonly number[] | null;
  readonly dtype: NumericDType;
  readonly normalizer: Normalizer | null;
}

export interface BucketizedColumn {
  readonly type: 'bucketized';
  readonly sourceColumn: NumericColumn;
  readonly boundaries: readonly number[] | BoundariesFromData;
}

export interface IdentityColumn {
  readonly type: 'identity';
  readonly key: string;
  readonly numBuckets: number;
  readonly defaultValue: number | null;
}

export interface VocabularyListColumn {
  readonly type: 'vocabulary_list';
  readonly key: string;
  readonly vocabularyList: readonly (string | number)[] | VocabularyFromData;
  readonly dtype: CategoricalDType;
  /** -1 = no id for out-of-vocabulary values. */
  readonly defaultValue: number;
  readonly numOovBuckets: number;
}

export interface VocabularyFileColumn {
  readonly type: 'vocabulary_file';
  readonly key: string;
  readonly vocabularyFile: string;
  /** null = every line of the file (counted when the graph is compiled). */
  readonly vocabularySize: number | null;
  readonly dtype: CategoricalDType;
  readonly defaultValue: number;
  readonly numOovBuckets: number;
}

export interface HashBucketColumn {
  readonly type: 'hash_bucket';
  readonly key: string;
  readonly hashBucketSize: number;
  readonly dtype: CategoricalDType;
}

/** A leaf of a cross: a raw feature key, or a categorical column whose ids are crossed. */
export type CrossKey = string | BucketizedColumn | IdentityColumn | VocabularyListColumn | VocabularyFileColumn | CrossedColumn;

export interface CrossedColumn {
  readonly type: 'crossed';
  readonly keys: readonly CrossKey[];
  readonly hashBucketSize: number;
  /** null = the mode's default (xxh64: seed 42; tf: 0xDECAFCAFFE). */
  readonly hashKey: number | null;
}

export interface WeightedCategoricalColumn {
  readonly type: 'weighted';
  readonly categoricalColumn: CategoricalColumn;
  readonly weightFeatureKey: string;
  readonly dtype: FloatDType;
}

export interface IndicatorColumn {
  readonly type: 'indicator';
  readonly categoricalColumn: CategoricalColumn;
}

export type Combiner = 'mean' | 'sum' | 'sqrtn';

export interface TruncatedNormalInitializer {
  readonly truncatedNormal: { readonly mean: number; readonly stddev: number; readonly seed: number | null };
}

export interface EmbeddingColumn {
  readonly type: 'embedding';
  readonly categoricalColumn: CategoricalColumn;
  readonly dimension: number;
  readonly combiner: Combiner;
  readonly initializer: TruncatedNormalInitializer;
  readonly ckptToLoadFrom: string | null;
  readonly tensorNameInCkpt: string | null;
  readonly maxNorm: number | null;
  readonly trainable: boolean;
  readonly useSafeEmbeddingLookup: boolean;
}

export type CategoricalColumn =
  | BucketizedColumn
  | IdentityColumn
  | VocabularyListColumn
  | VocabularyFileColumn
  | HashBucketColumn
  | CrossedColumn
  | WeightedCategoricalColumn;

/** Columns whose output is a dense float block. Bucketized is both dense (one-hot) and categorical. */
export type DenseColumn = NumericColumn | BucketizedColumn | IndicatorColumn | EmbeddingColumn;

export type FeatureColumn = NumericColumn | CategoricalColumn | IndicatorColumn | EmbeddingColumn;

const CATEGORICAL_TYPES: ReadonlySet<FeatureColumn['type']> = new Set([
  'bucketized', 'identity', 'vocabulary_list', 'vocabulary_file', 'hash_bucket', 'crossed', 'weighted',
]);

export function isCategorical(column: FeatureColumn): column is CategoricalColumn {
  return CATEGORICAL_TYPES.has(column.type);
}
