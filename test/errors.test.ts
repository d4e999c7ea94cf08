// Errors: a spec that cannot work is a SpecError naming the column and the fix; data a valid spec cannot
// transform is a DataError naming the column and the row of the whole input.
import {
  type DataType, Field, FixedSizeList, Float32, Float64, Int32, Int64, List, Table, Utf8, type Vector, vectorFromArray,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import {
  bucketizedColumn, categoricalColumnWithHashBucket, categoricalColumnWithIdentity, categoricalColumnWithVocabularyList,
  compile, crossedColumn, DataError, embeddingColumn, type FeatureColumn, fromConfig, indicatorColumn, numericColumn,
  SpecError, weightedCategoricalColumn,
} from '../src/index.ts';
import { FileDataError } from '../src/data/errors.ts';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, none was thrown');
}

/** Asserts a SpecError for `column` whose message names the column and matches each of `says`. */
function expectSpecError(fn: () => unknown, column: string, ...says: RegExp[]): SpecError {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(SpecError);
  const e = error as SpecError;
  expect(e.column).toBe(column);
  expect(e.message).toBe(`column '${column}': ${e.reason}`);
  for (const pattern of says) expect(e.message).toMatch(pattern);
  return e;
}

/** Asserts a DataError for `column` at `row` whose message matches each of `says`. */
function expectDataError(fn: () => unknown, column: string, row: number, ...says: RegExp[]): DataError {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(DataError);
  const e = error as DataError;
  expect({ column: e.column, row: e.row }).toEqual({ column, row });
  expect(e.message).toBe(`column '${column}', row ${row}: ${e.reason}`);
  for (const pattern of says) expect(e.message).toMatch(pattern);
  return e;
}

/** The item field of a list type. */
const listItem = <T extends DataType>(type: T) => new Field('item', type, true);
const f64 = (values: (number | null)[]) => vectorFromArray(values, new Float64());
const i64 = (values: (number | null)[]) => vectorFromArray(values.map((v) => (v === null ? null : BigInt(v))), new Int64());
const utf8 = (values: (string | null)[]) => vectorFromArray(values, new Utf8());

/** A Table of two record batches: rows of `first`, then rows of `second`. */
function twoBatches(first: Record<string, Vector>, second: Record<string, Vector>): Table {
  const table = new Table(first).concat(new Table(second));
  expect(table.batches.length).toBe(2);
  return table;
}

describe('SpecError: column specs', () => {
  it('numericColumn: a bad shape', () => {
    expectSpecError(() => numericColumn('price', { shape: [0] }), 'price', /shape dimension/, /integer >= 1/);
    expectSpecError(() => numericColumn('price', { shape: [2, -1] }), 'price', /shape dimension/, /integer >= 1/);
    expectSpecError(() => numericColumn('price', { shape: 1.5 }), 'price', /integer >= 1/);
    expectSpecError(() => numericColumn('price', { shape: [] }), 'price', /at least one dimension/, /\[1\]/);
  });

  it('numericColumn: a default that does not fit the shape or the dtype', () => {
    expectSpecError(() => numericColumn('price', { shape: [2], defaultValue: [1, 2, 3] }), 'price', /defaultValue/, /2 numbers matching the shape/);
    expectSpecError(() => numericColumn('price', { shape: [2, 2], defaultValue: [[1, 2], [3]] }), 'price', /4 numbers/);
    expectSpecError(() => numericColumn('price', { dtype: 'int32', defaultValue: 0.5 }), 'price', /integers/, /use dtype 'float32'/);
  });

  it('numericColumn: a default that is not a number at all (e.g. from a config) is a SpecError, not a TypeError', () => {
    expectSpecError(() => numericColumn('price', { defaultValue: 'abc' as unknown as number }), 'price', /defaultValue/);
    expectSpecError(
      () => fromConfig([{ class_name: 'NumericColumn', config: { key: 'price', shape: [1], default_value: 'abc', dtype: 'float32', normalizer_fn: null } }]),
      'price', /defaultValue/);
  });

  it('bucketizedColumn: unsorted, duplicate, float32-equal or no boundaries', () => {
    const price = numericColumn('price');
    expectSpecError(() => bucketizedColumn(price, [0, 5, 3]), 'price_bucketized', /sorted/, /5 >= 3/);
    expectSpecError(() => bucketizedColumn(price, [0, 1, 1, 2]), 'price_bucketized', /without duplicates/);
    expectSpecError(() => bucketizedColumn(price, [1, 1 + 1e-9]), 'price_bucketized', /equal in float32/, /drop one/);
    expectSpecError(() => bucketizedColumn(price, [0.1, 0.1 + 1e-12, 0.3]), 'price_bucketized', /float32/);
    expectSpecError(() => bucketizedColumn(price, []), 'price_bucketized', /non-empty sorted list/);
    expectSpecError(() => bucketizedColumn(price, [0, NaN]), 'price_bucketized', /not a number/);
  });

  it('bucketizedColumn: a non-numeric source', () => {
    const id = categoricalColumnWithIdentity('price', 3);
    expectSpecError(() => bucketizedColumn(id as unknown as ReturnType<typeof numericColumn>, [1]), 'price', /needs a numericColumn/);
    expectSpecError(() => bucketizedColumn(numericColumn('price', { shape: [2, 2] }), [1]), 'price_bucketized', /1-d shape/);
  });

  it('categoricalColumnWithIdentity: default out of range', () => {
    expectSpecError(() => categoricalColumnWithIdentity('item', 4, { defaultValue: 4 }), 'item', /\[0, 4\)/, /raise numBuckets/);
    expectSpecError(() => categoricalColumnWithIdentity('item', 4, { defaultValue: -1 }), 'item', /not in range/);
    expectSpecError(() => categoricalColumnWithIdentity('item', 0), 'item', /numBuckets must be an integer >= 1/);
  });

  it('categoricalColumnWithVocabularyList: duplicates, empty, mixed types, both OOV buckets and a default', () => {
    expectSpecError(() => categoricalColumnWithVocabularyList('color', ['red', 'blue', 'red']), 'color', /duplicate key "red"/, /may appear once/);
    expectSpecError(() => categoricalColumnWithVocabularyList('color', [1, 2, 1]), 'color', /duplicate key 1/);
    expectSpecError(() => categoricalColumnWithVocabularyList('color', []), 'color', /non-empty list/);
    expectSpecError(() => categoricalColumnWithVocabularyList('color', ['red', 1]), 'color', /only strings or only integers/);
    expectSpecError(() => categoricalColumnWithVocabularyList('color', [1.5, 2]), 'color', /no floats/);
    expectSpecError(
      () => categoricalColumnWithVocabularyList('color', ['red', 'blue'], { numOovBuckets: 2, defaultValue: 0 }),
      'color', /can't specify both numOovBuckets/, /one or the other/);
    expectSpecError(() => categoricalColumnWithVocabularyList('color', ['red'], { dtype: 'int64' }), 'color', /does not match/);
  });

  it('categoricalColumnWithHashBucket: size 0', () => {
    expectSpecError(() => categoricalColumnWithHashBucket('city', 0), 'city', /hashBucketSize must be an integer >= 1, got 0/);
  });

  it('crossedColumn: fewer than 2 keys', () => {
    expectSpecError(() => crossedColumn(['city'], 10), 'city', /at least 2 keys, got 1/);
    expectSpecError(() => crossedColumn(['city', 'state'], 0), 'city_X_state', /hashBucketSize must be an integer >= 1/);
  });

  it('crossedColumn: a hash bucket column, suggesting the feature name instead', () => {
    const city = categoricalColumnWithHashBucket('city', 100);
    const e = expectSpecError(() => crossedColumn([city, 'state'], 10), 'city_X_state', /'city' is a hash bucket column/,
      /use the feature name 'city' as a string key instead/);
    expect(e.message).toMatch(/collisions/);
  });

  it('crossedColumn: a numeric column, pointing at categorical (bucketized) columns', () => {
    expectSpecError(() => crossedColumn([numericColumn('age') as unknown as string, 'state'], 10), 'age_X_state',
      /unsupported key age/, /bucketized/);
  });

  it('crossedColumn: a weighted column', () => {
    const w = weightedCategoricalColumn(categoricalColumnWithIdentity('item', 3), 'weight');
    expectSpecError(() => crossedColumn([w as unknown as string, 'state'], 10), 'item_weighted_by_weight_X_state',
      /weighted/, /cross the unweighted column/);
  });

  it('embeddingColumn: dimension 0, an unknown combiner, a bad maxNorm', () => {
    const item = categoricalColumnWithIdentity('item', 3);
    expectSpecError(() => embeddingColumn(item, 0), 'item_embedding', /dimension must be an integer >= 1, got 0/);
    expectSpecError(() => embeddingColumn(item, 2, { combiner: 'max' as 'sum' }), 'item_embedding',
      /combiner must be one of 'mean', 'sum', 'sqrtn', got "max"/);
    expectSpecError(() => embeddingColumn(item, 2, { maxNorm: 0 }), 'item_embedding', /maxNorm must be > 0/);
    expectSpecError(() => embeddingColumn(item, 2, { ckptToLoadFrom: 'x' }), 'item_embedding', /given together/);
  });

  it('indicatorColumn / embeddingColumn: a non-categorical column', () => {
    expectSpecError(() => indicatorColumn(numericColumn('age') as never), 'age', /needs a categorical column/);
    expectSpecError(() => embeddingColumn(numericColumn('age') as never, 2), 'age', /needs a categorical column/);
  });
});

describe('SpecError: compile against the schema', () => {
  const schema = new Table({
    age: f64([1]), hours_per_week: f64([40]), education: utf8(['x']), item: i64([1]), prices: vectorFromArray([[1, 2, 3]], new FixedSizeList(3, listItem(new Float32()))),
  }).schema;

  it('a duplicate column name', () => {
    expectSpecError(() => compile([numericColumn('age'), numericColumn('age', { defaultValue: 0 })], schema), 'age',
      /duplicate column name/, /each column may appear once/);
    const v = categoricalColumnWithVocabularyList('education', ['a']);
    expectSpecError(() => compile([indicatorColumn(v), indicatorColumn(categoricalColumnWithHashBucket('education', 5))], schema),
      'education_indicator', /duplicate column name/);
  });

  it('a field missing from the schema: differing in case or separators, suggests the close name', () => {
    expectSpecError(() => compile([numericColumn('Age')], schema), 'Age', /feature 'Age' is not in the data/, /did you mean 'age'\?/);
    expectSpecError(() => compile([numericColumn('hours-per-week')], schema), 'hours-per-week', /did you mean 'hours_per_week'\?/);
  });

  it('a field missing from the schema: a one-letter typo suggests the close name', () => {
    expectSpecError(() => compile([numericColumn('hours_per_wek')], schema), 'hours_per_wek',
      /feature 'hours_per_wek' is not in the data/, /did you mean 'hours_per_week'\?/);
    expectSpecError(() => compile([indicatorColumn(categoricalColumnWithVocabularyList('eduction', ['a']))], schema), 'eduction',
      /did you mean 'education'\?/);
  });

  it('a field missing from the schema, nothing close: lists the fields', () => {
    expectSpecError(() => compile([numericColumn('zzz')], schema), 'zzz', /not in the data/, /age, education, hours_per_week, item, prices/);
  });

  it('a string field for a numeric column', () => {
    expectSpecError(() => compile([numericColumn('education')], schema), 'education', /needs numbers/, /Utf8/, /use a categorical column/);
    expectSpecError(() => compile([bucketizedColumn(numericColumn('education'), [1])], schema), 'education', /needs numbers/);
  });

  it('an int field for a string vocabulary', () => {
    const v = categoricalColumnWithVocabularyList('item', ['a', 'b']);
    expectSpecError(() => compile([indicatorColumn(v)], schema), 'item', /expects strings/, /Int64/, /integer vocabulary values, or cast the feature to strings/);
  });

  it('a string field for an identity column, a float field as a cross key, a list of the wrong size', () => {
    expectSpecError(() => compile([indicatorColumn(categoricalColumnWithIdentity('education', 3))], schema), 'education',
      /expects integers/, /use a vocabulary or hash bucket column/);
    expectSpecError(() => compile([crossedColumn(['age', 'education'], 10)], schema), 'age_X_education',
      /feature 'age' is Float64/, /bucketize numbers first/);
    expectSpecError(() => compile([numericColumn('prices', { shape: [2] })], schema), 'prices', /needs 2 values per row/);
    expectSpecError(() => compile([numericColumn('age', { shape: [2] })], schema), 'age', /scalar/, /give a list field or shape \[1\]/);
  });

  it('an unknown hash mode', () => {
    expect(thrown(() => compile([numericColumn('age')], schema, { hash: 'md5' as 'tf' }))).toBeInstanceOf(SpecError);
  });
});

describe('DataError: the column and the row of the whole input', () => {
  // The bad row is row 2 of the second batch; the first batch has 3 rows, so the row is 3 + 2 = 5.
  const BAD_ROW = 5;

  function check(columns: FeatureColumn[], table: Table, column: string, ...says: RegExp[]): void {
    const graph = compile(columns, table.schema);
    expectDataError(() => graph.transform(table), column, BAD_ROW, ...says);
    expectDataError(() => graph.transform(table, { sparse: 'all', reuseBuffers: true }), column, BAD_ROW, ...says);
    // The batch alone: the row within it.
    expectDataError(() => compile(columns, table.schema).transform(table.batches[1]), column, BAD_ROW - table.batches[0].numRows, ...says);
    // The first batch alone is fine.
    expect(() => compile(columns, table.schema).transform(table.batches[0])).not.toThrow();
  }

  it('an identity id out of range without a default (indicator, embedding, scalar and list input)', () => {
    const item = categoricalColumnWithIdentity('item', 4);
    const scalar = twoBatches({ item: i64([0, 1, 3]) }, { item: i64([3, 0, 7, 1]) });
    check([indicatorColumn(item)], scalar, 'item', /id 7 is out of range \[0, 4\)/, /defaultValue/);
    check([embeddingColumn(item, 2)], scalar, 'item', /id 7/);
    const negative = twoBatches({ item: i64([0, 1, 3]) }, { item: i64([3, 0, -5, 1]) });
    check([indicatorColumn(item)], negative, 'item', /id -5/);
    const lists = twoBatches(
      { item: vectorFromArray([[0n], [1n, 2n], []], new List(listItem(new Int64()))) },
      { item: vectorFromArray([[3n], null, [1n, 4n], [0n]], new List(listItem(new Int64()))) });
    check([indicatorColumn(item)], lists, 'item', /id 4/);
    // With a default the same data transforms.
    expect(() => compile([indicatorColumn(categoricalColumnWithIdentity('item', 4, { defaultValue: 0 }))], scalar.schema).transform(scalar)).not.toThrow();
  });

  it('a null numeric without a default (scalar Float64, Int32, a bucketized source, a list element)', () => {
    const t = twoBatches({ x: f64([1, 2, 3]) }, { x: f64([4, 5, null, 6]) });
    check([numericColumn('x')], t, 'x', /missing value \(null\)/, /defaultValue/);
    check([bucketizedColumn(numericColumn('x'), [2])], t, 'x', /null/);
    const ints = twoBatches({ x: vectorFromArray([1, 2, 3], new Int32()) }, { x: vectorFromArray([4, 5, null, 6], new Int32()) });
    check([numericColumn('x', { dtype: 'int32' })], ints, 'x', /null/);
    const fixed = (rows: (number | null)[][]) => vectorFromArray(rows, new FixedSizeList(2, listItem(new Float32())));
    const lists = twoBatches({ v: fixed([[1, 2], [3, 4], [5, 6]]) }, { v: fixed([[1, 2], [3, 4], [5, null], [7, 8]]) });
    check([numericColumn('v', { shape: [2] })], lists, 'v', /null/, /element 1/);
    expect(() => compile([numericColumn('x', { defaultValue: 0 })], t.schema).transform(t)).not.toThrow();
  });

  it('a list numeric with the wrong length', () => {
    const list = (rows: number[][]) => vectorFromArray(rows, new List(listItem(new Float32())));
    const t = twoBatches({ v: list([[1, 2], [3, 4], [5, 6]]) }, { v: list([[1, 2], [3, 4], [5, 6, 7], [8, 9]]) });
    check([numericColumn('v', { shape: [2] })], t, 'v', /expected 2 values, got 3/);
    const short = twoBatches({ v: list([[1, 2], [3, 4], [5, 6]]) }, { v: list([[1, 2], [3, 4], [5], [8, 9]]) });
    check([bucketizedColumn(numericColumn('v', { shape: [2] }), [3])], short, 'v', /expected 2 values, got 1/);
  });

  it('weights not lining up with the ids', () => {
    const tags = (rows: (string[] | null)[]) => vectorFromArray(rows, new List(listItem(new Utf8())));
    const weights = (rows: (number[] | null)[]) => vectorFromArray(rows, new List(listItem(new Float32())));
    const column = weightedCategoricalColumn(categoricalColumnWithVocabularyList('tags', ['a', 'b', 'c']), 'w');
    const t = twoBatches(
      { tags: tags([['a'], ['b', 'c'], []]), w: weights([[1], [2, 3], []]) },
      { tags: tags([['a'], ['b'], ['a', 'c'], ['c']]), w: weights([[1], [2], [3], [4]]) });
    check([indicatorColumn(column)], t, 'tags_weighted_by_w', /2 ids but 1 weights/, /line up/);
    check([embeddingColumn(column, 3)], t, 'tags_weighted_by_w', /line up/);
    const missing = twoBatches(
      { tags: tags([['a'], ['b', 'c'], []]), w: weights([[1], [2, 3], []]) },
      { tags: tags([['a'], ['b'], ['a', 'c'], ['c']]), w: weights([[1], [2], null, [4]]) });
    check([indicatorColumn(column)], missing, 'tags_weighted_by_w', /2 ids but 0 weights/);
  });
});

describe('reason: the message without its column (and row) prefix', () => {
  it('SpecError and DataError keep the reason apart from the prefix', () => {
    const spec = new SpecError('age', 'boundaries must be sorted');
    expect(spec.message).toBe("column 'age': boundaries must be sorted");
    expect(spec.reason).toBe('boundaries must be sorted');
    const data = new DataError('age', 7, 'null value');
    expect(data.message).toBe("column 'age', row 7: null value");
    expect(data.reason).toBe('null value');
  });

  it('FileDataError puts the file and line before the message; the reason stays bare', () => {
    const e = new FileDataError('in.csv', 12, 'age', 10, 'null value');
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toBe("in.csv:12: column 'age', row 10: null value");
    expect(e.reason).toBe('null value');
  });
});
