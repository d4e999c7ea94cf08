/**
 * TF parity: crossed_column (SEMANTICS.md §8, §17), ported from TensorFlow's feature_column_v2_test.py
 * (CrossedColumnTest). Hashes use hash: 'tf' (FingerprintCat64 chained from hash_key, default 0xDECAFCAFFE).
 */
import { describe, expect, it } from 'vitest';
import {
  SpecError, bucketizedColumn, categoricalColumnWithHashBucket, categoricalColumnWithIdentity,
  categoricalColumnWithVocabularyList, columnName, compile, crossedColumn, embeddingLookup, numBuckets, numericColumn,
  weightedCategoricalColumn,
} from '../../src/index.ts';
import {
  batch, fetch, float32Lists, float32Matrix, int64Lists, int64s, rows, stringLists, strings, table, thrown, transform,
} from './util.ts';

describe('crossedColumn: construction', () => {
  it('needs at least two keys', () => {
    // TF: CrossedColumnTest.test_keys_empty and test_keys_length_one ('keys must be a list with length > 1')
    expect(() => crossedColumn([], 10)).toThrow(SpecError);
    expect(() => crossedColumn(['a'], 10)).toThrow(SpecError);
  });

  it('rejects a numeric key', () => {
    // TF: CrossedColumnTest.test_key_type_unsupported ('Unsupported key type')
    expect(() => crossedColumn(['a', numericColumn('c')], 10)).toThrow(SpecError);
  });

  it('rejects a hash bucket column, pointing to the feature name instead', () => {
    // TF: CrossedColumnTest.test_key_type_unsupported ('categorical_column_with_hash_bucket is not supported')
    const error = thrown(() => crossedColumn(['a', categoricalColumnWithHashBucket('c', 10)], 10));
    expect(error).toBeInstanceOf(SpecError);
    expect(error.message).toMatch(/hash/i);
  });

  it('needs hashBucketSize >= 1', () => {
    // TF: CrossedColumnTest.test_hash_bucket_size_negative, test_hash_bucket_size_zero, test_hash_bucket_size_none
    expect(() => crossedColumn(['a', 'c'], -1)).toThrow(SpecError);
    expect(() => crossedColumn(['a', 'c'], 0)).toThrow(SpecError);
    expect(() => crossedColumn(['a', 'c'], null as never)).toThrow(SpecError);
  });

  it("is named by its sorted leaf names joined by '_X_', flattening nested crosses", () => {
    // TF: CrossedColumnTest.test_name
    const b = bucketizedColumn(numericColumn('a', { dtype: 'int32' }), [0, 1]);
    const crossed1 = crossedColumn(['d1', 'd2'], 10);
    expect(columnName(crossedColumn([b, 'c', crossed1], 10))).toBe('a_bucketized_X_c_X_d1_X_d2');
  });

  it('does not depend on the order of the keys', () => {
    // TF: CrossedColumnTest.test_name_ordered_alphabetically and test_name_leaf_keys_ordered_alphabetically
    const b = bucketizedColumn(numericColumn('a', { dtype: 'int32' }), [0, 1]);
    expect(columnName(crossedColumn([crossedColumn(['d1', 'd2'], 10), 'c', b], 10))).toBe('a_bucketized_X_c_X_d1_X_d2');
    expect(columnName(crossedColumn([crossedColumn(['d2', 'c'], 10), 'd1', b], 10))).toBe('a_bucketized_X_c_X_d1_X_d2');
  });

  it('sorts leaf names by code point (Python str order)', () => {
    // TF: CrossedColumnTest.test_name_ordered_alphabetically (SEMANTICS §8: '_X_'.join(sorted(leaf names)))
    expect(columnName(crossedColumn(['b', 'a', 'B'], 10))).toBe('B_X_a_X_b');
  });

  it('has hashBucketSize buckets and keeps the hash key', () => {
    // TF: CrossedColumnTest.test_num_buckets and test_deep_copy
    const b = bucketizedColumn(numericColumn('a', { shape: [2], dtype: 'int32' }), [0, 1]);
    expect(numBuckets(crossedColumn([b, 'c'], 15))).toBe(15);
    const crossed2 = crossedColumn([b, 'c', crossedColumn(['d1', 'd2'], 10)], 15, { hashKey: 5 });
    expect(crossed2.hashBucketSize).toBe(15);
    expect(crossed2.hashKey).toBe(5);
  });

  it('rejects a weighted column', () => {
    // TF: CrossedColumnTest.test_old_linear_model_with_weights ('crossed_column does not support weight_tensor')
    const weighted = weightedCategoricalColumn(categoricalColumnWithIdentity('t', 5), 't_weights');
    const input = batch({ t: int64Lists([[0]]), t_weights: float32Lists([[1]]), c: stringLists([['cA']]) });
    expect(() => transform([crossedColumn([weighted as never, 'c'], 5, { hashKey: 5 })], input)).toThrow(SpecError);
  });
});

describe('crossedColumn: ids (hash: tf)', () => {
  it('gives the Cartesian product per row, every id in [0, hashBucketSize)', () => {
    // TF: CrossedColumnTest.test_transform_feature (row lengths 2 and 4; values in range(10))
    const price = bucketizedColumn(numericColumn('price', { shape: [2] }), [0, 50]);
    const cross = crossedColumn([price, 'wire'], 10);
    const input = batch({
      price: float32Matrix([[1, 2], [5, 6]], 2),
      wire: stringLists([['omar'], ['stringer', 'marlo']]),
    });
    const got = fetch([cross], input, 'price_bucketized_X_wire') as { ids: Int32Array; offsets: Int32Array };
    expect(Array.from(got.offsets)).toEqual([0, 2, 6]);
    for (const id of got.ids) expect(id >= 0 && id < 10).toBe(true);
  });

  it('matches TF exactly for a nested cross with a hash key', () => {
    // TF: CrossedColumnTest.test_get_sparse_tensors
    const b = bucketizedColumn(numericColumn('a', { dtype: 'int32', shape: [2] }), [0, 1]);
    const crossed1 = crossedColumn(['d1', 'd2'], 10);
    const crossed2 = crossedColumn([b, 'c', crossed1], 15, { hashKey: 5 });
    const input = batch({
      a: float32Matrix([[-1, 0.5], [0.5, 1]], 2),
      c: stringLists([['cA'], ['cB', 'cC']]),
      d1: stringLists([['d1A'], ['d1B', 'd1C']]),
      d2: stringLists([['d2A'], ['d2B', 'd2C']]),
    });
    const fb = transform([crossed2], input);
    expect(rows(fb.sparse.a_bucketized_X_c_X_d1_X_d2)).toEqual([
      [6, 14],
      [0, 13, 8, 8, 10, 12, 2, 0, 1, 9, 8, 12, 2, 0, 10, 11],
    ]);
  });

  it('matches TF exactly for a bucketized x string cross with a hash key', () => {
    // TF: CrossedColumnTest.test_get_sparse_tensors_simple ((1, 0, 1, 3, 4, 2))
    const b = bucketizedColumn(numericColumn('a', { dtype: 'int32', shape: [2] }), [0, 1]);
    const crossed = crossedColumn([b, 'c'], 5, { hashKey: 5 });
    const input = batch({ a: float32Matrix([[-1, 0.5], [0.5, 1]], 2), c: stringLists([['cA'], ['cB', 'cC']]) });
    expect(rows(transform([crossed], input).sparse.a_bucketized_X_c)).toEqual([[1, 0], [1, 3, 4, 2]]);
  });

  it('sums the weights of the crossed ids in a linear model', () => {
    // TF: CrossedColumnTest.test_old_linear_model (weights (1..5): ((3,), (14,)))
    const b = bucketizedColumn(numericColumn('a', { dtype: 'int32', shape: [2] }), [0, 1]);
    const crossed = crossedColumn([b, 'c'], 5, { hashKey: 5 });
    const input = batch({ a: float32Matrix([[-1, 0.5], [0.5, 1]], 2), c: stringLists([['cA'], ['cB', 'cC']]) });
    const ids = transform([crossed], input).sparse.a_bucketized_X_c;
    expect(Array.from(embeddingLookup(table([[1], [2], [3], [4], [5]]), 1, ids, 'sum'))).toEqual([3, 14]);
  });

  it("crosses ['a', 'b'] x ['d'] into [182, 454] with the default hash key", () => {
    // TF: CrossedColumnTest.test_get_sparse_tensors (SEMANTICS §17 [run]: ['a','b'] x ['d'], n=1000 -> [182, 454])
    const cross = crossedColumn(['x', 'y'], 1000);
    const input = batch({ x: stringLists([['a', 'b']]), y: stringLists([['d']]) });
    expect(rows(transform([cross], input).sparse.x_X_y)).toEqual([[182, 454]]);
  });

  it('crosses an int64 feature on its raw value, not its decimal string', () => {
    // TF: CrossedColumnTest.test_get_sparse_tensors (SEMANTICS §17 [run]: 101 x 'd', n=1000 -> 901)
    const cross = crossedColumn(['x', 'y'], 1000);
    expect(rows(transform([cross], batch({ x: int64Lists([[101]]), y: stringLists([['d']]) })).sparse.x_X_y)).toEqual([[901]]);
  });

  it('crosses a vocabulary OOV id as -1 (crosses do not prune it)', () => {
    // TF: CrossedColumnTest.test_get_sparse_tensors (SEMANTICS §8/§17 [run]: vocab OOV -1 x 'd', n=1000 -> 544)
    const vocab = categoricalColumnWithVocabularyList('x', ['a', 'b']);
    const cross = crossedColumn([vocab, 'y'], 1000);
    expect(rows(transform([cross], batch({ x: stringLists([['zzz']]), y: stringLists([['d']]) })).sparse.x_X_y)).toEqual([[544]]);
  });

  it("matches Keras HashedCrossing(5)'s documented example", () => {
    // TF: CrossedColumnTest.test_get_sparse_tensors (SEMANTICS §17 [run]: Keras HashedCrossing(num_bins=5),
    // ['A','B','A','B','A'] x [101,101,101,102,102] -> [1, 4, 1, 1, 3]; the same sparse_cross_hashed op)
    const cross = crossedColumn(['f1', 'f2'], 5);
    const input = batch({ f1: strings(['A', 'B', 'A', 'B', 'A']), f2: int64s([101, 101, 101, 102, 102]) });
    expect(rows(transform([cross], input).sparse.f1_X_f2)).toEqual([[1], [4], [1], [1], [3]]);
  });

  it("does not drop dense '' or -1 cells of raw string keys", () => {
    // TF: CrossedColumnTest.test_get_sparse_tensors (SEMANTICS §1 [run]: dense '' cells are hashed in crosses)
    const cross = crossedColumn(['x', 'y'], 1000);
    const input = batch({ x: strings(['', 'a']), y: int64s([-1, 7]) });
    const got = rows(transform([cross], input).sparse.x_X_y);
    expect(got.map((r) => r.length)).toEqual([1, 1]);
  });

  it('gives no ids for a row where any input is empty', () => {
    // TF: CrossedColumnTest.test_transform_feature (SEMANTICS §8: a row where any input is empty produces no ids)
    const cross = crossedColumn(['x', 'y'], 1000);
    const input = batch({ x: stringLists([['a', 'b'], [], null]), y: stringLists([['d'], ['d'], ['d']]) });
    expect(rows(transform([cross], input).sparse.x_X_y)).toEqual([[182, 454], [], []]);
  });

  it('computes a bucketized column used alone and in a cross once, with the same ids', () => {
    // TF: LazyColumnTest.test_transformations_called_once (a column used twice is transformed once)
    const b = bucketizedColumn(numericColumn('a', { shape: [2] }), [0, 1]);
    const crossed = crossedColumn([b, 'c'], 5, { hashKey: 5 });
    const input = batch({ a: float32Matrix([[-1, 0.5], [0.5, 1]], 2), c: stringLists([['cA'], ['cB', 'cC']]) });
    const graph = compile([b, crossed], input.schema, { hash: 'tf' });
    expect(graph.plan.nodes.filter((n) => n.op === 'bucketize')).toHaveLength(1);
    expect(graph.plan.nodes.filter((n) => n.op === 'numeric')).toHaveLength(1);
    const fb = graph.transform(input, { sparse: 'all' });
    expect(rows(fb.sparse.a_bucketized)).toEqual([[0, 4], [1, 5]]);
    expect(rows(fb.sparse.a_bucketized_X_c)).toEqual([[1, 0], [1, 3, 4, 2]]);
  });
});
