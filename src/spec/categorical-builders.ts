import { describe } from './describe-column.ts';
import { CATEGORICAL_DTYPES } from './dtypes.ts';
import { SpecError } from './errors.ts';
import { columnName } from './names.ts';
import type {
  CategoricalDType, CrossKey, CrossedColumn, FeatureColumn, HashBucketColumn, IdentityColumn, VocabularyFileColumn,
  VocabularyFromData, VocabularyListColumn,
} from './types.ts';
import { isFromData } from './types.ts';
import { deepFreeze, featureKey, nonNegativeInt, oneOf, positiveInt } from './validate.ts';

/** The categorical builders (identity, vocabulary list and file, hash bucket, crossed), with TF's checks. */

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
