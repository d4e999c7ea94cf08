/**
 * TF parity: numeric_column (SEMANTICS.md §2), ported from TensorFlow's feature_column_v2_test.py
 * (NumericColumnTest, FunctionalInputLayerTest). Expected values are TF's; inputs follow util.ts's mapping.
 */
import { Int64, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { DataError, SpecError, columnName, numericColumn, toConfig } from '../../src/index.ts';
import { batch, denseRows, float32Matrix, float32s, float64s, int64s, thrown, transform } from './util.ts';

describe('numericColumn: construction', () => {
  it('has TF defaults: name = key, shape (1,), no default, float32, no normalizer', () => {
    // TF: NumericColumnTest.test_defaults
    const a = numericColumn('aaa');
    expect(columnName(a)).toBe('aaa');
    expect(a.key).toBe('aaa');
    expect(a.shape).toEqual([1]);
    expect(a.defaultValue).toBeNull();
    expect(a.dtype).toBe('float32');
    expect(a.normalizer).toBeNull();
  });

  it('keeps a multi-dimensional shape', () => {
    // TF: NumericColumnTest.test_shape_saved_as_tuple
    const a = numericColumn('aaa', { shape: [1, 2], defaultValue: [[3, 2]] });
    expect(a.shape).toEqual([1, 2]);
  });

  it('stores the default per element and serializes it nested like the shape', () => {
    // TF: NumericColumnTest.test_default_value_saved_as_tuple
    expect(numericColumn('aaa', { defaultValue: 4 }).defaultValue).toEqual([4]);
    const a = numericColumn('aaa', { shape: [1, 2], defaultValue: [[3, 2]] });
    expect(toConfig([a])[0].config.default_value).toEqual([[3, 2]]); // TF: ((3., 2.),)
  });

  it('checks the default against the shape', () => {
    // TF: NumericColumnTest.test_shape_and_default_value_compatibility
    expect(numericColumn('aaa', { shape: [2], defaultValue: [1, 2] }).defaultValue).toEqual([1, 2]);
    expect(() => numericColumn('aaa', { shape: [2], defaultValue: [1, 2, 3] })).toThrow(SpecError);
    expect(() => numericColumn('aaa', { shape: [3, 1], defaultValue: [[2, 3], [1, 2], [2, 3]] })).toThrow(SpecError);
    expect(() => numericColumn('aaa', { shape: [3, 3], defaultValue: [[2, 3], [1, 2], [2, 3]] })).toThrow(SpecError);
  });

  it('rejects a nested default whose nesting does not match the shape, even with the right element count', () => {
    // TF: NumericColumnTest.test_shape_and_default_value_compatibility (utils.check_default_value compares the nested
    // shape, SEMANTICS §2 "nested iterable matching shape"): a [3, 2] default for shape [2, 3] is 'The shape of default_value' error.
    expect(() => numericColumn('aaa', { shape: [2, 3], defaultValue: [[2, 3], [1, 2], [2, 3]] })).toThrow(SpecError);
  });

  it('accepts an integer default for float and int dtypes but not a fraction for an int dtype', () => {
    // TF: NumericColumnTest.test_default_value_type_check (TF's 2. is a float; JS has no such literal, so 2.5 stands in)
    numericColumn('aaa', { shape: [2], defaultValue: [1, 2], dtype: 'float32' });
    numericColumn('aaa', { shape: [2], defaultValue: [1, 2], dtype: 'int32' });
    const error = thrown(() => numericColumn('aaa', { shape: [2], defaultValue: [1, 2.5], dtype: 'int32' }));
    expect(error).toBeInstanceOf(SpecError);
    expect(error.message).toContain("column 'aaa'");
    expect(() => numericColumn('aaa', { defaultValue: ['string'] as unknown as number[] })).toThrow(SpecError);
  });

  it('needs positive integer shape dimensions', () => {
    // TF: NumericColumnTest.test_shape_must_be_positive_integer
    expect(() => numericColumn('aaa', { shape: [1.5] })).toThrow(SpecError);
    expect(() => numericColumn('aaa', { shape: [0] })).toThrow(SpecError);
  });

  it('needs a dtype convertible to float', () => {
    // TF: NumericColumnTest.test_dtype_is_convertible_to_float
    const error = thrown(() => numericColumn('aaa', { dtype: 'string' as never }));
    expect(error).toBeInstanceOf(SpecError);
    expect(error.message).toContain("column 'aaa'");
  });

  it('broadcasts a scalar default over the whole shape', () => {
    // TF: NumericColumnTest.test_scalar_default_value_fills_the_shape
    const a = numericColumn('aaa', { shape: [2, 3], defaultValue: 2 });
    expect(a.defaultValue).toEqual([2, 2, 2, 2, 2, 2]);
    expect(toConfig([a])[0].config.default_value).toEqual([[2, 2, 2], [2, 2, 2]]);
  });
});

describe('numericColumn: transform', () => {
  it('reads a present [2]-shaped value without a default', () => {
    // TF: NumericColumnTest.test_parse_example_no_default_value
    const price = numericColumn('price', { shape: [2] });
    const fb = transform([price], batch({ price: float32Matrix([[20, 110]], 2) }));
    expect(denseRows(fb)).toEqual([[20, 110]]);
  });

  it('fills a missing example with the default value', () => {
    // TF: NumericColumnTest.test_parse_example_with_default_value (an Arrow null row = the example without 'price')
    const price = numericColumn('price', { shape: [2], defaultValue: 11 });
    const fb = transform([price], batch({ price: float32Matrix([[20, 110], null], 2) }));
    expect(denseRows(fb)).toEqual([[20, 110], [11, 11]]);
  });

  it('fails on a missing value without a default, naming the column and the row (DESIGN §5)', () => {
    // TF: NumericColumnTest.test_parse_example_with_default_value (without default_value, parse_example fails on the
    // example that lacks the feature; DESIGN §5: a null numeric without defaultValue is an error naming the row)
    const price = numericColumn('price');
    const error = thrown(() => transform([price], batch({ price: float32s([1, 2, null]) })));
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).column).toBe('price');
    expect((error as DataError).row).toBe(2);
  });

  it('applies the normalizer before the output (x + 2 as zscore with mean -2, std 1)', () => {
    // TF: NumericColumnTest.test_normalizer_fn_transform_feature (normalizer_fn = x + 2.)
    const price = numericColumn('price', { shape: [2], normalizer: { zscore: { mean: -2, std: 1 } } });
    const fb = transform([price], batch({ price: float32Matrix([[1, 2], [5, 6]], 2) }));
    expect(denseRows(fb)).toEqual([[3, 4], [7, 8]]);
  });

  it('applies the minmax and log1p normalizers', () => {
    // TF: NumericColumnTest.test_get_dense_tensor (normalizer_fn applied in get_dense_tensor; our declarative normalizers)
    const mm = numericColumn('a', { normalizer: { minmax: { min: 0, max: 10 } } });
    const lg = numericColumn('b', { normalizer: 'log1p' });
    const fb = transform([mm, lg], batch({ a: float32s([5, 10]), b: float64s([0, Math.E - 1]) }));
    const got = denseRows(fb);
    expect(got[0]).toEqual([0.5, 0]);
    expect(got[1][0]).toBe(1);
    expect(got[1][1]).toBeCloseTo(1, 6);
  });

  it('passes NaN through unchanged', () => {
    // TF: NumericColumnTest.test_get_dense_tensor (SEMANTICS §1 [run]: NaN passes through numeric_column unchanged)
    const price = numericColumn('price');
    const fb = transform([price], batch({ price: float32s([1, NaN]) }));
    expect(fb.dense.values[0]).toBe(1);
    expect(Number.isNaN(fb.dense.values[1])).toBe(true);
  });

  it('casts int64 and float64 input to float32', () => {
    // TF: NumericColumnTest.test_get_dense_tensor (SEMANTICS §2: cast(x, float32) after the normalizer)
    const a = numericColumn('a', { dtype: 'int64' });
    const b = numericColumn('b', { dtype: 'float64' });
    const fb = transform([a, b], batch({ a: int64s([16777217, -3]), b: float64s([0.1, 1e40]) }));
    expect(fb.dense.values).toBeInstanceOf(Float32Array);
    expect(denseRows(fb)).toEqual([[16777216, Math.fround(0.1)], [-3, Infinity]]);
  });

  it('rounds int64 to float32 once, not through float64', () => {
    // TF: NumericColumnTest.test_get_dense_tensor (SEMANTICS §2: cast(x, float32) of the int64 tensor, one IEEE
    // round-to-nearest step). 2^60 + 2^36 + 1 lies just above the float32 midpoint 2^60 + 2^36, so it rounds up to
    // 2^60 + 2^37; going through float64 first loses the +1, lands on the midpoint and ties to even (down to 2^60).
    const a = numericColumn('a', { dtype: 'int64' });
    const x = (1n << 60n) + (1n << 36n) + 1n;
    const input = batch({ a: vectorFromArray([x], new Int64()) });
    expect(transform([a], input).dense.values[0]).toBe(2 ** 60 + 2 ** 37);
  });

  it('outputs one column as [batch, 1]', () => {
    // TF: FunctionalInputLayerTest.test_one_column
    const fb = transform([numericColumn('price')], batch({ price: float32s([1, 5]) }));
    expect(fb.dense.shape).toEqual([2, 1]);
    expect(denseRows(fb)).toEqual([[1], [5]]);
  });

  it('outputs a [2] shape as two values per row', () => {
    // TF: FunctionalInputLayerTest.test_multi_dimension
    const fb = transform([numericColumn('price', { shape: 2 })], batch({ price: float32Matrix([[1, 2], [5, 6]], 2) }));
    expect(denseRows(fb)).toEqual([[1, 2], [5, 6]]);
  });

  it('flattens a [1, 2] shape row-major', () => {
    // TF: FunctionalInputLayerTest.test_reshaping
    const fb = transform([numericColumn('price', { shape: [1, 2] })], batch({ price: float32Matrix([[1, 2], [5, 6]], 2) }));
    expect(denseRows(fb)).toEqual([[1, 2], [5, 6]]);
  });

  it('concatenates several numeric columns', () => {
    // TF: FunctionalInputLayerTest.test_multi_column
    const price1 = numericColumn('price1', { shape: 2 });
    const price2 = numericColumn('price2');
    const fb = transform([price1, price2], batch({ price1: float32Matrix([[1, 2], [5, 6]], 2), price2: float32s([3, 4]) }));
    expect(denseRows(fb)).toEqual([[1, 2, 3], [5, 6, 4]]);
  });

  it('rejects a feature with fewer values than the shape needs', () => {
    // TF: FunctionalInputLayerTest.test_raises_if_shape_mismatch ('Cannot reshape a tensor with 2 elements to shape [2,2]')
    const price = numericColumn('price', { shape: 2 });
    const input = batch({ price: float32s([1, 5]) });
    const error = thrown(() => transform([price], input));
    expect(error.message).toContain("column 'price'");
  });
});
