/**
 * TF parity: bucketized_column (SEMANTICS.md §3), ported from TensorFlow's feature_column_v2_test.py
 * (BucketizedColumnTest). Expected values are TF's test values or SEMANTICS [run] values.
 */
import { describe, expect, it } from 'vitest';
import {
  SpecError, bucketizedColumn, categoricalColumnWithHashBucket, columnName, embeddingLookup, numBuckets, numericColumn,
} from '../../src/index.ts';
import { batch, denseRows, fetch, float32Matrix, float32s, float64s, int64s, rows, table, thrown, transform } from './util.ts';

describe('bucketizedColumn: construction', () => {
  it('needs a numeric source column', () => {
    // TF: BucketizedColumnTest.test_invalid_source_column_type
    const a = categoricalColumnWithHashBucket('aaa', 10);
    expect(() => bucketizedColumn(a as never, [0, 1])).toThrow(SpecError);
  });

  it('needs a one-dimensional source shape', () => {
    // TF: BucketizedColumnTest.test_invalid_source_column_shape
    const a = numericColumn('aaa', { shape: [2, 3] });
    const error = thrown(() => bucketizedColumn(a, [0, 1]));
    expect(error).toBeInstanceOf(SpecError);
    expect(error.message).toContain("column 'aaa_bucketized'");
  });

  it('needs non-empty, strictly increasing boundaries', () => {
    // TF: BucketizedColumnTest.test_invalid_boundaries
    const a = numericColumn('aaa');
    expect(() => bucketizedColumn(a, null as never)).toThrow(SpecError);
    expect(() => bucketizedColumn(a, 1 as never)).toThrow(SpecError);
    expect(() => bucketizedColumn(a, [1, 0])).toThrow(SpecError);
    expect(() => bucketizedColumn(a, [1, 1])).toThrow(SpecError);
    expect(() => bucketizedColumn(a, [])).toThrow(SpecError);
  });

  it("is named '<source>_bucketized'", () => {
    // TF: BucketizedColumnTest.test_name
    const b = bucketizedColumn(numericColumn('aaa', { dtype: 'int32' }), [0, 1]);
    expect(columnName(b)).toBe('aaa_bucketized');
  });

  it('has (n+1) buckets per source element', () => {
    // TF: BucketizedColumnTest.test_num_buckets and test_variable_shape (shape [2] x 3 buckets = 6; variable_shape (2, 3))
    const b = bucketizedColumn(numericColumn('aaa', { shape: [2], dtype: 'int32' }), [0, 1]);
    expect(numBuckets(b)).toBe(6);
    const fb = transform([b], batch({ aaa: float32Matrix([[0, 0]], 2) }));
    expect(fb.dense.shape).toEqual([1, 6]);
  });
});

describe('bucketizedColumn: buckets', () => {
  const price2 = bucketizedColumn(numericColumn('price', { shape: [2] }), [0, 2, 4, 6]);
  const price1 = bucketizedColumn(numericColumn('price', { shape: [1] }), [0, 2, 4, 6]);

  it('gives the bucket index of each element', () => {
    // TF: BucketizedColumnTest.test_transform_feature
    const input = batch({ price: float32Matrix([[-1, 1], [5, 6]], 2) });
    expect(Array.from(fetch([price2], input, 'price_bucketized') as Int32Array)).toEqual([0, 1, 3, 4]);
  });

  it('outputs a one-hot row for a [1] shape', () => {
    // TF: BucketizedColumnTest.test_get_dense_tensor_one_input_value
    const fb = transform([price1], batch({ price: float32s([-1, 1, 5, 6]) }));
    expect(denseRows(fb)).toEqual([[1, 0, 0, 0, 0], [0, 1, 0, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 0, 1]]);
  });

  it('outputs one one-hot block per element for a [2] shape', () => {
    // TF: BucketizedColumnTest.test_get_dense_tensor_two_input_values
    const fb = transform([price2], batch({ price: float32Matrix([[-1, 1], [5, 6]], 2) }));
    expect(denseRows(fb)).toEqual([
      [1, 0, 0, 0, 0, 0, 1, 0, 0, 0],
      [0, 0, 0, 1, 0, 0, 0, 0, 0, 1],
    ]);
  });

  it('gives one id per row as a categorical column', () => {
    // TF: BucketizedColumnTest.test_get_sparse_tensors_one_input_value
    const fb = transform([price1], batch({ price: float32s([-1, 1, 5, 6]) }), 'all');
    expect(rows(fb.sparse.price_bucketized)).toEqual([[0], [1], [3], [4]]);
  });

  it('offsets ids by (n+1) per element as a categorical column', () => {
    // TF: BucketizedColumnTest.test_get_sparse_tensors_two_input_values (values 0-4: first element, 5-9: second)
    const fb = transform([price2], batch({ price: float32Matrix([[-1, 1], [5, 6]], 2) }), 'all');
    expect(rows(fb.sparse.price_bucketized)).toEqual([[0, 6], [3, 9]]);
    expect(fb.sparse.price_bucketized.cardinality).toBe(10);
  });

  it('weights one bucket per row in a linear model (shape [1])', () => {
    // TF: BucketizedColumnTest.test_old_linear_model_one_input_value (weights 10..50 per bucket, sum combiner)
    const fb = transform([price1], batch({ price: float32s([-1, 1, 5, 6]) }), 'all');
    const out = embeddingLookup(table([[10], [20], [30], [40], [50]]), 1, fb.sparse.price_bucketized, 'sum');
    expect(Array.from(out)).toEqual([10, 20, 40, 50]);
  });

  it('weights one bucket per element in a linear model (shape [2])', () => {
    // TF: BucketizedColumnTest.test_old_linear_model_two_input_values (weights 10..100; [[80], [140]] before the bias)
    const fb = transform([price2], batch({ price: float32Matrix([[-1, 1], [5, 6]], 2) }), 'all');
    const weights = table([[10], [20], [30], [40], [50], [60], [70], [80], [90], [100]]);
    expect(Array.from(embeddingLookup(weights, 1, fb.sparse.price_bucketized, 'sum'))).toEqual([80, 140]);
  });
});

describe('bucketizedColumn: boundary rules (SEMANTICS §3 [run])', () => {
  const bucketsOf = (values: number[], boundaries: number[]) => {
    const col = bucketizedColumn(numericColumn('x'), boundaries);
    return Array.from(fetch([col], batch({ x: float32s(values) }), 'x_bucketized') as Int32Array);
  };

  it('is left-closed: a value equal to a boundary goes to the bucket on its right', () => {
    // TF: BucketizedColumnTest.test_transform_feature (SEMANTICS §3 [run]: [0,1,2], x [-1,0,0.5,1,2,3] -> [0,1,1,2,3,3])
    expect(bucketsOf([-1, 0, 0.5, 1, 2, 3], [0, 1, 2])).toEqual([0, 1, 1, 2, 3, 3]);
  });

  it('puts NaN and +inf in the last bucket, -inf in bucket 0, and -0.0 with 0.0', () => {
    // TF: BucketizedColumnTest.test_transform_feature (SEMANTICS §3 [run])
    expect(bucketsOf([NaN, Infinity, -Infinity, -0], [0, 1, 2])).toEqual([3, 3, 0, 1]);
  });

  it('compares in float32: float64 inputs and boundaries are rounded to float32 first', () => {
    // TF: BucketizedColumnTest.test_transform_feature (SEMANTICS §3 [run]: input cast to float32, boundaries are list(float))
    // 0.2999999999 (f64) < 0.3, but both round to the same float32, so it lands right of the boundary.
    const col = bucketizedColumn(numericColumn('x', { dtype: 'float64' }), [0.3]);
    const got = fetch([col], batch({ x: float64s([0.2999999999, 0.29]) }), 'x_bucketized') as Int32Array;
    expect(Array.from(got)).toEqual([1, 0]);
    // A boundary of 0.1000000001 rounds to float32(0.1), so x = 0.1 is not below it.
    const col2 = bucketizedColumn(numericColumn('x', { dtype: 'float64' }), [0.1000000001]);
    expect(Array.from(fetch([col2], batch({ x: float64s([0.1]) }), 'x_bucketized') as Int32Array)).toEqual([1]);
  });

  it('bucketizes int64 inputs after the float32 cast', () => {
    // TF: BucketizedColumnTest.test_transform_feature (SEMANTICS §2/§3: cast to float32 before bucketizing)
    // float32(16777216) == float32(16777217), so 16777216 is not below the boundary 16777217.
    const col = bucketizedColumn(numericColumn('x', { dtype: 'int64' }), [16777217]);
    expect(Array.from(fetch([col], batch({ x: int64s([16777216, 16777215]) }), 'x_bucketized') as Int32Array)).toEqual([1, 0]);
  });

  it("bucketizes the source column's normalized value", () => {
    // TF: BucketizedColumnTest.test_transform_feature (SEMANTICS §3: input is the source's transformed value)
    const col = bucketizedColumn(numericColumn('x', { normalizer: { zscore: { mean: 10, std: 2 } } }), [0, 1]);
    expect(Array.from(fetch([col], batch({ x: float32s([9, 10, 12, 13]) }), 'x_bucketized') as Int32Array)).toEqual([0, 1, 2, 2]);
  });
});
