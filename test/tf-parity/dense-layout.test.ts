/**
 * TF parity: the dense output layout of input_layer / DenseFeatures (SEMANTICS.md §14), ported from TensorFlow's
 * feature_column_v2_test.py (FunctionalInputLayerTest, OldLinearModelTest). Columns are sorted by name in code-point order
 * (Python str ordering), not in the order given and not with localeCompare.
 */
import { describe, expect, it } from 'vitest';
import {
  SpecError, bucketizedColumn, categoricalColumnWithHashBucket, categoricalColumnWithVocabularyList, compareCodePoints, compile,
  embeddingColumn, embeddingLookup, indicatorColumn, numericColumn,
} from '../../src/index.ts';
import { batch, denseRows, float32Matrix, float32s, matrix, stringLists, strings, table, thrown, transform } from './util.ts';

describe('dense layout: order', () => {
  it('does not depend on the order the columns are given in', () => {
    // TF: FunctionalInputLayerTest.test_column_order ([[1., 3.]] both ways)
    const priceA = numericColumn('price_a');
    const priceB = numericColumn('price_b');
    const input = batch({ price_a: float32s([1]), price_b: float32s([3]) });
    expect(denseRows(transform([priceA, priceB], input))).toEqual([[1, 3]]);
    expect(denseRows(transform([priceB, priceA], input))).toEqual([[1, 3]]);
  });

  it('sorts by code point: Zeta < price < price2 < price_bucketized', () => {
    // TF: FunctionalInputLayerTest.test_column_order (SEMANTICS §14 [run]: 'Z'=90 < 'p'=112; '2'=50 < '_'=95)
    const price = numericColumn('price');
    const columns = [bucketizedColumn(price, [0, 10]), numericColumn('price2'), price, numericColumn('Zeta')];
    const fb = transform(columns, batch({ price: float32s([12]), price2: float32s([2]), Zeta: float32s([-1]) }));
    expect(fb.dense.layout.map((e) => [e.name, e.offset, e.width])).toEqual([
      ['Zeta', 0, 1], ['price', 1, 1], ['price2', 2, 1], ['price_bucketized', 3, 3],
    ]);
    expect(denseRows(fb)).toEqual([[-1, 12, 2, 0, 0, 1]]);
  });

  it('sorts by code point, not UTF-16 unit: U+FF61 before U+1F600', () => {
    // TF: FunctionalInputLayerTest.test_column_order (SEMANTICS §14: Python str ordering = Unicode code-point order)
    const high = '\u{1F600}';
    const low = '\uFF61';
    const fb = transform([numericColumn(high), numericColumn(low)], batch({ [high]: float32s([1]), [low]: float32s([2]) }));
    expect(fb.dense.layout.map((e) => e.name)).toEqual([low, high]);
    expect(denseRows(fb)).toEqual([[2, 1]]);
    expect(compareCodePoints(low, high)).toBeLessThan(0);
  });

  it('concatenates indicator, then numeric, by name; the embedding sorts between them', () => {
    // TF: FunctionalInputLayerTest.test_with_1d_sparse_tensor
    // ([[0, 0, 1, 11, 12, 13, 14, 15, 11], [1, 0, 0, 1, 2, 3, 4, 5, 12]]: body-style_indicator, country_embedding, price)
    const price = numericColumn('price');
    const bodyStyle = indicatorColumn(categoricalColumnWithVocabularyList('body-style', ['hardtop', 'wagon', 'sedan']));
    const country = embeddingColumn(categoricalColumnWithVocabularyList('country', ['US', 'JP', 'CA']), 5);
    const input = batch({
      price: float32s([11, 12]),
      'body-style': stringLists([['sedan'], ['hardtop']]),
      country: strings(['CA', 'US']),
    });
    const fb = transform([price, bodyStyle, country], input);
    expect(fb.dense.layout.map((e) => e.name)).toEqual(['body-style_indicator', 'price']);
    expect(denseRows(fb)).toEqual([[0, 0, 1, 11], [1, 0, 0, 12]]);
    const embedded = matrix(embeddingLookup(table([[1, 2, 3, 4, 5], [6, 7, 8, 9, 10], [11, 12, 13, 14, 15]]), 5, fb.sparse.country_embedding, 'mean'), 5);
    expect(embedded).toEqual([[11, 12, 13, 14, 15], [1, 2, 3, 4, 5]]);
    expect(['price', 'country_embedding', 'body-style_indicator'].sort(compareCodePoints))
      .toEqual(['body-style_indicator', 'country_embedding', 'price']);
  });

  it('gives each dense column its width and keeps the embedding as ragged ids', () => {
    // TF: FunctionalInputLayerTest.test_fills_cols_to_vars (price1, dense_feature_bucketized, sparse_feature_embedding [5, 10])
    const price1 = numericColumn('price1');
    const bucketized = bucketizedColumn(numericColumn('dense_feature'), [0]);
    const embedding = embeddingColumn(categoricalColumnWithHashBucket('sparse_feature', 5), 10);
    const input = batch({ price1: float32s([3, 4]), dense_feature: float32s([-1, 4]), sparse_feature: strings(['a', 'x']) });
    const fb = transform([price1, bucketized, embedding], input);
    expect(fb.dense.layout.map((e) => [e.name, e.width])).toEqual([['dense_feature_bucketized', 2], ['price1', 1]]);
    expect(denseRows(fb)).toEqual([[1, 0, 3], [0, 1, 4]]);
    expect(fb.sparse.sparse_feature_embedding).toMatchObject({ cardinality: 5, dimension: 10, combiner: 'mean' });
    expect(Object.keys(fb.sparse)).toEqual(['sparse_feature_embedding']);
  });

  it('concatenates multi-dimensional columns row-major', () => {
    // TF: FunctionalInputLayerTest.test_multi_column ([[1, 2, 3], [5, 6, 4]])
    const fb = transform([numericColumn('price2'), numericColumn('price1', { shape: 2 })], batch({
      price1: float32Matrix([[1, 2], [5, 6]], 2), price2: float32s([3, 4]),
    }));
    expect(fb.dense.layout.map((e) => [e.name, e.offset, e.width])).toEqual([['price1', 0, 2], ['price2', 2, 1]]);
    expect(denseRows(fb)).toEqual([[1, 2, 3], [5, 6, 4]]);
  });
});

describe('dense layout: column list checks', () => {
  it('rejects an empty column list', () => {
    // TF: FunctionalInputLayerTest.test_raises_if_empty_feature_columns ('feature_columns must not be empty')
    expect(() => compile([], batch({ a: float32s([0]) }).schema)).toThrow(SpecError);
  });

  it('rejects two columns with the same name', () => {
    // TF: FunctionalInputLayerTest.test_raises_if_duplicate_name ('Duplicate feature column name found for columns')
    const error = thrown(() => compile([numericColumn('a'), numericColumn('a')], batch({ a: float32s([0]) }).schema));
    expect(error).toBeInstanceOf(SpecError);
    expect(error.message).toContain("column 'a'");
  });

  it('reports a feature missing from the data, naming it', () => {
    // TF: LazyColumnTest.test_error_if_feature_is_not_found ('bbb is not in features dictionary')
    const error = thrown(() => compile([numericColumn('bbb')], batch({ a: float32s([0]) }).schema));
    expect(error).toBeInstanceOf(SpecError);
    expect(error.message).toContain('bbb');
  });
});
