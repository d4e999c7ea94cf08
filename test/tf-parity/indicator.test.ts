/**
 * TF parity: indicator_column (SEMANTICS.md §10), ported from TensorFlow's feature_column_v2_test.py
 * (IndicatorColumnTest). The indicator is a count vector: repeats add up, weighted ids sum their weights,
 * OOV (-1) contributes nothing.
 */
import { describe, expect, it } from 'vitest';
import {
  DataError, SpecError, bucketizedColumn, categoricalColumnWithHashBucket, categoricalColumnWithIdentity,
  categoricalColumnWithVocabularyList, columnName, indicatorColumn, numericColumn, weightedCategoricalColumn,
} from '../../src/index.ts';
import { batch, denseRows, float32Lists, float32s, int64Lists, int64s, stringLists, strings, thrown, transform } from './util.ts';

describe('indicatorColumn: construction', () => {
  it("is named '<categorical>_indicator' with one slot per bucket", () => {
    // TF: IndicatorColumnTest.test_indicator_column (name 'a_indicator', variable_shape [1, 4])
    const indicatorA = indicatorColumn(categoricalColumnWithHashBucket('a', 4));
    expect(columnName(indicatorA.categoricalColumn)).toBe('a');
    expect(columnName(indicatorA)).toBe('a_indicator');
    const fb = transform([indicatorA], batch({ a: strings(['x']) }));
    expect(fb.dense.layout[0]).toMatchObject({ name: 'a_indicator', kind: 'indicator', offset: 0, width: 4 });
  });

  it('needs a categorical column', () => {
    // TF: IndicatorColumnTest.test_not_categorical_input ('Unsupported input type.')
    expect(() => indicatorColumn('aaa' as never)).toThrow(SpecError);
    expect(() => indicatorColumn(numericColumn('aaa') as never)).toThrow(SpecError);
  });
});

describe('indicatorColumn: counts', () => {
  const animal = indicatorColumn(categoricalColumnWithHashBucket('animal', 4));

  it('one-hots a dense one-value-per-row input', () => {
    // TF: IndicatorColumnTest.test_1D_shape_succeeds (['fox', 'fox'] -> [[0,0,1,0], [0,0,1,0]])
    expect(denseRows(transform([animal], batch({ animal: strings(['fox', 'fox']) })))).toEqual([[0, 0, 1, 0], [0, 0, 1, 0]]);
  });

  it('one-hots a sparse input', () => {
    // TF: IndicatorColumnTest.test_2D_shape_succeeds
    expect(denseRows(transform([animal], batch({ animal: stringLists([['fox'], ['fox']]) })))).toEqual([[0, 0, 1, 0], [0, 0, 1, 0]]);
  });

  it('counts an id that repeats in a row', () => {
    // TF: IndicatorColumnTest.test_multi_hot ([1, 1] -> [[0, 2, 0, 0]])
    const column = indicatorColumn(categoricalColumnWithIdentity('animal', 4));
    expect(denseRows(transform([column], batch({ animal: int64Lists([[1, 1]]) })))).toEqual([[0, 2, 0, 0]]);
  });

  it('marks every id of a row', () => {
    // TF: IndicatorColumnTest.test_multi_hot2 and test_input_layer ([1, 2] -> [[0, 1, 1, 0]])
    const column = indicatorColumn(categoricalColumnWithIdentity('animal', 4));
    expect(denseRows(transform([column], batch({ animal: int64Lists([[1, 2]]) })))).toEqual([[0, 1, 1, 0]]);
  });

  it('gives a dense column the linear model can weight', () => {
    // TF: IndicatorColumnTest.test_old_linear_model (weights [1, 2, 3, 4]; prediction 2 + 3)
    const column = indicatorColumn(categoricalColumnWithIdentity('animal', 4));
    const [row] = denseRows(transform([column], batch({ animal: int64Lists([[1, 2]]) })));
    expect(row.reduce((sum, v, i) => sum + v * [1, 2, 3, 4][i], 0)).toBe(5);
  });

  it('one-hots vocabulary ids; OOV adds nothing', () => {
    // TF: IndicatorColumnTest.test_transform ([[0, 0, 1], [1, 0, 0]])
    const column = indicatorColumn(categoricalColumnWithVocabularyList('aaa', ['omar', 'stringer', 'marlo']));
    const input = batch({ aaa: stringLists([['marlo'], ['skywalker', 'omar']]) });
    expect(denseRows(transform([column], input))).toEqual([[0, 0, 1], [1, 0, 0]]);
  });

  it('sums the weights of a weighted column per id', () => {
    // TF: IndicatorColumnTest.test_transform_with_weighted_column (ids [c, b, a, c], weights [2, 4, 6, 1] -> [[6, 4, 3]])
    const ids = categoricalColumnWithVocabularyList('ids', ['a', 'b', 'c']);
    const column = indicatorColumn(weightedCategoricalColumn(ids, 'weights'));
    const input = batch({ ids: stringLists([['c', 'b', 'a', 'c']]), weights: float32Lists([[2, 4, 6, 1]]) });
    expect(denseRows(transform([column], input))).toEqual([[6, 4, 3]]);
  });

  it("drops the weight of an OOV id", () => {
    // TF: IndicatorColumnTest.test_transform_with_missing_value_in_weighted_column ([c, b, unknown], [2, 4, 6] -> [[0, 4, 2]])
    const ids = categoricalColumnWithVocabularyList('ids', ['a', 'b', 'c']);
    const column = indicatorColumn(weightedCategoricalColumn(ids, 'weights'));
    const input = batch({ ids: stringLists([['c', 'b', 'unknown']]), weights: float32Lists([[2, 4, 6]]) });
    expect(denseRows(transform([column], input))).toEqual([[0, 4, 2]]);
  });

  it('ignores an OOV id', () => {
    // TF: IndicatorColumnTest.test_transform_with_missing_value_in_categorical_column ([c, b, unknown] -> [[0, 1, 1]])
    const ids = categoricalColumnWithVocabularyList('ids', ['a', 'b', 'c']);
    expect(denseRows(transform([indicatorColumn(ids)], batch({ ids: stringLists([['c', 'b', 'unknown']]) })))).toEqual([[0, 1, 1]]);
  });

  it('gives zeros for an Arrow null (DESIGN §5)', () => {
    // TF: IndicatorColumnTest.test_transform (a row without ids is all zeros)
    const ids = categoricalColumnWithVocabularyList('ids', ['a', 'b', 'c']);
    expect(denseRows(transform([indicatorColumn(ids)], batch({ ids: strings([null, 'b']) })))).toEqual([[0, 0, 0], [0, 1, 0]]);
  });

  it('one-hots a bucketized column like its dense form', () => {
    // TF: IndicatorColumnTest.test_transform (SEMANTICS §10: any CategoricalColumn, incl. bucketized)
    const b = bucketizedColumn(numericColumn('price'), [0, 2, 4, 6]);
    const fb = transform([indicatorColumn(b)], batch({ price: float32s([-1, 1, 5, 6]) }));
    expect(denseRows(fb)).toEqual([[1, 0, 0, 0, 0], [0, 1, 0, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 0, 1]]);
  });

  it('with an identity default, counts out-of-range ids at the default', () => {
    // TF: IdentityCategoricalColumnTest.test_get_sparse_tensors_with_default_value via IndicatorColumnTest.test_multi_hot
    const column = indicatorColumn(categoricalColumnWithIdentity('animal', 4, { defaultValue: 3 }));
    expect(denseRows(transform([column], batch({ animal: int64Lists([[1, -1, 99]]) })))).toEqual([[0, 1, 0, 2]]);
  });

  it('fails on an identity id out of range without a default, naming the column and row (DESIGN §5)', () => {
    // TF: IndicatorColumnTest.test_multi_hot (SEMANTICS §4/§10 [run]: TF silently ignores such ids; DESIGN §5 errors)
    const column = indicatorColumn(categoricalColumnWithIdentity('animal', 4));
    for (const input of [batch({ animal: int64Lists([[1], [4]]) }), batch({ animal: int64Lists([[1], [-1]]) })]) {
      const error = thrown(() => transform([column], input));
      expect(error).toBeInstanceOf(DataError);
      expect((error as DataError).column).toBe('animal');
      expect((error as DataError).row).toBe(1);
    }
    // A dense (one-value-per-row) -1 is dropped first, so it is not out of range.
    expect(denseRows(transform([column], batch({ animal: int64s([1, -1]) })))).toEqual([[0, 1, 0, 0], [0, 0, 0, 0]]);
  });
});
