import { tableFromArrays } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import {
  SpecError, bucketizedColumn, categoricalColumnWithVocabularyList, compile, embeddingColumn, fromConfig, indicatorColumn,
  numBuckets, numericColumn, pendingFits, toConfig, vocabularyFromData,
} from '../src/index.ts';

describe('placeholders that fit resolves', () => {
  const age = numericColumn('age', { normalizer: 'zscore' });
  const buckets = bucketizedColumn(numericColumn('age'), { numBuckets: 4 });
  const workclass = categoricalColumnWithVocabularyList('workclass', vocabularyFromData({ topK: 5, minFrequency: 2 }), { numOovBuckets: 1 });
  const columns = [age, buckets, indicatorColumn(workclass), embeddingColumn(workclass, 3)];

  it('lists what fit must measure, nested columns included', () => {
    expect(pendingFits(columns)).toEqual([
      { column: 'age', what: 'zscore normalizer statistics' },
      { column: 'age_bucketized', what: 'quantile boundaries for 4 buckets' },
      { column: 'workclass', what: 'a vocabulary' },
      { column: 'workclass', what: 'a vocabulary' },
    ]);
  });

  it('knows a bucketized column\'s size before fit, not a vocabulary\'s', () => {
    expect(numBuckets(buckets)).toBe(4);
    expect(() => numBuckets(workclass)).toThrow(/known after fit/);
  });

  it('refuses to compile, naming the column and what to run', () => {
    const table = tableFromArrays({ age: Float64Array.from([30]), workclass: ['Private'] });
    const error = (() => { try { compile(columns, table.schema); } catch (e) { return e; } })() as SpecError;
    expect(error).toBeInstanceOf(SpecError);
    expect(error.column).toBe('age');
    expect(error.message).toMatch(/run fit\(columns, data\) or `fcol fit` first/);
    expect(error.message).toMatch(/workclass \(a vocabulary\)/);
  });

  it('round-trips through JSON, marked as from_data where TF would hold a value', () => {
    const json = toConfig(columns);
    expect(json[1].config.boundaries).toEqual({ from_data: { num_buckets: 4 } });
    expect((json[2].config.categorical_column as { config: { vocabulary_list: unknown } }).config.vocabulary_list)
      .toEqual({ from_data: { top_k: 5, min_frequency: 2, vocabulary_file: null } });
    expect(json[0].config.normalizer_fn).toEqual({ class_name: 'feature_columns>zscore', config: { from_data: true } });
    expect(fromConfig(JSON.parse(JSON.stringify(json)))).toEqual(columns);
  });

  it('validates the placeholder arguments', () => {
    expect(() => bucketizedColumn(numericColumn('x'), { numBuckets: 1 })).toThrow(/numBuckets must be an integer >= 2/);
    expect(() => vocabularyFromData({ topK: 0 })).toThrow(/topK/);
    expect(() => vocabularyFromData({ minFrequency: 0.5 })).toThrow(/minFrequency/);
  });
});
