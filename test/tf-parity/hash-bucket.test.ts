/**
 * TF parity: categorical_column_with_hash_bucket (SEMANTICS.md §7, §17), ported from TensorFlow's
 * feature_column_v2_test.py (HashedCategoricalColumnTest, OldLinearModelTest). All hashes use hash: 'tf'.
 */
import { describe, expect, it } from 'vitest';
import {
  SpecError, categoricalColumnWithHashBucket, columnName, embeddingLookup, numBuckets, weightedCategoricalColumn,
} from '../../src/index.ts';
import {
  batch, fetch, float32Lists, float32s, int32Lists, int64Lists, int64s, rows, stringLists, stringMatrix, strings, table, thrown,
  transform,
} from './util.ts';

describe('categoricalColumnWithHashBucket: construction', () => {
  it('is named by its key, string by default, with hashBucketSize buckets', () => {
    // TF: HashedCategoricalColumnTest.test_defaults and test_deep_copy
    const a = categoricalColumnWithHashBucket('aaa', 10);
    expect(columnName(a)).toBe('aaa');
    expect(a.key).toBe('aaa');
    expect(a.hashBucketSize).toBe(10);
    expect(numBuckets(a)).toBe(10);
    expect(a.dtype).toBe('string');
  });

  it('needs a hash bucket size', () => {
    // TF: HashedCategoricalColumnTest.test_bucket_size_should_be_given
    expect(() => categoricalColumnWithHashBucket('aaa', null as never)).toThrow(SpecError);
  });

  it('needs hashBucketSize >= 1', () => {
    // TF: HashedCategoricalColumnTest.test_bucket_size_should_be_positive
    const error = thrown(() => categoricalColumnWithHashBucket('aaa', 0));
    expect(error).toBeInstanceOf(SpecError);
    expect(error.message).toContain("column 'aaa'");
  });

  it('needs a string or integer dtype', () => {
    // TF: HashedCategoricalColumnTest.test_dtype_should_be_string_or_integer
    expect(categoricalColumnWithHashBucket('aaa', 10, { dtype: 'string' }).dtype).toBe('string');
    expect(categoricalColumnWithHashBucket('aaa', 10, { dtype: 'int32' }).dtype).toBe('int32');
    expect(() => categoricalColumnWithHashBucket('aaa', 10, { dtype: 'float32' as never })).toThrow(SpecError);
  });

  it('rejects a float feature', () => {
    // TF: HashedCategoricalColumnTest.test_tensor_dtype_should_be_string_or_integer ('dtype must be string or integer')
    const column = categoricalColumnWithHashBucket('a_float', 10, { dtype: 'string' });
    expect(() => transform([column], batch({ a_float: float32s([101]) }))).toThrow(SpecError);
  });

  it('rejects string input for an integer column', () => {
    // TF: HashedCategoricalColumnTest.test_dtype_should_match_with_tensor ('dtype must be compatible')
    const column = categoricalColumnWithHashBucket('wire', 10, { dtype: 'int64' });
    const error = thrown(() => transform([column], batch({ wire: stringLists([['omar']]) })));
    expect(error).toBeInstanceOf(SpecError);
    expect(error.message).toContain("column 'wire'");
  });
});

describe('categoricalColumnWithHashBucket: ids (hash: tf)', () => {
  const wire = categoricalColumnWithHashBucket('wire', 10);

  it('hashes strings with Fingerprint64 mod n', () => {
    // TF: HashedCategoricalColumnTest.test_strings_should_be_hashed ([6, 4, 1])
    const fb = transform([wire], batch({ wire: stringLists([['omar'], ['stringer', 'marlo']]) }));
    expect(rows(fb.sparse.wire)).toEqual([[6], [4, 1]]);
    expect(fb.sparse.wire.cardinality).toBe(10);
  });

  it('gives the same ids from the transform node', () => {
    // TF: HashedCategoricalColumnTest.test_get_sparse_tensors
    expect(rows(fetch([wire], batch({ wire: stringLists([['omar'], ['stringer', 'marlo']]) }), 'wire') as never)).toEqual([[6], [4, 1]]);
  });

  it('hashes int64 values through their decimal string', () => {
    // TF: HashedCategoricalColumnTest.test_ints_should_be_hashed ([3, 7, 5])
    const column = categoricalColumnWithHashBucket('wire', 10, { dtype: 'int64' });
    expect(rows(transform([column], batch({ wire: int64Lists([[101], [201, 301]]) })).sparse.wire)).toEqual([[3], [7, 5]]);
  });

  it('accepts int32 input for an int64 column', () => {
    // TF: HashedCategoricalColumnTest.test_int32_64_is_compatible ([3, 7, 5])
    const column = categoricalColumnWithHashBucket('wire', 10, { dtype: 'int64' });
    expect(rows(transform([column], batch({ wire: int32Lists([[101], [201, 301]]) })).sparse.wire)).toEqual([[3], [7, 5]]);
  });

  it("drops '' from a dense [batch, 2] input", () => {
    // TF: HashedCategoricalColumnTest.test_get_sparse_tensors_dense_input ((('omar', ''), ('stringer', 'marlo')))
    const fb = transform([wire], batch({ wire: stringMatrix([['omar', ''], ['stringer', 'marlo']]) }));
    expect(rows(fb.sparse.wire)).toEqual([[6], [4, 1]]);
  });

  it("drops '' and nulls from a dense one-value-per-row input", () => {
    // TF: HashedCategoricalColumnTest.test_get_sparse_tensors_dense_input (rank-1 dense input; SEMANTICS §1, DESIGN §5)
    const fb = transform([wire], batch({ wire: strings(['omar', '', null, 'marlo']) }));
    expect(rows(fb.sparse.wire)).toEqual([[6], [], [], [1]]);
  });

  it("drops -1 from a dense integer input, but hashes a sparse -1 as '-1'", () => {
    // TF: HashedCategoricalColumnTest.test_ints_should_be_hashed (SEMANTICS §1/§7: dense -1 dropped first; sparse kept)
    const column = categoricalColumnWithHashBucket('wire', 10, { dtype: 'int64' });
    expect(rows(transform([column], batch({ wire: int64s([101, -1]) })).sparse.wire)).toEqual([[3], []]);
    expect(rows(transform([column], batch({ wire: int64Lists([[-1]]) })).sparse.wire)[0]).toHaveLength(1);
  });

  it("hashes a sparse '' like any string", () => {
    // TF: HashedCategoricalColumnTest.test_strings_should_be_hashed (SEMANTICS §17: Fingerprint64("") =
    // 11160318154034397263, which is 3 mod 10)
    expect(rows(transform([wire], batch({ wire: stringLists([['']]) })).sparse.wire)).toEqual([[3]]);
  });

  it('gives omar -> 2, stringer -> 0, marlo -> 3 with 4 buckets', () => {
    // TF: OldLinearModelTest.test_sparse_bias (values=['omar', 'stringer', 'marlo'], "hashed to = [2, 0, 3]")
    const column = categoricalColumnWithHashBucket('wire_cast', 4);
    const fb = transform([column], batch({ wire_cast: stringLists([['omar'], ['stringer', 'marlo']]) }));
    expect(rows(fb.sparse.wire_cast)).toEqual([[2], [0, 3]]);
  });
});

describe('categoricalColumnWithHashBucket: linear model sums (via embeddingLookup)', () => {
  const wireCast = categoricalColumnWithHashBucket('wire_cast', 4);
  const W = table([[10], [100], [1000], [10000]]);
  const input = () => batch({ wire_cast: stringLists([['omar'], ['stringer', 'marlo']]) });

  it('sums the weights of the hashed ids', () => {
    // TF: HashedCategoricalColumnTest.test_old_linear_model ('marlo' -> 3, 'skywalker' -> 2, 'omar' -> 2: ((4,), (6,)))
    const wire = categoricalColumnWithHashBucket('wire', 4);
    const fb = transform([wire], batch({ wire: stringLists([['marlo'], ['skywalker', 'omar']]) }));
    expect(Array.from(embeddingLookup(table([[1], [2], [3], [4]]), 1, fb.sparse.wire, 'sum'))).toEqual([4, 6]);
  });

  it('gives [1005, 10015] with bias 5', () => {
    // TF: OldLinearModelTest.test_sparse_bias
    const fb = transform([wireCast], input());
    expect(Array.from(embeddingLookup(W, 1, fb.sparse.wire_cast, 'sum')).map((v) => v + 5)).toEqual([1005, 10015]);
  });

  it('gives one sum per unit with 3 units', () => {
    // TF: OldLinearModelTest.test_sparse_multi_output ([[1005, 1106, 1207], [10015, 11017, 12019]] with bias [5, 6, 7])
    const W3 = table([[10, 11, 12], [100, 110, 120], [1000, 1100, 1200], [10000, 11000, 12000]]);
    const out = Array.from(embeddingLookup(W3, 3, transform([wireCast], input()).sparse.wire_cast, 'sum'));
    const bias = [5, 6, 7];
    expect(out.map((v, i) => v + bias[i % 3])).toEqual([1005, 1106, 1207, 10015, 11017, 12019]);
  });

  it("averages per row with the 'mean' combiner", () => {
    // TF: OldLinearModelTest.test_sparse_combiner ([[1005], [5010]] with bias 5)
    const fb = transform([wireCast], input());
    expect(Array.from(embeddingLookup(W, 1, fb.sparse.wire_cast, 'mean')).map((v) => v + 5)).toEqual([1005, 5010]);
  });

  it("keeps negative weights with the 'sum' combiner", () => {
    // TF: OldLinearModelTest.test_sparse_combiner_with_negative_weights (weights [1], [1, -1]: [[1005], [-9985]])
    const weighted = weightedCategoricalColumn(wireCast, 'weights');
    const fb = transform([weighted], batch({
      wire_cast: stringLists([['omar'], ['stringer', 'marlo']]),
      weights: float32Lists([[1], [1, -1]]),
    }));
    const ids = fb.sparse.wire_cast_weighted_by_weights;
    expect(Array.from(embeddingLookup(W, 1, ids, 'sum')).map((v) => v + 5)).toEqual([1005, -9985]);
  });
});
