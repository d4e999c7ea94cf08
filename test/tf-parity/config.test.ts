/**
 * TF parity: serialize_feature_columns JSON (DESIGN.md §2), checked against the get_config dicts in TensorFlow's
 * feature_column_v2_test.py (each column's test_serialization) and serialization_test.py. Python tuples are JSON arrays.
 */
import { describe, expect, it } from 'vitest';
import {
  type FeatureColumn, bucketizedColumn, categoricalColumnWithHashBucket, categoricalColumnWithIdentity,
  categoricalColumnWithVocabularyFile, categoricalColumnWithVocabularyList, crossedColumn, embeddingColumn, fromConfig,
  indicatorColumn, numericColumn, toConfig, weightedCategoricalColumn,
} from '../../src/index.ts';

const IDENTITY_AAA_3 = { class_name: 'IdentityCategoricalColumn', config: { key: 'aaa', number_buckets: 3, default_value: null } };

/** What TF's serialize_feature_column gives for each column, and the column itself. */
const CASES: { test: string; column: () => FeatureColumn; tf: { class_name: string; config: Record<string, unknown> } }[] = [
  {
    // TF: NumericColumnTest.test_serialization (without the normalizer callable) / BucketizedColumnTest.test_serialization
    test: 'NumericColumnTest.test_serialization',
    column: () => numericColumn('price'),
    tf: { class_name: 'NumericColumn', config: { key: 'price', shape: [1], default_value: null, dtype: 'float32', normalizer_fn: null } },
  },
  {
    test: 'BucketizedColumnTest.test_serialization',
    column: () => bucketizedColumn(numericColumn('price', { shape: [2] }), [0, 2, 4, 6]),
    tf: {
      class_name: 'BucketizedColumn',
      config: {
        source_column: {
          class_name: 'NumericColumn',
          config: { key: 'price', shape: [2], default_value: null, dtype: 'float32', normalizer_fn: null },
        },
        boundaries: [0, 2, 4, 6],
      },
    },
  },
  {
    test: 'HashedCategoricalColumnTest.test_serialization',
    column: () => categoricalColumnWithHashBucket('wire', 4),
    tf: { class_name: 'HashedCategoricalColumn', config: { key: 'wire', hash_bucket_size: 4, dtype: 'string' } },
  },
  {
    test: 'CrossedColumnTest.test_serialization',
    column: () => crossedColumn([bucketizedColumn(numericColumn('a', { dtype: 'int32', shape: [2] }), [0, 1]), 'c'], 5, { hashKey: 5 }),
    tf: {
      class_name: 'CrossedColumn',
      config: {
        hash_bucket_size: 5,
        hash_key: 5,
        keys: [
          {
            config: {
              boundaries: [0, 1],
              source_column: {
                config: { dtype: 'int32', default_value: null, key: 'a', normalizer_fn: null, shape: [2] },
                class_name: 'NumericColumn',
              },
            },
            class_name: 'BucketizedColumn',
          },
          'c',
        ],
      },
    },
  },
  {
    test: 'VocabularyFileCategoricalColumnTest.test_serialization',
    column: () => categoricalColumnWithVocabularyFile('wire', 'wire_vocabulary.txt', { vocabularySize: 3, numOovBuckets: 1 }),
    tf: {
      class_name: 'VocabularyFileCategoricalColumn',
      config: {
        default_value: -1, dtype: 'string', key: 'wire', num_oov_buckets: 1, vocabulary_file: 'wire_vocabulary.txt',
        vocabulary_size: 3, file_format: null,
      },
    },
  },
  {
    test: 'VocabularyListCategoricalColumnTest.test_serialization',
    column: () => categoricalColumnWithVocabularyList('aaa', ['omar', 'stringer', 'marlo'], { numOovBuckets: 1 }),
    tf: {
      class_name: 'VocabularyListCategoricalColumn',
      config: { default_value: -1, dtype: 'string', key: 'aaa', num_oov_buckets: 1, vocabulary_list: ['omar', 'stringer', 'marlo'] },
    },
  },
  {
    test: 'IdentityCategoricalColumnTest.test_serialization',
    column: () => categoricalColumnWithIdentity('aaa', 3),
    tf: IDENTITY_AAA_3,
  },
  {
    test: 'IndicatorColumnTest.test_serialization',
    column: () => indicatorColumn(categoricalColumnWithIdentity('animal', 4)),
    tf: {
      class_name: 'IndicatorColumn',
      config: {
        categorical_column: { class_name: 'IdentityCategoricalColumn', config: { key: 'animal', default_value: null, number_buckets: 4 } },
      },
    },
  },
  {
    test: 'EmbeddingColumnTest.test_serialization_with_default_initializer',
    column: () => embeddingColumn(categoricalColumnWithIdentity('aaa', 3), 2),
    tf: {
      class_name: 'EmbeddingColumn',
      config: {
        categorical_column: IDENTITY_AAA_3,
        ckpt_to_load_from: null,
        combiner: 'mean',
        dimension: 2,
        initializer: { class_name: 'TruncatedNormal', config: { dtype: 'float32', stddev: 0.7071067811865475, seed: null, mean: 0.0 } },
        max_norm: null,
        tensor_name_in_ckpt: null,
        trainable: true,
        use_safe_embedding_lookup: true,
      },
    },
  },
  {
    test: 'WeightedCategoricalColumnTest.test_serialization',
    column: () => weightedCategoricalColumn(categoricalColumnWithIdentity('ids', 3), 'weight'),
    tf: {
      class_name: 'WeightedCategoricalColumn',
      config: {
        categorical_column: { config: { key: 'ids', number_buckets: 3, default_value: null }, class_name: 'IdentityCategoricalColumn' },
        dtype: 'float32',
        weight_feature_key: 'weight',
      },
    },
  },
];

describe("toConfig: TF's get_config dicts", () => {
  for (const { test, column, tf } of CASES) {
    it(`serializes like ${test}`, () => {
      // TF: the test named above (get_config, wrapped by serialize_feature_column as {class_name, config})
      expect(toConfig([column()])[0]).toStrictEqual(tf);
    });
  }
});

describe("fromConfig: TF's get_config dicts", () => {
  for (const { test, column, tf } of CASES) {
    it(`deserializes ${test}'s config into an equal column`, () => {
      // TF: the test named above (from_config(config) == column)
      const [loaded] = fromConfig(JSON.parse(JSON.stringify(tf)));
      expect(loaded).toEqual(column());
    });
  }

  it('round-trips every column through JSON text', () => {
    // TF: FeatureColumnSerializationTest.test_deserialization_deduping (serialize then deserialize gives equal columns)
    const columns = CASES.map((c) => c.column());
    const text = JSON.stringify(toConfig(columns));
    const loaded = fromConfig(JSON.parse(text));
    expect(loaded).toEqual(columns);
    expect(JSON.stringify(toConfig(loaded))).toBe(text);
  });

  it('round-trips a numeric column and a bucketized column of it', () => {
    // TF: FeatureColumnSerializationTest.test_deserialization_deduping
    const price = numericColumn('price');
    const bucketized = bucketizedColumn(price, [0, 1]);
    const [newPrice, newBucketized] = fromConfig(toConfig([price, bucketized]));
    expect(newPrice).toEqual(price);
    expect(newBucketized).toEqual(bucketized);
    expect(newBucketized.type === 'bucketized' && newBucketized.sourceColumn).toEqual(newPrice);
  });

  it('loads a numeric default stored as nested tuples', () => {
    // TF: NumericColumnTest.test_default_value_saved_as_tuple (((3., 2.),) for shape [1, 2])
    const tf = { class_name: 'NumericColumn', config: { key: 'aaa', shape: [1, 2], default_value: [[3, 2]], dtype: 'float32', normalizer_fn: null } };
    expect(fromConfig([tf])[0]).toEqual(numericColumn('aaa', { shape: [1, 2], defaultValue: [[3, 2]] }));
  });
});

describe('fromConfig: bad configs', () => {
  it('rejects an improper config', () => {
    // TF: FeatureColumnSerializationTest.test_deserialize_invalid_config ('Improper config format: {}')
    expect(() => fromConfig([{}])).toThrow();
  });

  it('rejects an unknown class', () => {
    // TF: FeatureColumnSerializationTest.test_deserialize_invalid_class ('Unknown feature_column_v2: NotExistingFeatureColumnClass')
    expect(() => fromConfig([{ class_name: 'NotExistingFeatureColumnClass', config: {} }])).toThrow(/NotExistingFeatureColumnClass/);
  });

  it('rejects a config with a missing key', () => {
    // TF: FeatureColumnSerializationTest.test_deserialize_config_missing_key ('Invalid config:.*expected keys.*dtype')
    const missingDtype = { class_name: 'NumericColumn', config: { default_value: null, key: 'a', normalizer_fn: null, shape: [2] } };
    expect(() => fromConfig([missingDtype])).toThrow(/dtype/);
  });
});
