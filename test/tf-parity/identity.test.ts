/**
 * TF parity: categorical_column_with_identity (SEMANTICS.md §4), ported from TensorFlow's feature_column_v2_test.py
 * (IdentityCategoricalColumnTest). DESIGN.md §5 deviation: without a default, an out-of-range id is a DataError naming
 * the column and the row (TF ignores it in an indicator and fails later in an embedding).
 */
import { Table } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import {
  DataError, SpecError, categoricalColumnWithIdentity, columnName, compile, embeddingColumn, embeddingLookup, numBuckets,
} from '../../src/index.ts';
import { batch, fetch, int32Lists, int64Lists, int64Matrix, int64s, rows, stringLists, table, thrown, transform } from './util.ts';

describe('categoricalColumnWithIdentity: construction', () => {
  it('is named by its key and has numBuckets buckets', () => {
    // TF: IdentityCategoricalColumnTest.test_constructor
    const column = categoricalColumnWithIdentity('aaa', 3);
    expect(columnName(column)).toBe('aaa');
    expect(column.key).toBe('aaa');
    expect(numBuckets(column)).toBe(3);
  });

  it('needs numBuckets >= 1', () => {
    // TF: IdentityCategoricalColumnTest.test_invalid_num_buckets_zero and test_invalid_num_buckets_negative
    for (const n of [0, -1]) {
      const error = thrown(() => categoricalColumnWithIdentity('aaa', n));
      expect(error).toBeInstanceOf(SpecError);
      expect(error.message).toContain("column 'aaa'");
    }
  });

  it('needs a default value in [0, numBuckets)', () => {
    // TF: IdentityCategoricalColumnTest.test_invalid_default_value_too_small and test_invalid_default_value_too_big
    expect(() => categoricalColumnWithIdentity('aaa', 3, { defaultValue: -1 })).toThrow(SpecError);
    expect(() => categoricalColumnWithIdentity('aaa', 3, { defaultValue: 3 })).toThrow(SpecError);
  });

  it('rejects string input', () => {
    // TF: IdentityCategoricalColumnTest.test_invalid_input_dtype ('Invalid input, not integer')
    const column = categoricalColumnWithIdentity('aaa', 3);
    const input = batch({ aaa: stringLists([['omar'], ['stringer', 'marlo']]) });
    const error = thrown(() => transform([column], input));
    expect(error).toBeInstanceOf(SpecError);
    expect(error.message).toContain("column 'aaa'");
  });
});

describe('categoricalColumnWithIdentity: ids', () => {
  it('passes in-range ids through', () => {
    // TF: IdentityCategoricalColumnTest.test_get_sparse_tensors
    const column = categoricalColumnWithIdentity('aaa', 3);
    const fb = transform([column], batch({ aaa: int64Lists([[0], [1, 0]]) }));
    expect(rows(fb.sparse.aaa)).toEqual([[0], [1, 0]]);
    expect(fb.sparse.aaa.cardinality).toBe(3);
  });

  it('gives the same ids from the transform node', () => {
    // TF: IdentityCategoricalColumnTest.test_transform_feature
    const column = categoricalColumnWithIdentity('aaa', 3);
    expect(rows(fetch([column], batch({ aaa: int64Lists([[0], [1, 0]]) }), 'aaa') as never)).toEqual([[0], [1, 0]]);
  });

  it('accepts int32 input', () => {
    // TF: IdentityCategoricalColumnTest.test_get_sparse_tensors_with_default_value_and_placeholder_inputs (int32 values)
    const column = categoricalColumnWithIdentity('aaa', 4, { defaultValue: 3 });
    const fb = transform([column], batch({ aaa: int32Lists([[1], [-1, 99]]) }));
    expect(rows(fb.sparse.aaa)).toEqual([[1], [3, 3]]);
  });

  it('drops -1 from a dense [batch, 2] input', () => {
    // TF: IdentityCategoricalColumnTest.test_get_sparse_tensors_dense_input ((0, -1), (1, 0) -> [[0], [1, 0]])
    const column = categoricalColumnWithIdentity('aaa', 3);
    const fb = transform([column], batch({ aaa: int64Matrix([[0, -1], [1, 0]]) }));
    expect(rows(fb.sparse.aaa)).toEqual([[0], [1, 0]]);
  });

  it('drops -1 from a dense one-value-per-row input', () => {
    // TF: IdentityCategoricalColumnTest.test_get_sparse_tensors_dense_input (rank-1 dense input; SEMANTICS §1)
    const column = categoricalColumnWithIdentity('aaa', 3);
    const fb = transform([column], batch({ aaa: int64s([0, -1, 2]) }));
    expect(rows(fb.sparse.aaa)).toEqual([[0], [], [2]]);
  });

  it('replaces every out-of-range id, including a sparse -1, with the default', () => {
    // TF: IdentityCategoricalColumnTest.test_get_sparse_tensors_with_default_value ((1, -1, 99) -> (1, 3, 3))
    const column = categoricalColumnWithIdentity('aaa', 4, { defaultValue: 3 });
    const input = batch({ aaa: int64Lists([[1], [-1, 99]]) });
    expect(rows(transform([column], input).sparse.aaa)).toEqual([[1], [3, 3]]);
    expect(rows(fetch([column], input, 'aaa') as never)).toEqual([[1], [3, 3]]);
  });

  it('drops a dense -1 before the default applies', () => {
    // TF: IdentityCategoricalColumnTest.test_get_sparse_tensors_with_default_value (SEMANTICS §1/§4: dense -1 is removed first)
    const column = categoricalColumnWithIdentity('aaa', 4, { defaultValue: 3 });
    expect(rows(transform([column], batch({ aaa: int64s([1, -1, 99]) })).sparse.aaa)).toEqual([[1], [], [3]]);
  });

  it('gives no id for an Arrow null (DESIGN §5)', () => {
    // TF: IdentityCategoricalColumnTest.test_get_sparse_tensors (a missing sparse row has no ids)
    const column = categoricalColumnWithIdentity('aaa', 3);
    const fb = transform([column], batch({ aaa: int64Lists([[0], null, [2]]) }));
    expect(rows(fb.sparse.aaa)).toEqual([[0], [], [2]]);
    expect(rows(transform([column], batch({ aaa: int64s([1, null]) })).sparse.aaa)).toEqual([[1], []]);
  });

  it('sums weights of the ids in a linear model', () => {
    // TF: IdentityCategoricalColumnTest.test_old_linear_model (weights (1, 2, 3); predictions ((1,), (5,)))
    const column = categoricalColumnWithIdentity('aaa', 3);
    const fb = transform([column], batch({ aaa: int64Lists([[0], [2, 1]]) }));
    expect(Array.from(embeddingLookup(table([[1], [2], [3]]), 1, fb.sparse.aaa, 'sum'))).toEqual([1, 5]);
  });
});

describe('categoricalColumnWithIdentity: out-of-range ids without a default (DESIGN §5)', () => {
  const embedded = embeddingColumn(categoricalColumnWithIdentity('aaa', 2), 2);

  it('fails on negative ids, naming the column and the row', () => {
    // TF: IdentityCategoricalColumnTest.test_get_sparse_tensors_with_inputs_too_small (TF prunes -9 and -6 in the
    // embedding and gives ((1, 2), (3, 5)); DESIGN §5 makes the out-of-range id an error instead)
    const input = batch({ aaa: int64Lists([[-9, 0], [-6, 1]]) });
    const error = thrown(() => transform([embedded], input));
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).column).toBe('aaa');
    expect((error as DataError).row).toBe(0);
    expect(error.message).toContain("column 'aaa'");
  });

  it('fails on ids >= numBuckets, naming the column and the row', () => {
    // TF: IdentityCategoricalColumnTest.test_get_sparse_tensors_with_inputs_too_big ('indices[0] = 2 is not in [0, 2)')
    const input = batch({ aaa: int64Lists([[2], [0], [], []]) });
    const error = thrown(() => transform([embedded], input));
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).row).toBe(0);
  });

  it('reports the row of the first bad id, counted over the whole table', () => {
    // TF: IdentityCategoricalColumnTest.test_get_sparse_tensors_with_inputs_too_big (same failure, later row)
    const first = batch({ aaa: int64Lists([[0], [1]]) });
    const second = batch({ aaa: int64Lists([[1], [0], [5]]) });
    const input = new Table([first, second]);
    const error = thrown(() => compile([embedded], first.schema, { hash: 'tf' }).transform(input));
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).row).toBe(4);
  });
});
