/**
 * TF parity: categorical_column_with_vocabulary_file (SEMANTICS.md §6), ported from TensorFlow's
 * feature_column_v2_test.py (VocabularyFileCategoricalColumnTest). fixtures/vocab/ holds copies of TF's testdata
 * (wire_vocabulary.txt, warriors_vocabulary.txt) and small files for the text-format rules.
 * TF reports file problems when the table initialises (first use); we report them at compile, which is earlier.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  SpecError, categoricalColumnWithVocabularyFile, columnName, compile, embeddingLookup, numBuckets,
} from '../../src/index.ts';
import { batch, fetch, int32Lists, int64Lists, int64Matrix, rows, stringLists, stringMatrix, table, thrown, transform } from './util.ts';

const vocab = (name: string) => fileURLToPath(new URL(`../../fixtures/vocab/${name}`, import.meta.url));
const WIRE = vocab('wire_vocabulary.txt');
const WIRE_SIZE = 3;
const WARRIORS = vocab('warriors_vocabulary.txt');
const WARRIORS_SIZE = 5;

const sparse = () => batch({ aaa: stringLists([['marlo'], ['skywalker', 'omar']]) });

describe('categoricalColumnWithVocabularyFile: construction', () => {
  it('is named by its key, with vocabularySize buckets', () => {
    // TF: VocabularyFileCategoricalColumnTest.test_defaults
    const column = categoricalColumnWithVocabularyFile('aaa', 'path_to_file', { vocabularySize: 3 });
    expect(columnName(column)).toBe('aaa');
    expect(column.key).toBe('aaa');
    expect(numBuckets(column)).toBe(3);
    expect(column.dtype).toBe('string');
  });

  it('adds OOV buckets to the vocabulary size', () => {
    // TF: VocabularyFileCategoricalColumnTest.test_all_constructor_args
    const column = categoricalColumnWithVocabularyFile('aaa', 'path_to_file', { vocabularySize: 3, numOovBuckets: 4, dtype: 'int32' });
    expect(numBuckets(column)).toBe(7);
  });

  it('needs a vocabulary file', () => {
    // TF: VocabularyFileCategoricalColumnTest.test_vocabulary_file_none and test_vocabulary_file_empty_string
    expect(() => categoricalColumnWithVocabularyFile('aaa', null as never, { vocabularySize: 3 })).toThrow(SpecError);
    const error = thrown(() => categoricalColumnWithVocabularyFile('aaa', '', { vocabularySize: 3 }));
    expect(error).toBeInstanceOf(SpecError);
    expect(error.message).toContain("column 'aaa'");
  });

  it('reports a missing file, naming it', () => {
    // TF: VocabularyFileCategoricalColumnTest.test_invalid_vocabulary_file (OpError mentioning 'file_does_not_exist')
    const column = categoricalColumnWithVocabularyFile('aaa', 'file_does_not_exist', { vocabularySize: 10 });
    const error = thrown(() => transform([column], sparse()));
    expect(error.message).toContain('file_does_not_exist');
    expect(error.message).toContain("column 'aaa'");
  });

  it('needs vocabularySize >= 1', () => {
    // TF: VocabularyFileCategoricalColumnTest.test_invalid_vocabulary_size
    expect(() => categoricalColumnWithVocabularyFile('aaa', WIRE, { vocabularySize: -1 })).toThrow(SpecError);
    expect(() => categoricalColumnWithVocabularyFile('aaa', WIRE, { vocabularySize: 0 })).toThrow(SpecError);
  });

  it('fails when vocabularySize is larger than the file', () => {
    // TF: VocabularyFileCategoricalColumnTest.test_too_large_vocabulary_size ('Invalid vocab_size')
    const column = categoricalColumnWithVocabularyFile('aaa', WIRE, { vocabularySize: WIRE_SIZE + 1 });
    const error = thrown(() => transform([column], sparse()));
    expect(error.message).toContain("column 'aaa'");
  });

  it('needs numOovBuckets >= 0', () => {
    // TF: VocabularyFileCategoricalColumnTest.test_invalid_num_oov_buckets
    expect(() => categoricalColumnWithVocabularyFile('aaa', 'path', { vocabularySize: 3, numOovBuckets: -1 })).toThrow(SpecError);
  });

  it('needs a string or integer dtype', () => {
    // TF: VocabularyFileCategoricalColumnTest.test_invalid_dtype
    expect(() => categoricalColumnWithVocabularyFile('aaa', 'path', { vocabularySize: 3, dtype: 'float64' as never })).toThrow(SpecError);
  });

  it("can't take both numOovBuckets and a default value", () => {
    // TF: VocabularyFileCategoricalColumnTest.test_invalid_buckets_and_default_value
    expect(() => categoricalColumnWithVocabularyFile('aaa', WIRE, { vocabularySize: WIRE_SIZE, numOovBuckets: 100, defaultValue: 2 }))
      .toThrow(SpecError);
  });

  it('rejects integer input for a string vocabulary', () => {
    // TF: VocabularyFileCategoricalColumnTest.test_invalid_input_dtype_int32
    const column = categoricalColumnWithVocabularyFile('aaa', WIRE, { vocabularySize: WIRE_SIZE, dtype: 'string' });
    expect(() => transform([column], batch({ aaa: int64Lists([[12], [24, 36]]) }))).toThrow(SpecError);
  });

  it('rejects string input for an integer vocabulary', () => {
    // TF: VocabularyFileCategoricalColumnTest.test_invalid_input_dtype_string
    const column = categoricalColumnWithVocabularyFile('aaa', WARRIORS, { vocabularySize: WARRIORS_SIZE, dtype: 'int32' });
    expect(() => transform([column], batch({ aaa: stringLists([['omar'], ['stringer', 'marlo']]) }))).toThrow(SpecError);
  });
});

describe('categoricalColumnWithVocabularyFile: ids', () => {
  it('uses the line number as id; OOV is -1 in the id tensor and absent from the output', () => {
    // TF: VocabularyFileCategoricalColumnTest.test_get_sparse_tensors ((2, -1, 0))
    const column = categoricalColumnWithVocabularyFile('aaa', WIRE, { vocabularySize: WIRE_SIZE });
    expect(rows(fetch([column], sparse(), 'aaa') as never)).toEqual([[2], [-1, 0]]);
    expect(rows(transform([column], sparse()).sparse.aaa)).toEqual([[2], [0]]);
  });

  it('counts the lines when vocabularySize is not given', () => {
    // TF: VocabularyFileCategoricalColumnTest.test_get_sparse_tensors_none_vocabulary_size ((2, -1, 0))
    const column = categoricalColumnWithVocabularyFile('aaa', WIRE);
    expect(rows(fetch([column], sparse(), 'aaa') as never)).toEqual([[2], [-1, 0]]);
    expect(transform([column], sparse()).sparse.aaa.cardinality).toBe(WIRE_SIZE);
  });

  it('gives the same ids from the transform node', () => {
    // TF: VocabularyFileCategoricalColumnTest.test_transform_feature
    const column = categoricalColumnWithVocabularyFile('aaa', WIRE, { vocabularySize: WIRE_SIZE });
    expect(rows(fetch([column], sparse(), 'aaa') as never)).toEqual([[2], [-1, 0]]);
  });

  it("drops '' from a dense [batch, 2] input", () => {
    // TF: VocabularyFileCategoricalColumnTest.test_get_sparse_tensors_dense_input ((('marlo', ''), ('skywalker', 'omar')))
    const column = categoricalColumnWithVocabularyFile('aaa', WIRE, { vocabularySize: WIRE_SIZE });
    const input = batch({ aaa: stringMatrix([['marlo', ''], ['skywalker', 'omar']]) });
    expect(rows(fetch([column], input, 'aaa') as never)).toEqual([[2], [-1, 0]]);
  });

  it('may map OOV to a default id that is also a vocabulary id', () => {
    // TF: VocabularyFileCategoricalColumnTest.test_get_sparse_tensors_default_value_in_vocabulary ((2, 2, 0))
    const column = categoricalColumnWithVocabularyFile('aaa', WIRE, { vocabularySize: WIRE_SIZE, defaultValue: 2 });
    expect(rows(transform([column], sparse()).sparse.aaa)).toEqual([[2], [2, 0]]);
  });

  it("hashes OOV values into buckets after the vocabulary with TF's FarmHash", () => {
    // TF: VocabularyFileCategoricalColumnTest.test_get_sparse_tensors_with_oov_buckets ((2, 33, 0, 62))
    const column = categoricalColumnWithVocabularyFile('aaa', WIRE, { vocabularySize: WIRE_SIZE, numOovBuckets: 100 });
    const input = batch({ aaa: stringLists([['marlo'], ['skywalker', 'omar', 'heisenberg']]) });
    expect(rows(transform([column], input).sparse.aaa)).toEqual([[2], [33, 0, 62]]);
  });

  it('keeps only the first vocabularySize lines', () => {
    // TF: VocabularyFileCategoricalColumnTest.test_get_sparse_tensors_small_vocabulary_size ((-1, -1, 0))
    const column = categoricalColumnWithVocabularyFile('aaa', WIRE, { vocabularySize: WIRE_SIZE - 1 });
    expect(rows(fetch([column], sparse(), 'aaa') as never)).toEqual([[-1], [-1, 0]]);
    expect(transform([column], sparse()).sparse.aaa.cardinality).toBe(2);
  });

  it('parses an integer vocabulary file', () => {
    // TF: VocabularyFileCategoricalColumnTest.test_get_sparse_tensors_int32 ((2, -1, 0, 4))
    const column = categoricalColumnWithVocabularyFile('aaa', WARRIORS, { vocabularySize: WARRIORS_SIZE, dtype: 'int32' });
    const input = batch({ aaa: int32Lists([[11], [100, 30], [22]]) });
    expect(rows(fetch([column], input, 'aaa') as never)).toEqual([[2], [-1, 0], [4]]);
  });

  it('drops -1 cells of a dense integer input and maps OOV to a negative default', () => {
    // TF: VocabularyFileCategoricalColumnTest.test_get_sparse_tensors_int32_dense_input (default -100; (2, -100, 0, 4))
    const column = categoricalColumnWithVocabularyFile('aaa', WARRIORS, { vocabularySize: WARRIORS_SIZE, dtype: 'int32', defaultValue: -100 });
    const input = batch({ aaa: int64Matrix([[11, -1, -1], [100, 30, -1], [-1, -1, 22]]) });
    expect(rows(fetch([column], input, 'aaa') as never)).toEqual([[2], [-100, 0], [4]]);
  });

  it('hashes integer OOV values through their decimal string', () => {
    // TF: VocabularyFileCategoricalColumnTest.test_get_sparse_tensors_int32_with_oov_buckets ((2, 60, 0, 4))
    const column = categoricalColumnWithVocabularyFile('aaa', WARRIORS, { vocabularySize: WARRIORS_SIZE, dtype: 'int32', numOovBuckets: 100 });
    const input = batch({ aaa: int64Lists([[11], [100, 30], [22]]) });
    expect(rows(transform([column], input).sparse.aaa)).toEqual([[2], [60, 0], [4]]);
  });

  it('sends every OOV value to the vocabulary size with one OOV bucket, as a linear model sees it', () => {
    // TF: VocabularyFileCategoricalColumnTest.test_old_linear_model (num_oov_buckets=1; weights (1,2,3,4) -> ((3,), (5,)))
    const column = categoricalColumnWithVocabularyFile('wire', WIRE, { vocabularySize: WIRE_SIZE, numOovBuckets: 1 });
    expect(numBuckets(column)).toBe(4);
    const fb = transform([column], batch({ wire: stringLists([['marlo'], ['skywalker', 'omar']]) }));
    expect(Array.from(embeddingLookup(table([[1], [2], [3], [4]]), 1, fb.sparse.wire, 'sum'))).toEqual([3, 5]);
  });
});

describe('categoricalColumnWithVocabularyFile: text format (SEMANTICS §6 [run])', () => {
  const idsWith = (file: string, values: string[], vocabularySize?: number) => {
    const column = categoricalColumnWithVocabularyFile('aaa', vocab(file), vocabularySize ? { vocabularySize } : {});
    return rows(fetch([column], batch({ aaa: stringLists([values]) }), 'aaa') as never)[0];
  };

  it('strips the CR of CRLF line ends', () => {
    // TF: VocabularyFileCategoricalColumnTest.test_get_sparse_tensors (SEMANTICS §6 [run]: trailing \r stripped)
    expect(idsWith('wire_crlf.txt', ['marlo', 'skywalker', 'omar', 'omar\r'])).toEqual([2, -1, 0, -1]);
  });

  it('counts a last line without a final newline', () => {
    // TF: VocabularyFileCategoricalColumnTest.test_get_sparse_tensors_none_vocabulary_size (SEMANTICS §6 [run])
    const column = categoricalColumnWithVocabularyFile('aaa', vocab('wire_no_final_newline.txt'));
    const fb = transform([column], batch({ aaa: stringLists([['marlo']]) }));
    expect(rows(fb.sparse.aaa)).toEqual([[2]]);
    expect(fb.sparse.aaa.cardinality).toBe(3);
  });

  it('keeps whitespace other than CR: "b " and "b" are different keys', () => {
    // TF: VocabularyFileCategoricalColumnTest.test_get_sparse_tensors (SEMANTICS §6 [run])
    expect(idsWith('trailing_space.txt', ['b', 'b ', ' b'])).toEqual([1, 0, -1]);
  });

  it('fails on an empty line, naming the column', () => {
    // TF: VocabularyFileCategoricalColumnTest.test_get_sparse_tensors (SEMANTICS §6 [run]: "empty line found")
    const column = categoricalColumnWithVocabularyFile('aaa', vocab('empty_line.txt'));
    const error = thrown(() => transform([column], sparse()));
    expect(error.message).toContain("column 'aaa'");
    expect(error.message).toMatch(/empty/i);
  });

  it('fails on a duplicate line, naming the column', () => {
    // TF: VocabularyFileCategoricalColumnTest.test_get_sparse_tensors (SEMANTICS §6 [run]: 'HashTable has different value for same key')
    const column = categoricalColumnWithVocabularyFile('aaa', vocab('duplicate_line.txt'));
    const error = thrown(() => transform([column], sparse()));
    expect(error.message).toContain("column 'aaa'");
    expect(error.message).toMatch(/duplicate/i);
  });

  it('ignores a duplicate line beyond vocabularySize', () => {
    // TF: VocabularyFileCategoricalColumnTest.test_get_sparse_tensors_small_vocabulary_size (only the first lines are read)
    expect(idsWith('duplicate_line.txt', ['omar', 'stringer'], 2)).toEqual([0, 1]);
  });

  it('reports the vocabulary problem before any data is read', () => {
    // TF: VocabularyFileCategoricalColumnTest.test_too_large_vocabulary_size (TF: at table init; ours: at compile)
    const column = categoricalColumnWithVocabularyFile('aaa', WIRE, { vocabularySize: 10 });
    expect(() => compile([column], sparse().schema)).toThrow(SpecError);
  });
});
