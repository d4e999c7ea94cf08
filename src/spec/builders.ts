import { SpecError } from './errors.ts';
import { columnName } from './names.ts';
import type {
  BucketizedColumn, CategoricalColumn, CategoricalDType, Combiner, CrossKey, CrossedColumn, EmbeddingColumn,
  FeatureColumn, FloatDType, HashBucketColumn, IdentityColumn, IndicatorColumn, NumericColumn, NumericDType,
  Normalizer, TruncatedNormalInitializer, VocabularyFileColumn, VocabularyListColumn, WeightedCategoricalColumn,
} from './types.ts';
import { isCategorical, isFromData, type VocabularyFromData } from './types.ts';
import { deepFreeze, featureKey, nonNegativeInt, oneOf, positiveInt } from './validate.ts';

/**
 * The ten TensorFlow builders, with TF's argument names in camelCase and TF's defaults.
 * Required arguments are positional, as in TF; the rest go in an options object.
 * Each validates what TF validates at construction (and a few things TF finds only later).
 */

const FLOAT_DTYPES: readonly FloatDType[] = ['float16', 'float32', 'float64'];
const INT_DTYPES = ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64'] as const;
const NUMERIC_DTYPES: readonly NumericDType[] = [...FLOAT_DTYPES, ...INT_DTYPES];
const CATEGORICAL_DTYPES: readonly CategoricalDType[] = ['string', ...INT_DTYPES];
const COMBINERS: readonly Combiner[] = ['mean', 'sum', 'sqrtn'];

export interface NumericOptions {
  shape?: number | readonly number[];
  /** A scalar (broadcast to the shape) or nested arrays matching the shape. */
  defaultValue?: number | readonly unknown[] | null;
  dtype?: NumericDType;
  normalizer?: Normalizer | null;
}

export function numericColumn(key: string, options: NumericOptions = {}): NumericColumn {
  featureKey(key, 'numericColumn');
  const shape = typeof options.shape === 'number' ? [options.shape] : [...(options.shape ?? [1])];
  if (shape.length === 0) throw new SpecError(key, 'shape must have at least one dimension, e.g. [1]');
  shape.forEach((d) => positiveInt(key, 'each shape dimension', d));
  const dtype = oneOf(key, 'dtype', options.dtype ?? 'float32', NUMERIC_DTYPES);
  return deepFreeze({
    type: 'numeric', key, shape, dtype,
    defaultValue: numericDefault(key, options.defaultValue ?? null, shape, dtype),
    normalizer: checkNormalizer(key, options.normalizer ?? null),
  });
}

function numericDefault(key: string, value: number | readonly unknown[] | null, shape: readonly number[], dtype: NumericDType): number[] | null {
  const size = shape.reduce((a, b) => a * b, 1);
  if (value === null) return null;
  if (typeof value !== 'number' && !Array.isArray(value)) {
    throw new SpecError(key, `defaultValue must be a number or nested arrays of numbers matching shape [${shape}], got ${JSON.stringify(value)}`);
  }
  const flat = typeof value === 'number' ? new Array<number>(size).fill(value) : (value as unknown[]).flat(Infinity);
  if (!(typeof value === 'number' || nestedLike(value, shape)) || !flat.every((v) => typeof v === 'number')) {
    throw new SpecError(key, `defaultValue must be a number or nested arrays of ${size} numbers matching the shape, got ${JSON.stringify(value)}`);
  }
  if (!FLOAT_DTYPES.includes(dtype as FloatDType) && !flat.every((v) => Number.isInteger(v))) {
    throw new SpecError(key, `defaultValue ${JSON.stringify(value)} must be integers for dtype ${dtype}; use dtype 'float32' for fractional defaults`);
  }
  return flat as number[];
}

/** TF: the default's nesting must equal the shape (a flat list is the nesting of a 1-d shape). */
function nestedLike(value: unknown, shape: readonly number[]): boolean {
  if (shape.length === 0) return typeof value === 'number';
  return Array.isArray(value) && value.length === shape[0] && value.every((v) => nestedLike(v, shape.slice(1)));
}

function checkNormalizer(key: string, normalizer: Normalizer | null): Normalizer | null {
  if (normalizer === null || normalizer === 'log1p' || normalizer === 'zscore' || normalizer === 'minmax') return normalizer;
  if ('zscore' in normalizer) {
    const { mean, std } = normalizer.zscore;
    if (!Number.isFinite(mean) || !Number.isFinite(std) || std <= 0) {
      throw new SpecError(key, `zscore normalizer needs a finite mean and std > 0, got mean=${mean} std=${std}`);
    }
    return { zscore: { mean, std } };
  }
  if ('minmax' in normalizer) {
    const { min, max } = normalizer.minmax;
    if (!Number.isFinite(min) || !Number.isFinite(max) || !(max > min)) {
      throw new SpecError(key, `minmax normalizer needs finite min < max, got min=${min} max=${max}`);
    }
    return { minmax: { min, max } };
  }
  throw new SpecError(key, `unknown normalizer ${JSON.stringify(normalizer)}; use {zscore: {mean, std}}, {minmax: {min, max}}, 'log1p', or 'zscore' / 'minmax' to measure them with fit`);
}

/** Boundaries given, or `{numBuckets}` for quantile boundaries that `fit` measures. */
export function bucketizedColumn(sourceColumn: NumericColumn, boundaries: readonly number[] | { numBuckets: number }): BucketizedColumn {
  if (sourceColumn?.type !== 'numeric') {
    throw new SpecError(describe(sourceColumn), 'bucketizedColumn needs a numericColumn as its source');
  }
  const name = `${sourceColumn.key}_bucketized`;
  if (sourceColumn.shape.length !== 1) {
    throw new SpecError(name, `source column must have a 1-d shape, got [${sourceColumn.shape}]`);
  }
  if (!Array.isArray(boundaries) && typeof boundaries === 'object' && boundaries !== null && 'numBuckets' in boundaries) {
    const numBuckets = boundaries.numBuckets;
    if (!(Number.isInteger(numBuckets) && numBuckets >= 2)) throw new SpecError(name, `numBuckets must be an integer >= 2, got ${numBuckets}`);
    return deepFreeze({ type: 'bucketized', sourceColumn, boundaries: { fromData: { numBuckets } } });
  }
  if (!Array.isArray(boundaries) || boundaries.length === 0) {
    throw new SpecError(name, 'boundaries must be a non-empty sorted list of numbers');
  }
  for (let i = 0; i < boundaries.length; i++) {
    if (typeof boundaries[i] !== 'number' || Number.isNaN(boundaries[i])) {
      throw new SpecError(name, `boundary ${i} is not a number: ${JSON.stringify(boundaries[i])}`);
    }
    if (i > 0 && !(boundaries[i - 1] < boundaries[i])) {
      throw new SpecError(name, `boundaries must be a sorted list without duplicates: ${boundaries[i - 1]} >= ${boundaries[i]} at index ${i}`);
    }
    // Buckets are compared in float32, as TF does; two boundaries that round together would make an empty bucket.
    if (i > 0 && Math.fround(boundaries[i - 1]) === Math.fround(boundaries[i])) {
      throw new SpecError(name, `boundaries ${boundaries[i - 1]} and ${boundaries[i]} are equal in float32; drop one of them`);
    }
  }
  return deepFreeze({ type: 'bucketized', sourceColumn, boundaries: [...boundaries] });
}

export interface IdentityOptions { defaultValue?: number | null }

export function categoricalColumnWithIdentity(key: string, numBuckets: number, options: IdentityOptions = {}): IdentityColumn {
  featureKey(key, 'categoricalColumnWithIdentity');
  positiveInt(key, 'numBuckets', numBuckets);
  const defaultValue = options.defaultValue ?? null;
  if (defaultValue !== null && (!Number.isInteger(defaultValue) || defaultValue < 0 || defaultValue >= numBuckets)) {
    throw new SpecError(key, `defaultValue ${defaultValue} not in range [0, ${numBuckets}); pick an id below numBuckets or raise numBuckets`);
  }
  return deepFreeze({ type: 'identity', key, numBuckets, defaultValue });
}

export interface VocabularyOptions {
  dtype?: CategoricalDType;
  /** Id of out-of-vocabulary values when numOovBuckets is 0; -1 (the default), or any negative id, = no id. */
  defaultValue?: number | null;
  numOovBuckets?: number;
}

/** The list given, or `vocabularyFromData({topK, minFrequency})` for one that `fit` counts. */
export function categoricalColumnWithVocabularyList(
  key: string, vocabularyList: readonly (string | number)[] | VocabularyFromData, options: VocabularyOptions = {},
): VocabularyListColumn {
  featureKey(key, 'categoricalColumnWithVocabularyList');
  if (isFromData(vocabularyList)) {
    const dtype = vocabularyDType(key, options.dtype, (options.dtype ?? 'string') === 'string');
    return deepFreeze({ type: 'vocabulary_list', key, vocabularyList, dtype, ...oovOptions(key, options) });
  }
  if (!Array.isArray(vocabularyList) || vocabularyList.length === 0) {
    throw new SpecError(key, 'vocabularyList must be a non-empty list');
  }
  const allStrings = vocabularyList.every((v) => typeof v === 'string');
  const allInts = vocabularyList.every((v) => typeof v === 'number' && Number.isSafeInteger(v));
  if (!allStrings && !allInts) {
    throw new SpecError(key, 'vocabularyList must hold only strings or only integers (no floats, no mix)');
  }
  const seen = new Set<string | number>();
  for (const v of vocabularyList) {
    if (seen.has(v)) throw new SpecError(key, `duplicate key ${JSON.stringify(v)} in vocabularyList; each value may appear once`);
    seen.add(v);
  }
  const dtype = vocabularyDType(key, options.dtype, allStrings);
  const { defaultValue, numOovBuckets } = oovOptions(key, options);
  return deepFreeze({ type: 'vocabulary_list', key, vocabularyList: [...vocabularyList], dtype, defaultValue, numOovBuckets });
}

export interface VocabularyFileOptions extends VocabularyOptions { vocabularySize?: number | null }

export function categoricalColumnWithVocabularyFile(
  key: string, vocabularyFile: string, options: VocabularyFileOptions = {},
): VocabularyFileColumn {
  featureKey(key, 'categoricalColumnWithVocabularyFile');
  if (typeof vocabularyFile !== 'string' || vocabularyFile.length === 0) {
    throw new SpecError(key, 'missing vocabularyFile: give the path of a file with one vocabulary value per line');
  }
  const vocabularySize = options.vocabularySize ?? null;
  if (vocabularySize !== null) positiveInt(key, 'vocabularySize', vocabularySize);
  const dtype = vocabularyDType(key, options.dtype, (options.dtype ?? 'string') === 'string');
  const { defaultValue, numOovBuckets } = oovOptions(key, options);
  return deepFreeze({ type: 'vocabulary_file', key, vocabularyFile, vocabularySize, dtype, defaultValue, numOovBuckets });
}

function vocabularyDType(key: string, dtype: CategoricalDType | undefined, valuesAreStrings: boolean): CategoricalDType {
  if (dtype === undefined) return valuesAreStrings ? 'string' : 'int64';
  oneOf(key, 'dtype', dtype, CATEGORICAL_DTYPES);
  if ((dtype === 'string') !== valuesAreStrings) {
    throw new SpecError(key, `dtype '${dtype}' does not match the vocabulary's ${valuesAreStrings ? 'string' : 'integer'} values`);
  }
  return dtype;
}

function oovOptions(key: string, options: VocabularyOptions): { defaultValue: number; numOovBuckets: number } {
  const numOovBuckets = nonNegativeInt(key, 'numOovBuckets', options.numOovBuckets ?? 0);
  const defaultValue = options.defaultValue ?? -1;
  if (!Number.isInteger(defaultValue)) {
    throw new SpecError(key, `defaultValue must be an integer id, or -1 for no id; got ${defaultValue}`);
  }
  if (numOovBuckets > 0 && defaultValue !== -1) {
    throw new SpecError(key, `can't specify both numOovBuckets (${numOovBuckets}) and defaultValue (${defaultValue}); out-of-vocabulary values go to one or the other`);
  }
  return { defaultValue, numOovBuckets };
}

export function categoricalColumnWithHashBucket(
  key: string, hashBucketSize: number, options: { dtype?: CategoricalDType } = {},
): HashBucketColumn {
  featureKey(key, 'categoricalColumnWithHashBucket');
  positiveInt(key, 'hashBucketSize', hashBucketSize);
  const dtype = oneOf(key, 'dtype', options.dtype ?? 'string', CATEGORICAL_DTYPES);
  return deepFreeze({ type: 'hash_bucket', key, hashBucketSize, dtype });
}

export function crossedColumn(
  keys: readonly (string | FeatureColumn)[], hashBucketSize: number, options: { hashKey?: number | null } = {},
): CrossedColumn {
  const label = Array.isArray(keys) ? keys.map((k) => (typeof k === 'string' ? k : describe(k))).join('_X_') : String(keys);
  if (!Array.isArray(keys) || keys.length < 2) {
    throw new SpecError(label, `crossedColumn needs at least 2 keys, got ${Array.isArray(keys) ? keys.length : 0}`);
  }
  keys.forEach((k) => checkCrossKey(label, k));
  positiveInt(label, 'hashBucketSize', hashBucketSize);
  const hashKey = options.hashKey ?? null;
  if (hashKey !== null && (!Number.isSafeInteger(hashKey) || hashKey < 0)) {
    throw new SpecError(label, `hashKey must be a non-negative safe integer, got ${hashKey}`);
  }
  return deepFreeze({ type: 'crossed', keys: [...keys] as CrossKey[], hashBucketSize, hashKey });
}

function checkCrossKey(label: string, key: string | FeatureColumn): void {
  if (typeof key === 'string') {
    featureKey(key, 'crossedColumn');
    return;
  }
  switch (key?.type) {
    case 'bucketized': case 'identity': case 'vocabulary_list': case 'vocabulary_file': case 'crossed':
      return;
    case 'hash_bucket':
      throw new SpecError(label, `'${key.key}' is a hash bucket column, which is not supported for crossing: hashing before crossing increases collisions; use the feature name '${key.key}' as a string key instead`);
    case 'weighted':
      throw new SpecError(label, `crossedColumn does not support weighted columns ('${columnName(key)}'); cross the unweighted column`);
    default:
      throw new SpecError(label, `unsupported key ${describe(key)}: each key must be a feature name string or a categorical column (bucketized, identity, vocabulary, crossed)`);
  }
}

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

function describe(column: unknown): string {
  if (column && typeof column === 'object' && 'type' in column) {
    try { return columnName(column as FeatureColumn); } catch { /* fall through to the raw value */ }
  }
  return JSON.stringify(column) ?? String(column);
}
