/**
 * TF parity: embedding_column and safe_embedding_lookup_sparse (SEMANTICS.md §11, §12), ported from TensorFlow's
 * feature_column_v2_test.py (EmbeddingColumnTest, SharedEmbeddingColumnTest). The transform gives the ragged ids under
 * the embedding's name; embeddingLookup applies TF's lookup rules to a given table.
 */
import { describe, expect, it } from 'vitest';
import {
  SpecError, categoricalColumnWithIdentity, categoricalColumnWithVocabularyList, columnName, embeddingColumn, embeddingLookup,
  weightedCategoricalColumn,
} from '../../src/index.ts';
import { batch, float32Lists, int64Lists, int64Matrix, matrix, rows, stringLists, table, thrown, transform } from './util.ts';

/** TF's test table: ids 0, 1, 2. */
const TABLE = table([[1, 2], [3, 5], [7, 11]]);
/** TF's test input: example 0 ids [2], example 1 ids [0, 1], example 2 ids [], example 3 ids [1]. */
const SPARSE = () => batch({ aaa: int64Lists([[2], [0, 1], [], [1]]) });

const close = (got: Float32Array, width: number, want: number[][]) => {
  const m = matrix(got, width);
  expect(m).toHaveLength(want.length);
  m.forEach((row, r) => row.forEach((v, j) => expect(v).toBeCloseTo(want[r][j], 5)));
};

describe('embeddingColumn: construction', () => {
  it("has TF defaults: mean combiner, no checkpoint, no max norm, trainable, named '<categorical>_embedding'", () => {
    // TF: EmbeddingColumnTest.test_defaults
    const categorical = categoricalColumnWithIdentity('aaa', 3);
    const column = embeddingColumn(categorical, 2);
    expect(column.categoricalColumn).toBe(categorical);
    expect(column.dimension).toBe(2);
    expect(column.combiner).toBe('mean');
    expect(column.ckptToLoadFrom).toBeNull();
    expect(column.tensorNameInCkpt).toBeNull();
    expect(column.maxNorm).toBeNull();
    expect(column.trainable).toBe(true);
    expect(columnName(column)).toBe('aaa_embedding');
    // SEMANTICS §11: default initializer truncated_normal(mean 0, stddev 1/sqrt(dimension)).
    expect(column.initializer).toEqual({ truncatedNormal: { mean: 0, stddev: 1 / Math.sqrt(2), seed: null } });
  });

  it('keeps every constructor argument', () => {
    // TF: EmbeddingColumnTest.test_all_constructor_args and test_deep_copy (with a valid combiner: TF defers checking
    // 'my_combiner' to lookup time)
    const categorical = categoricalColumnWithIdentity('aaa', 3);
    const column = embeddingColumn(categorical, 2, {
      combiner: 'sqrtn', ckptToLoadFrom: 'my_ckpt', tensorNameInCkpt: 'my_ckpt_tensor', maxNorm: 42, trainable: false,
    });
    expect(column.combiner).toBe('sqrtn');
    expect(column.ckptToLoadFrom).toBe('my_ckpt');
    expect(column.tensorNameInCkpt).toBe('my_ckpt_tensor');
    expect(column.maxNorm).toBe(42);
    expect(column.trainable).toBe(false);
    expect(columnName(column)).toBe('aaa_embedding');
  });

  it('needs a categorical column and dimension >= 1', () => {
    // TF: EmbeddingColumnTest.test_invalid_initializer (construction checks; SEMANTICS §11: dimension >= 1)
    expect(() => embeddingColumn('aaa' as never, 2)).toThrow(SpecError);
    const error = thrown(() => embeddingColumn(categoricalColumnWithIdentity('aaa', 3), 0));
    expect(error).toBeInstanceOf(SpecError);
    expect(error.message).toContain("column 'aaa_embedding'");
  });

  it('needs ckptToLoadFrom and tensorNameInCkpt together', () => {
    // TF: EmbeddingColumnTest.test_all_constructor_args (SEMANTICS §11: both or neither)
    expect(() => embeddingColumn(categoricalColumnWithIdentity('aaa', 3), 2, { ckptToLoadFrom: 'my_ckpt' })).toThrow(SpecError);
  });
});

describe('embeddingColumn: ids and lookup', () => {
  it('passes the categorical ids through unchanged', () => {
    // TF: EmbeddingColumnTest.test_transform_feature
    const a = categoricalColumnWithIdentity('aaa', 3);
    const fb = transform([a, embeddingColumn(a, 2)], batch({ aaa: int64Lists([[0], [1, 0]]) }));
    expect(rows(fb.sparse.aaa_embedding)).toEqual([[0], [1, 0]]);
    expect(rows(fb.sparse.aaa)).toEqual(rows(fb.sparse.aaa_embedding));
  });

  it('looks up and averages per row; an empty row gives zeros', () => {
    // TF: EmbeddingColumnTest.test_get_dense_tensor and test_input_layer ([[7, 11], [2, 3.5], [0, 0], [3, 5]])
    const column = embeddingColumn(categoricalColumnWithIdentity('aaa', 3), 2);
    const ids = transform([column], SPARSE()).sparse.aaa_embedding;
    expect(ids).toMatchObject({ cardinality: 3, combiner: 'mean', dimension: 2 });
    expect(matrix(embeddingLookup(TABLE, 2, ids, 'mean'), 2)).toEqual([[7, 11], [2, 3.5], [0, 0], [3, 5]]);
  });

  it('feeds a linear model through the embedding', () => {
    // TF: EmbeddingColumnTest.test_old_linear_model (linear weights (4, 6): [94, 29, 0, 42])
    const column = embeddingColumn(categoricalColumnWithIdentity('aaa', 3), 2);
    const embedded = matrix(embeddingLookup(TABLE, 2, transform([column], SPARSE()).sparse.aaa_embedding, 'mean'), 2);
    expect(embedded.map(([x, y]) => 4 * x + 6 * y)).toEqual([94, 29, 0, 42]);
  });

  it('sums per row with the sum combiner', () => {
    // TF: EmbeddingColumnTest.test_get_dense_tensor (SEMANTICS §11: sum = Σ w e)
    const column = embeddingColumn(categoricalColumnWithIdentity('aaa', 3), 2, { combiner: 'sum' });
    const ids = transform([column], SPARSE()).sparse.aaa_embedding;
    expect(ids.combiner).toBe('sum');
    expect(matrix(embeddingLookup(TABLE, 2, ids, 'sum'), 2)).toEqual([[7, 11], [4, 7], [0, 0], [3, 5]]);
  });

  it('divides by sqrt(n) with the sqrtn combiner', () => {
    // TF: EmbeddingColumnTest.test_get_dense_tensor (SEMANTICS §11: sqrtn = Σ w e / sqrt(Σ w²))
    const ids = transform([embeddingColumn(categoricalColumnWithIdentity('aaa', 3), 2)], SPARSE()).sparse.aaa_embedding;
    close(embeddingLookup(TABLE, 2, ids, 'sqrtn'), 2, [[7, 11], [4 / Math.SQRT2, 7 / Math.SQRT2], [0, 0], [3, 5]]);
  });

  it('gives zeros for a row whose only id is OOV (the -1 id is not in the output)', () => {
    // TF: EmbeddingColumnTest.test_get_dense_tensor (SEMANTICS §11: ids < 0 pruned, empty row -> zeros)
    const vocab = categoricalColumnWithVocabularyList('aaa', ['omar', 'stringer', 'marlo']);
    const ids = transform([embeddingColumn(vocab, 2)], batch({ aaa: stringLists([['skywalker'], ['marlo', 'skywalker']]) })).sparse.aaa_embedding;
    expect(rows(ids)).toEqual([[], [2]]);
    expect(matrix(embeddingLookup(TABLE, 2, ids, 'mean'), 2)).toEqual([[0, 0], [7, 11]]);
  });

  it('prunes ids < 0 given directly to the lookup', () => {
    // TF: IdentityCategoricalColumnTest.test_get_sparse_tensors_with_inputs_too_small (ids (-9, 0), (-6, 1) -> ((1, 2), (3, 5)))
    const got = embeddingLookup(table([[1, 2], [3, 5]]), 2, { ids: Int32Array.from([-9, 0, -6, 1]), offsets: Int32Array.from([0, 2, 4]) }, 'mean');
    expect(matrix(got, 2)).toEqual([[1, 2], [3, 5]]);
  });

  it('fails on an id >= the table size', () => {
    // TF: IdentityCategoricalColumnTest.test_get_sparse_tensors_with_inputs_too_big ('indices[0] = 2 is not in [0, 2)')
    const ragged = { ids: Int32Array.from([2, 0]), offsets: Int32Array.from([0, 1, 2, 2, 2]) };
    expect(() => embeddingLookup(table([[1, 2], [3, 5]]), 2, ragged, 'mean')).toThrow();
  });
});

describe('embeddingLookup: weights and max norm (SEMANTICS §11 [run])', () => {
  const weighted = (w: number[][]) => {
    const column = embeddingColumn(weightedCategoricalColumn(categoricalColumnWithIdentity('aaa', 3), 'w'), 2);
    return transform([column], batch({ aaa: int64Lists(w.map((r) => r.map((_, i) => i))), w: float32Lists(w) }))
      .sparse.aaa_weighted_by_w_embedding;
  };

  it('weights each vector and divides by the weight sum (mean) or sqrt of squares (sqrtn)', () => {
    // TF: EmbeddingColumnTest.test_get_dense_tensor (SEMANTICS §11: mean = Σwe/Σw, sqrtn = Σwe/sqrt(Σw²))
    const ids = weighted([[1, 3]]);
    expect(Array.from(ids.weights!)).toEqual([1, 3]);
    close(embeddingLookup(TABLE, 2, ids, 'mean'), 2, [[(1 + 9) / 4, (2 + 15) / 4]]);
    close(embeddingLookup(TABLE, 2, ids, 'sqrtn'), 2, [[10 / Math.sqrt(10), 17 / Math.sqrt(10)]]);
    close(embeddingLookup(TABLE, 2, ids, 'sum'), 2, [[10, 17]]);
  });

  it('prunes weights <= 0 for mean and sqrtn but keeps them for sum', () => {
    // TF: OldLinearModelTest.test_sparse_combiner_with_negative_weights (SEMANTICS §11 [run]: with 'sum' they are kept)
    const negative = weighted([[1, -1]]);
    close(embeddingLookup(TABLE, 2, negative, 'mean'), 2, [[1, 2]]);
    close(embeddingLookup(TABLE, 2, negative, 'sqrtn'), 2, [[1, 2]]);
    close(embeddingLookup(TABLE, 2, negative, 'sum'), 2, [[1 - 3, 2 - 5]]);
    const zero = weighted([[2, 0]]);
    close(embeddingLookup(TABLE, 2, zero, 'mean'), 2, [[1, 2]]);
    close(embeddingLookup(TABLE, 2, zero, 'sum'), 2, [[2, 4]]);
  });

  it('gives zeros when every weight of a row is pruned', () => {
    // TF: EmbeddingColumnTest.test_get_dense_tensor (SEMANTICS §11: an emptied row -> zero vector)
    close(embeddingLookup(TABLE, 2, weighted([[0, -2]]), 'mean'), 2, [[0, 0]]);
  });

  it('clips each vector to maxNorm before combining', () => {
    // TF: EmbeddingColumnTest.test_all_constructor_args (max_norm; SEMANTICS §11: e <- e * min(1, max_norm / ||e||))
    const t = table([[3, 4], [0, 0.5]]);
    const ragged = { ids: Int32Array.from([0, 0, 1]), offsets: Int32Array.from([0, 1, 3]) };
    close(embeddingLookup(t, 2, ragged, 'mean', 1), 2, [[0.6, 0.8], [0.3, 0.65]]);
    close(embeddingLookup(t, 2, ragged, 'sum', 1), 2, [[0.6, 0.8], [0.6, 1.3]]);
  });

  it('sums weighted ids in a linear model', () => {
    // TF: WeightedCategoricalColumnTest.test_old_linear_model (weights (.5), (1, .1); W (1, 2, 3) -> ((.5,), (3.2,)))
    const column = weightedCategoricalColumn(categoricalColumnWithIdentity('ids', 3), 'values');
    const fb = transform([column], batch({ ids: int64Lists([[0], [2, 1]]), values: float32Lists([[0.5], [1, 0.1]]) }));
    close(embeddingLookup(table([[1], [2], [3]]), 1, fb.sparse.ids_weighted_by_values, 'sum'), 1, [[0.5], [3.2]]);
  });
});

describe('shared embeddings: two embedding columns over one table', () => {
  const SHARED = table([[1, 2], [3, 5], [7, 11], [9, 13]]);

  it('looks up each column with dense inputs whose -1 cells are ignored', () => {
    // TF: SharedEmbeddingColumnTest.test_get_dense_tensor (use_safe_embedding_lookup: a [[7, 11], [2, 3.5]], b [[1, 2], [0, 0]])
    const a = embeddingColumn(categoricalColumnWithIdentity('aaa', 4), 2);
    const b = embeddingColumn(categoricalColumnWithIdentity('bbb', 4), 2);
    const input = batch({ aaa: int64Matrix([[2, -1, -1], [0, 1, -1]]), bbb: int64Matrix([[0, -1, -1], [-1, -1, -1]]) });
    const fb = transform([a, b], input);
    expect(matrix(embeddingLookup(SHARED, 2, fb.sparse.aaa_embedding, 'mean'), 2)).toEqual([[7, 11], [2, 3.5]]);
    expect(matrix(embeddingLookup(SHARED, 2, fb.sparse.bbb_embedding, 'mean'), 2)).toEqual([[1, 2], [0, 0]]);
  });

  it('looks up each column with valid ids', () => {
    // TF: SharedEmbeddingColumnTest.test_get_dense_tensor_valid (a [[5, 8], [1, 2]], b [[3, 5], [5, 8]])
    const t = table([[1, 2], [3, 5], [7, 11]]);
    const a = embeddingColumn(categoricalColumnWithIdentity('aaa', 3), 2);
    const b = embeddingColumn(categoricalColumnWithIdentity('bbb', 3), 2);
    const input = batch({ aaa: int64Matrix([[2, 1], [0, -1]]), bbb: int64Matrix([[1, -1], [1, 2]]) });
    const fb = transform([a, b], input);
    expect(matrix(embeddingLookup(t, 2, fb.sparse.aaa_embedding, 'mean'), 2)).toEqual([[5, 8], [1, 2]]);
    expect(matrix(embeddingLookup(t, 2, fb.sparse.bbb_embedding, 'mean'), 2)).toEqual([[3, 5], [5, 8]]);
  });

  it('passes ids of both columns through unchanged', () => {
    // TF: SharedEmbeddingColumnTest.test_transform_feature
    const a = categoricalColumnWithIdentity('aaa', 3);
    const b = categoricalColumnWithIdentity('bbb', 3);
    const input = batch({ aaa: int64Lists([[0], [1, 0]]), bbb: int64Lists([[1], [2, 1]]) });
    const fb = transform([a, embeddingColumn(a, 2), b, embeddingColumn(b, 2)], input);
    expect(rows(fb.sparse.aaa_embedding)).toEqual(rows(fb.sparse.aaa));
    expect(rows(fb.sparse.bbb_embedding)).toEqual([[1], [2, 1]]);
  });
});
