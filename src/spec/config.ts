import {
  bucketizedColumn, categoricalColumnWithHashBucket, categoricalColumnWithIdentity, categoricalColumnWithVocabularyFile,
  categoricalColumnWithVocabularyList, crossedColumn, embeddingColumn, indicatorColumn, numericColumn,
  weightedCategoricalColumn,
} from './builders.ts';
import { SpecError } from './errors.ts';
import { vocabularyFromData } from './from-data.ts';
import type { CategoricalColumn, CrossKey, FeatureColumn, Normalizer, NumericColumn } from './types.ts';
import { isFromData } from './types.ts';

/**
 * TensorFlow's `serialize_feature_columns` JSON: `{"class_name": ..., "config": {...}}` with TF's config keys,
 * so columns dumped from Python load here unchanged, and ours load there.
 */
export interface ColumnConfig {
  class_name: string;
  config: Record<string, unknown>;
}

/** Our declarative normalizers have no Python callable; they serialize under this class-name prefix. */
const NORMALIZER_PREFIX = 'feature_columns>';

export function toConfig(columns: readonly FeatureColumn[]): ColumnConfig[] {
  return columns.map(columnToConfig);
}

/** Reads columns from TF JSON: a parsed value, or text (Python's bare NaN / Infinity tokens accepted). */
export function fromConfig(json: unknown): FeatureColumn[] {
  const parsed = typeof json === 'string' ? parseJsonWithNonFinite(json) : json;
  const list = Array.isArray(parsed) ? parsed : [parsed];
  return list.map((item, i) => columnFromConfig(item, `config[${i}]`));
}

function columnToConfig(column: FeatureColumn): ColumnConfig {
  switch (column.type) {
    case 'numeric':
      return {
        class_name: 'NumericColumn',
        config: {
          key: column.key, shape: [...column.shape], default_value: nest(column.defaultValue?.map(encodeNumber) ?? null, column.shape),
          dtype: column.dtype, normalizer_fn: normalizerToConfig(column.normalizer),
        },
      };
    case 'bucketized':
      return { class_name: 'BucketizedColumn', config: {
          source_column: columnToConfig(column.sourceColumn),
          boundaries: isFromData(column.boundaries)
            ? { from_data: { num_buckets: column.boundaries.fromData.numBuckets } }
            : column.boundaries.map(encodeNumber),
        },
      };
    case 'identity':
      return { class_name: 'IdentityCategoricalColumn', config: { key: column.key, number_buckets: column.numBuckets, default_value: column.defaultValue } };
    case 'vocabulary_list':
      return {
        class_name: 'VocabularyListCategoricalColumn',
        config: {
          key: column.key, dtype: column.dtype,
          vocabulary_list: isFromData(column.vocabularyList)
            ? { from_data: { top_k: column.vocabularyList.fromData.topK, min_frequency: column.vocabularyList.fromData.minFrequency, vocabulary_file: column.vocabularyList.fromData.vocabularyFile } }
            : [...column.vocabularyList],
          default_value: column.defaultValue, num_oov_buckets: column.numOovBuckets,
        },
      };
    case 'vocabulary_file':
      return {
        class_name: 'VocabularyFileCategoricalColumn',
        config: {
          key: column.key, vocabulary_file: column.vocabularyFile, vocabulary_size: column.vocabularySize,
          num_oov_buckets: column.numOovBuckets, dtype: column.dtype, default_value: column.defaultValue, file_format: null,
        },
      };
    case 'hash_bucket':
      return { class_name: 'HashedCategoricalColumn', config: { key: column.key, hash_bucket_size: column.hashBucketSize, dtype: column.dtype } };
    case 'crossed':
      return {
        class_name: 'CrossedColumn',
        config: {
          keys: column.keys.map((k) => (typeof k === 'string' ? k : columnToConfig(k))),
          hash_bucket_size: column.hashBucketSize, hash_key: column.hashKey,
        },
      };
    case 'weighted':
      return {
        class_name: 'WeightedCategoricalColumn',
        config: { categorical_column: columnToConfig(column.categoricalColumn), weight_feature_key: column.weightFeatureKey, dtype: column.dtype },
      };
    case 'indicator':
      return { class_name: 'IndicatorColumn', config: { categorical_column: columnToConfig(column.categoricalColumn) } };
    case 'embedding': {
      const { mean, stddev, seed } = column.initializer.truncatedNormal;
      return {
        class_name: 'EmbeddingColumn',
        config: {
          categorical_column: columnToConfig(column.categoricalColumn), dimension: column.dimension, combiner: column.combiner,
          initializer: { class_name: 'TruncatedNormal', config: { mean, stddev, seed, dtype: 'float32' } },
          ckpt_to_load_from: column.ckptToLoadFrom, tensor_name_in_ckpt: column.tensorNameInCkpt, max_norm: column.maxNorm,
          trainable: column.trainable, use_safe_embedding_lookup: column.useSafeEmbeddingLookup,
        },
      };
    }
  }
}

function columnFromConfig(item: unknown, where: string): FeatureColumn {
  if (!isRecord(item) || typeof item.class_name !== 'string' || !isRecord(item.config)) {
    throw new SpecError(where, `expected {"class_name": ..., "config": {...}}, got ${JSON.stringify(item)?.slice(0, 120)}`);
  }
  const c = item.config;
  const at = `${where} (${item.class_name})`;
  const keys = CONFIG_KEYS[item.class_name];
  if (!keys) throw new SpecError(at, `unknown column class '${item.class_name}'; expected one of ${Object.keys(CONFIG_KEYS).join(', ')}`);
  checkConfigKeys(typeof c.key === 'string' ? c.key : at, at, c, keys);
  switch (item.class_name) {
    case 'NumericColumn':
      return numericColumn(c.key as string, {
        shape: c.shape as number[] | undefined, defaultValue: decodeNumbers(c.default_value) as number | null,
        dtype: c.dtype as NumericColumn['dtype'], normalizer: normalizerFromConfig(c.normalizer_fn, at),
      });
    case 'BucketizedColumn': {
      const source = columnFromConfig(c.source_column, `${at}.source_column`);
      if (source.type !== 'numeric') throw new SpecError(at, 'source_column must be a NumericColumn');
      const fromData = fromDataConfig(c.boundaries);
      return bucketizedColumn(source, fromData ? { numBuckets: fromData.num_buckets as number } : decodeNumbers(c.boundaries) as number[]);
    }
    case 'IdentityCategoricalColumn':
      return categoricalColumnWithIdentity(c.key as string, c.number_buckets as number, { defaultValue: c.default_value as number | null });
    case 'VocabularyListCategoricalColumn': {
      const fromData = fromDataConfig(c.vocabulary_list);
      const list = fromData
        ? vocabularyFromData({ topK: fromData.top_k as number | null, minFrequency: fromData.min_frequency as number, vocabularyFile: fromData.vocabulary_file as string | null })
        : c.vocabulary_list as string[];
      return categoricalColumnWithVocabularyList(c.key as string, list, {
        dtype: c.dtype as 'string', defaultValue: c.default_value as number, numOovBuckets: c.num_oov_buckets as number,
      });
    }
    case 'VocabularyFileCategoricalColumn':
      if (c.file_format != null && c.file_format !== 'text') {
        throw new SpecError(at, `vocabulary file_format '${c.file_format}' is not supported; convert the vocabulary to a text file, one value per line`);
      }
      return categoricalColumnWithVocabularyFile(c.key as string, c.vocabulary_file as string, {
        vocabularySize: c.vocabulary_size as number | null, dtype: c.dtype as 'string',
        defaultValue: c.default_value as number | null, numOovBuckets: c.num_oov_buckets as number,
      });
    case 'HashedCategoricalColumn':
      return categoricalColumnWithHashBucket(c.key as string, c.hash_bucket_size as number, { dtype: c.dtype as 'string' });
    case 'CrossedColumn': {
      const keys = (c.keys as unknown[]).map((k, i) => (typeof k === 'string' ? k : columnFromConfig(k, `${at}.keys[${i}]`)));
      return crossedColumn(keys as CrossKey[], c.hash_bucket_size as number, { hashKey: c.hash_key as number | null });
    }
    case 'WeightedCategoricalColumn':
      return weightedCategoricalColumn(categoricalFromConfig(c.categorical_column, at), c.weight_feature_key as string, { dtype: c.dtype as 'float32' });
    case 'IndicatorColumn':
      return indicatorColumn(categoricalFromConfig(c.categorical_column, at));
    case 'EmbeddingColumn':
      return embeddingColumn(categoricalFromConfig(c.categorical_column, at), c.dimension as number, {
        combiner: c.combiner as 'mean', initializer: initializerFromConfig(c.initializer, at),
        ckptToLoadFrom: c.ckpt_to_load_from as string | null, tensorNameInCkpt: c.tensor_name_in_ckpt as string | null,
        maxNorm: c.max_norm as number | null, trainable: c.trainable as boolean | undefined,
        useSafeEmbeddingLookup: c.use_safe_embedding_lookup as boolean | undefined,
      });
    default:
      throw new SpecError(at, `unknown column class '${item.class_name}'`);
  }
}

/** TF's config keys per class; keys that later TF versions added are optional, so older dumps still load. */
const CONFIG_KEYS: Record<string, { required: string[]; optional?: string[] }> = {
  NumericColumn: { required: ['key', 'shape', 'default_value', 'dtype', 'normalizer_fn'] },
  BucketizedColumn: { required: ['source_column', 'boundaries'] },
  IdentityCategoricalColumn: { required: ['key', 'number_buckets', 'default_value'] },
  VocabularyListCategoricalColumn: { required: ['key', 'vocabulary_list', 'dtype', 'default_value', 'num_oov_buckets'] },
  VocabularyFileCategoricalColumn: {
    required: ['key', 'vocabulary_file', 'vocabulary_size', 'num_oov_buckets', 'dtype', 'default_value'], optional: ['file_format'],
  },
  HashedCategoricalColumn: { required: ['key', 'hash_bucket_size', 'dtype'] },
  CrossedColumn: { required: ['keys', 'hash_bucket_size', 'hash_key'] },
  WeightedCategoricalColumn: { required: ['categorical_column', 'weight_feature_key', 'dtype'] },
  IndicatorColumn: { required: ['categorical_column'] },
  EmbeddingColumn: {
    required: ['categorical_column', 'dimension', 'combiner', 'initializer', 'ckpt_to_load_from', 'tensor_name_in_ckpt', 'max_norm', 'trainable'],
    optional: ['use_safe_embedding_lookup'],
  },
};

/** As TF's _check_config_keys: a missing or unknown key (a typo, most often) is an error. */
function checkConfigKeys(column: string, at: string, config: Record<string, unknown>, keys: { required: string[]; optional?: string[] }): void {
  const allowed = new Set([...keys.required, ...(keys.optional ?? [])]);
  const unknown = Object.keys(config).filter((k) => !allowed.has(k));
  const missing = keys.required.filter((k) => !(k in config));
  if (unknown.length > 0 || missing.length > 0) {
    const problems = [unknown.length ? `unknown keys ${unknown.join(', ')}` : '', missing.length ? `missing keys ${missing.join(', ')}` : ''].filter(Boolean);
    throw new SpecError(column, `invalid config at ${at}: ${problems.join('; ')}; expected keys: ${[...allowed].join(', ')}`);
  }
}

function categoricalFromConfig(item: unknown, at: string): CategoricalColumn {
  return columnFromConfig(item, `${at}.categorical_column`) as CategoricalColumn;
}

function initializerFromConfig(item: unknown, at: string) {
  if (item == null) return null;
  if (isRecord(item) && item.class_name === 'TruncatedNormal' && isRecord(item.config)) {
    const { mean = 0, stddev = 0.05, seed = null } = item.config as { mean?: number; stddev?: number; seed?: number | null };
    return { truncatedNormal: { mean, stddev, seed } };
  }
  throw new SpecError(at, `initializer ${JSON.stringify(item)} is not supported; only TruncatedNormal initializers serialize`);
}

function normalizerToConfig(normalizer: Normalizer | null): unknown {
  if (normalizer === null) return null;
  if (typeof normalizer === 'string') return { class_name: `${NORMALIZER_PREFIX}${normalizer}`, config: normalizer === 'log1p' ? {} : { from_data: true } };
  if ('zscore' in normalizer) return { class_name: `${NORMALIZER_PREFIX}zscore`, config: { ...normalizer.zscore } };
  return { class_name: `${NORMALIZER_PREFIX}minmax`, config: { ...normalizer.minmax } };
}

function normalizerFromConfig(item: unknown, at: string): Normalizer | null {
  if (item == null) return null;
  const kind = isRecord(item) && typeof item.class_name === 'string' ? item.class_name.replace(NORMALIZER_PREFIX, '') : null;
  const config = isRecord(item) && isRecord(item.config) ? item.config : {};
  if (kind === 'log1p') return 'log1p';
  if ((kind === 'zscore' || kind === 'minmax') && config.from_data === true) return kind;
  if (kind === 'zscore') return { zscore: { mean: config.mean as number, std: config.std as number } };
  if (kind === 'minmax') return { minmax: { min: config.min as number, max: config.max as number } };
  throw new SpecError(at, `normalizer_fn ${JSON.stringify(item)} is a Python callable we cannot run; use {zscore}, {minmax} or 'log1p'`);
}

/** TF stores defaults as nested tuples matching the shape. */
function nest(flat: readonly (number | string)[] | null, shape: readonly number[]): unknown {
  if (flat === null) return null;
  const build = (offset: number, dim: number): unknown => {
    if (dim === shape.length - 1) return flat.slice(offset, offset + shape[dim]);
    const stride = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: shape[dim] }, (_, i) => build(offset + i * stride, dim + 1));
  };
  return build(0, 0);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Our placeholder encoding, `{"from_data": {...}}`, where TF would hold a value. */
function fromDataConfig(value: unknown): Record<string, unknown> | null {
  return isRecord(value) && isRecord(value.from_data) ? value.from_data : null;
}

/** JSON has no NaN or Infinity: they travel as the strings "NaN", "Infinity", "-Infinity". */
function encodeNumber(x: number): number | string {
  return Number.isFinite(x) ? x : String(x);
}

const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

function decodeNumbers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeNumbers);
  return typeof value === 'string' && value in NON_FINITE ? NON_FINITE[value] : value;
}

/** JSON.parse, after quoting the bare NaN / Infinity / -Infinity that Python's json.dumps writes. */
function parseJsonWithNonFinite(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    let out = '';
    let inString = false;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (inString) {
        out += ch;
        if (ch === '\\') out += text[++i] ?? '';
        else if (ch === '"') inString = false;
        continue;
      }
      if (ch === '"') inString = true;
      const token = ['-Infinity', 'Infinity', 'NaN'].find((t) => text.startsWith(t, i));
      if (token) {
        out += `"${token}"`;
        i += token.length - 1;
      } else {
        out += ch;
      }
    }
    if (out === text) throw error;
    return JSON.parse(out);
  }
}
