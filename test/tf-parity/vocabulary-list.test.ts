/**
 * TF parity: categorical_column_with_vocabulary_list (SEMANTICS.md §5), ported from TensorFlow's
 * feature_column_v2_test.py (VocabularyListCategoricalColumnTest). OOV hashes use hash: 'tf' (FarmHash Fingerprint64).
 * Session fetches keep TF's -1 ids; transform outputs omit them (DESIGN §5).
 */
import { Dictionary, Int32, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import {
  SpecError, categoricalColumnWithVocabularyList, columnName, embeddingLookup, numBuckets,
} from '../../src/index.ts';
import {
  batch, fetch, float32s, int32Lists, int64Lists, int64Matrix, int64s, rows, stringLists, stringMatrix, strings, table, thrown,
  transform,
} from './util.ts';

const WIRE = ['omar', 'stringer', 'marlo'];
const WARRIORS = [30, 35, 11, 23, 22];

describe('categoricalColumnWithVocabularyList: construction', () => {
  it('defaults to string dtype with one bucket per entry', () => {
    // TF: VocabularyListCategoricalColumnTest.test_defaults_string
    const column = categoricalColumnWithVocabularyList('aaa', WIRE);
    expect(columnName(column)).toBe('aaa');
    expect(column.key).toBe('aaa');
    expect(numBuckets(column)).toBe(3);
    expect(column.dtype).toBe('string');
  });

  it('infers int64 for an integer vocabulary', () => {
    // TF: VocabularyListCategoricalColumnTest.test_defaults_int
    const column = categoricalColumnWithVocabularyList('aaa', [12, 24, 36]);
    expect(numBuckets(column)).toBe(3);
    expect(column.dtype).toBe('int64');
  });

  it('accepts every constructor argument, including a negative default other than -1', () => {
    // TF: VocabularyListCategoricalColumnTest.test_all_constructor_args (dtype int32, default_value -99)
    const column = categoricalColumnWithVocabularyList('aaa', [12, 24, 36], { dtype: 'int32', defaultValue: -99 });
    expect(numBuckets(column)).toBe(3);
    expect(column.dtype).toBe('int32');
  });

  it('needs a string or integer dtype', () => {
    // TF: VocabularyListCategoricalColumnTest.test_invalid_dtype
    expect(() => categoricalColumnWithVocabularyList('aaa', WIRE, { dtype: 'float32' as never })).toThrow(SpecError);
  });

  it('rejects a float vocabulary', () => {
    // TF: VocabularyListCategoricalColumnTest.test_invalid_mapping_dtype (TF's (12., 24., 36.); 12. is an integer in JS)
    expect(() => categoricalColumnWithVocabularyList('aaa', [12.5, 24.5, 36.5])).toThrow(SpecError);
  });

  it('needs the dtype to match the vocabulary', () => {
    // TF: VocabularyListCategoricalColumnTest.test_mismatched_int_dtype and test_mismatched_string_dtype
    expect(() => categoricalColumnWithVocabularyList('aaa', WIRE, { dtype: 'int32' })).toThrow(SpecError);
    expect(() => categoricalColumnWithVocabularyList('aaa', [12, 24, 36], { dtype: 'string' })).toThrow(SpecError);
  });

  it('needs a non-empty vocabulary', () => {
    // TF: VocabularyListCategoricalColumnTest.test_none_mapping and test_empty_mapping
    expect(() => categoricalColumnWithVocabularyList('aaa', null as never)).toThrow(SpecError);
    const error = thrown(() => categoricalColumnWithVocabularyList('aaa', []));
    expect(error).toBeInstanceOf(SpecError);
    expect(error.message).toContain("column 'aaa'");
  });

  it('rejects duplicate keys', () => {
    // TF: VocabularyListCategoricalColumnTest.test_duplicate_mapping ('Duplicate keys')
    const error = thrown(() => categoricalColumnWithVocabularyList('aaa', [12, 24, 12]));
    expect(error).toBeInstanceOf(SpecError);
    expect(error.message).toContain("column 'aaa'");
  });

  it('needs numOovBuckets >= 0', () => {
    // TF: VocabularyListCategoricalColumnTest.test_invalid_num_oov_buckets
    expect(() => categoricalColumnWithVocabularyList('aaa', [12, 24, 36], { numOovBuckets: -1 })).toThrow(SpecError);
  });

  it("can't take both numOovBuckets and a default value", () => {
    // TF: VocabularyListCategoricalColumnTest.test_invalid_buckets_and_default_value
    const error = thrown(() => categoricalColumnWithVocabularyList('aaa', [12, 24, 36], { numOovBuckets: 100, defaultValue: 2 }));
    expect(error).toBeInstanceOf(SpecError);
    expect(error.message).toContain("column 'aaa'");
    // SEMANTICS §5: an explicit default_value=-1 with OOV buckets is fine.
    expect(numBuckets(categoricalColumnWithVocabularyList('aaa', [12, 24, 36], { numOovBuckets: 100, defaultValue: -1 }))).toBe(103);
  });

  it('rejects integer input for a string vocabulary', () => {
    // TF: VocabularyListCategoricalColumnTest.test_invalid_input_dtype_int32 ('dtype must be compatible')
    const column = categoricalColumnWithVocabularyList('aaa', WIRE);
    expect(() => transform([column], batch({ aaa: int64Lists([[12], [24, 36]]) }))).toThrow(SpecError);
  });

  it('rejects string input for an integer vocabulary', () => {
    // TF: VocabularyListCategoricalColumnTest.test_invalid_input_dtype_string ('dtype must be compatible')
    const column = categoricalColumnWithVocabularyList('aaa', [12, 24, 36]);
    expect(() => transform([column], batch({ aaa: stringLists([['omar'], ['stringer', 'marlo']]) }))).toThrow(SpecError);
  });
});

describe('categoricalColumnWithVocabularyList: ids', () => {
  const wire = categoricalColumnWithVocabularyList('aaa', WIRE);
  const sparse = () => batch({ aaa: stringLists([['marlo'], ['skywalker', 'omar']]) });

  it('looks ids up by position; OOV is -1 in the id tensor and absent from the output', () => {
    // TF: VocabularyListCategoricalColumnTest.test_get_sparse_tensors (values (2, -1, 0))
    expect(rows(fetch([wire], sparse(), 'aaa') as never)).toEqual([[2], [-1, 0]]);
    expect(rows(transform([wire], sparse()).sparse.aaa)).toEqual([[2], [0]]);
  });

  it('gives the same ids from the transform node', () => {
    // TF: VocabularyListCategoricalColumnTest.test_transform_feature
    expect(rows(fetch([wire], sparse(), 'aaa') as never)).toEqual([[2], [-1, 0]]);
  });

  it("drops '' from a dense [batch, 2] input", () => {
    // TF: VocabularyListCategoricalColumnTest.test_get_sparse_tensors_dense_input ((('marlo', ''), ('skywalker', 'omar')))
    const input = batch({ aaa: stringMatrix([['marlo', ''], ['skywalker', 'omar']]) });
    expect(rows(fetch([wire], input, 'aaa') as never)).toEqual([[2], [-1, 0]]);
  });

  it("drops '' from a dense one-value-per-row input", () => {
    // TF: VocabularyListCategoricalColumnTest.test_get_sparse_tensors_dense_input (rank-1 dense input; SEMANTICS §1)
    const input = batch({ aaa: strings(['marlo', '', 'skywalker', 'omar']) });
    expect(rows(fetch([wire], input, 'aaa') as never)).toEqual([[2], [], [-1], [0]]);
  });

  it('may map OOV to a default id that is also a vocabulary id', () => {
    // TF: VocabularyListCategoricalColumnTest.test_get_sparse_tensors_default_value_in_vocabulary ((2, 2, 0))
    const column = categoricalColumnWithVocabularyList('aaa', WIRE, { defaultValue: 2 });
    expect(rows(transform([column], sparse()).sparse.aaa)).toEqual([[2], [2, 0]]);
  });

  it("hashes OOV values into buckets after the vocabulary with TF's FarmHash", () => {
    // TF: VocabularyListCategoricalColumnTest.test_get_sparse_tensors_with_oov_buckets ((2, 33, 0, 62))
    const column = categoricalColumnWithVocabularyList('aaa', WIRE, { numOovBuckets: 100 });
    const input = batch({ aaa: stringLists([['marlo'], ['skywalker', 'omar', 'heisenberg']]) });
    const fb = transform([column], input);
    expect(rows(fb.sparse.aaa)).toEqual([[2], [33, 0, 62]]);
    expect(fb.sparse.aaa.cardinality).toBe(103);
  });

  it('looks up int32 input in an integer vocabulary', () => {
    // TF: VocabularyListCategoricalColumnTest.test_get_sparse_tensors_int32 ((2, -1, 0, 4))
    const column = categoricalColumnWithVocabularyList('aaa', WARRIORS, { dtype: 'int32' });
    const input = batch({ aaa: int32Lists([[11], [100, 30], [22]]) });
    expect(rows(fetch([column], input, 'aaa') as never)).toEqual([[2], [-1, 0], [4]]);
    expect(rows(transform([column], input).sparse.aaa)).toEqual([[2], [0], [4]]);
  });

  it('drops -1 cells of a dense integer input and maps OOV to a negative default', () => {
    // TF: VocabularyListCategoricalColumnTest.test_get_sparse_tensors_int32_dense_input (default -100; (2, -100, 0, 4))
    const column = categoricalColumnWithVocabularyList('aaa', WARRIORS, { dtype: 'int32', defaultValue: -100 });
    const input = batch({ aaa: int64Matrix([[11, -1, -1], [100, 30, -1], [-1, -1, 22]]) });
    expect(rows(fetch([column], input, 'aaa') as never)).toEqual([[2], [-100, 0], [4]]);
    expect(rows(transform([column], input).sparse.aaa)).toEqual([[2], [0], [4]]);
  });

  it('drops -1 cells of a dense one-value-per-row integer input', () => {
    // TF: VocabularyListCategoricalColumnTest.test_get_sparse_tensors_int32_dense_input (rank-1 dense input, default -1)
    const column = categoricalColumnWithVocabularyList('aaa', WARRIORS, { dtype: 'int32' });
    const input = batch({ aaa: int64s([11, -1, 100, 22]) });
    expect(rows(fetch([column], input, 'aaa') as never)).toEqual([[2], [], [-1], [4]]);
  });

  it('hashes integer OOV values through their decimal string', () => {
    // TF: VocabularyListCategoricalColumnTest.test_get_sparse_tensors_int32_with_oov_buckets ((2, 60, 0, 4))
    const column = categoricalColumnWithVocabularyList('aaa', WARRIORS, { dtype: 'int32', numOovBuckets: 100 });
    const input = batch({ aaa: int64Lists([[11], [100, 30], [22]]) });
    expect(rows(transform([column], input).sparse.aaa)).toEqual([[2], [60, 0], [4]]);
  });

  it('sends every OOV value to len(vocab) with one OOV bucket, as a linear model sees it', () => {
    // TF: VocabularyListCategoricalColumnTest.test_old_linear_model (num_oov_buckets=1; weights (1,2,3,4) -> ((3,), (5,)))
    const column = categoricalColumnWithVocabularyList('aaa', WIRE, { numOovBuckets: 1 });
    expect(numBuckets(column)).toBe(4);
    const fb = transform([column], sparse());
    expect(rows(fb.sparse.aaa)).toEqual([[2], [3, 0]]);
    expect(Array.from(embeddingLookup(table([[1], [2], [3], [4]]), 1, fb.sparse.aaa, 'sum'))).toEqual([3, 5]);
  });
});

describe('categoricalColumnWithVocabularyList: dense vs sparse sentinels (SEMANTICS §1 [run])', () => {
  it('drops a dense -1 even when -1 is in the vocabulary, but matches a sparse -1', () => {
    // TF: VocabularyListCategoricalColumnTest.test_get_sparse_tensors_int32_dense_input (SEMANTICS §1 [run])
    const column = categoricalColumnWithVocabularyList('aaa', [-1, 5]);
    expect(rows(fetch([column], batch({ aaa: int64s([-1, 5]) }), 'aaa') as never)).toEqual([[], [1]]);
    expect(rows(fetch([column], batch({ aaa: int64Lists([[-1], [5]]) }), 'aaa') as never)).toEqual([[0], [1]]);
  });

  it("never matches a dense '' against '' in the vocabulary, but matches a sparse ''", () => {
    // TF: VocabularyListCategoricalColumnTest.test_get_sparse_tensors_dense_input (SEMANTICS §1 [run])
    const column = categoricalColumnWithVocabularyList('aaa', ['', 'a']);
    expect(rows(fetch([column], batch({ aaa: strings(['', 'a']) }), 'aaa') as never)).toEqual([[], [1]]);
    expect(rows(fetch([column], batch({ aaa: stringLists([[''], ['a']]) }), 'aaa') as never)).toEqual([[0], [1]]);
  });

  it("applies the dense rules to a dictionary-encoded one-value-per-row column", () => {
    // TF: VocabularyListCategoricalColumnTest.test_get_sparse_tensors_dense_input (a dictionary-encoded Utf8 column is
    // still one value per row: '' is dropped, a null gives no id, OOV is -1)
    const column = categoricalColumnWithVocabularyList('aaa', WIRE);
    const dict = vectorFromArray(['marlo', '', null, 'skywalker', 'omar', 'marlo'], new Dictionary(new Utf8(), new Int32()));
    expect(rows(fetch([column], batch({ aaa: dict }), 'aaa') as never)).toEqual([[2], [], [], [-1], [0], [2]]);
  });

  it('matches exact bytes only: no case folding, no trimming', () => {
    // TF: VocabularyListCategoricalColumnTest.test_get_sparse_tensors (SEMANTICS §5 [run]: exact byte equality)
    const column = categoricalColumnWithVocabularyList('aaa', WIRE);
    const input = batch({ aaa: stringLists([['Omar', 'omar ', ' omar', 'omar']]) });
    expect(rows(fetch([column], input, 'aaa') as never)).toEqual([[-1, -1, -1, 0]]);
  });

  it('gives no id for an Arrow null (DESIGN §5)', () => {
    // TF: VocabularyListCategoricalColumnTest.test_get_sparse_tensors (a missing row has no ids)
    const column = categoricalColumnWithVocabularyList('aaa', WIRE);
    expect(rows(transform([column], batch({ aaa: strings(['omar', null]) })).sparse.aaa)).toEqual([[0], []]);
    expect(rows(transform([column], batch({ aaa: stringLists([null, ['marlo']]) })).sparse.aaa)).toEqual([[], [2]]);
  });

  it('rejects a float feature', () => {
    // TF: VocabularyListCategoricalColumnTest.test_invalid_input_dtype_int32 ('dtype must be compatible')
    const column = categoricalColumnWithVocabularyList('aaa', [1, 2]);
    expect(() => transform([column], batch({ aaa: float32s([1, 2]) }))).toThrow(SpecError);
  });
});
