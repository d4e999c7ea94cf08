/**
 * TF parity: weighted_categorical_column (SEMANTICS.md §9), ported from TensorFlow's feature_column_v2_test.py
 * (WeightedCategoricalColumnTest). The weights ride beside the ids in the ragged output (fb.sparse[name].weights).
 */
import { describe, expect, it } from 'vitest';
import {
  DataError, SpecError, categoricalColumnWithIdentity, columnName, numBuckets, weightedCategoricalColumn,
} from '../../src/index.ts';
import {
  batch, float32Lists, float32Matrix, float32s, int64Lists, int64Matrix, rows, stringLists, thrown, transform, weightRows,
} from './util.ts';

const ids3 = () => categoricalColumnWithIdentity('ids', 3);

describe('weightedCategoricalColumn: construction', () => {
  it("is named '<categorical>_weighted_by_<weight key>' with the categorical column's buckets", () => {
    // TF: WeightedCategoricalColumnTest.test_defaults and test_deep_copy
    const column = weightedCategoricalColumn(ids3(), 'values');
    expect(columnName(column)).toBe('ids_weighted_by_values');
    expect(numBuckets(column)).toBe(3);
    expect(column.dtype).toBe('float32');
  });

  it('needs a float weight dtype', () => {
    // TF: WeightedCategoricalColumnTest.test_invalid_dtype_string ('is not convertible to float'). (test_invalid_dtype_none
    // is not ported: in JS an explicit null option means "not given", i.e. the float32 default.)
    expect(() => weightedCategoricalColumn(ids3(), 'values', { dtype: 'string' as never })).toThrow(SpecError);
  });

  it('rejects string ids and string weights', () => {
    // TF: WeightedCategoricalColumnTest.test_invalid_input_dtype ('Bad dtype')
    const column = weightedCategoricalColumn(ids3(), 'values');
    const strings = stringLists([['omar'], ['stringer', 'marlo']]);
    expect(() => transform([column], batch({ ids: strings, values: strings }))).toThrow(SpecError);
    const error = thrown(() => transform([column], batch({ ids: int64Lists([[0], [1, 0]]), values: strings })));
    expect(error).toBeInstanceOf(SpecError);
    expect(error.message).toContain("column 'ids_weighted_by_values'");
  });

  it('rejects a weight key equal to the id key', () => {
    // TF: WeightedCategoricalColumnTest.test_column_name_collision ('Parse config.*already exists')
    const run = () => {
      const column = weightedCategoricalColumn(categoricalColumnWithIdentity('aaa', 3), 'aaa');
      transform([column], batch({ aaa: int64Lists([[0], [1]]) }));
    };
    expect(run).toThrow(SpecError);
  });

  it('needs the weight feature in the data', () => {
    // TF: WeightedCategoricalColumnTest.test_missing_weights ('values is not in features dictionary')
    const column = weightedCategoricalColumn(ids3(), 'values');
    const error = thrown(() => transform([column], batch({ ids: int64Lists([[0], [1, 0]]) })));
    expect(error).toBeInstanceOf(SpecError);
    expect(error.message).toContain('values');
  });
});

describe('weightedCategoricalColumn: ids and weights', () => {
  it('pairs each id with the weight at the same position', () => {
    // TF: WeightedCategoricalColumnTest.test_transform_features (ids (0, 1, 0), weights (0.5, 1.0, 0.1))
    const column = weightedCategoricalColumn(ids3(), 'values');
    const fb = transform([column], batch({ ids: int64Lists([[0], [1, 0]]), values: float32Lists([[0.5], [1, 0.1]]) }));
    const out = fb.sparse.ids_weighted_by_values;
    expect(rows(out)).toEqual([[0], [1, 0]]);
    expect(out.weights).toBeInstanceOf(Float32Array);
    expect(weightRows(out)).toEqual([[0.5], [1, Math.fround(0.1)]]);
  });

  it('drops -1 from dense ids before pairing them with sparse weights', () => {
    // TF: WeightedCategoricalColumnTest.test_transform_features_dense_input (ids ((0, -1), (1, 0)) -> (0, 1, 0))
    const column = weightedCategoricalColumn(ids3(), 'values');
    const fb = transform([column], batch({ ids: int64Matrix([[0, -1], [1, 0]]), values: float32Lists([[0.5], [1, 0.1]]) }));
    expect(rows(fb.sparse.ids_weighted_by_values)).toEqual([[0], [1, 0]]);
    expect(weightRows(fb.sparse.ids_weighted_by_values)).toEqual([[0.5], [1, Math.fround(0.1)]]);
  });

  it('drops 0.0 cells from dense weights before pairing them with sparse ids', () => {
    // TF: WeightedCategoricalColumnTest.test_transform_features_dense_weights (weights ((.5, 0.), (1., .1)) -> (.5, 1., .1))
    const column = weightedCategoricalColumn(ids3(), 'values');
    const fb = transform([column], batch({ ids: int64Lists([[2], [1, 0]]), values: float32Matrix([[0.5, 0], [1, 0.1]], 2) }));
    expect(rows(fb.sparse.ids_weighted_by_values)).toEqual([[2], [1, 0]]);
    expect(weightRows(fb.sparse.ids_weighted_by_values)).toEqual([[0.5], [1, Math.fround(0.1)]]);
  });

  it('fails when a row has more weights than ids, naming the column and the row', () => {
    // TF: WeightedCategoricalColumnTest.test_old_linear_model_mismatched_shape ('Dimensions.*are not compatible')
    const column = weightedCategoricalColumn(ids3(), 'values');
    const input = batch({ ids: int64Lists([[0], [2, 1]]), values: float32Lists([[0.5, 11], [1, 0.1]]) });
    const error = thrown(() => transform([column], input));
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).column).toBe('ids_weighted_by_values');
    expect((error as DataError).row).toBe(0);
  });

  it('fails when dense weights give one value for a row of two ids', () => {
    // TF: WeightedCategoricalColumnTest.test_old_linear_model_mismatched_dense_values ('Incompatible shapes')
    const column = weightedCategoricalColumn(ids3(), 'values');
    const input = batch({ ids: int64Lists([[0], [2, 1]]), values: float32s([0.5, 1]) });
    const error = thrown(() => transform([column], input));
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).row).toBe(1);
  });
});
