// Properties over random column lists and random Arrow tables (fast-check):
// - batching does not change results (whole Table = concatenation of its record batches, fresh or warm graphs, slices);
// - the TF config JSON round-trips exactly;
// - the compiled layout and ragged outputs are well formed;
// - indicator counts and bucketized one-hots agree with a naive reference written here from SEMANTICS.md.
import {
  type DataType, Dictionary, Field, FixedSizeList, Float32, Float64, Int32, Int64, List, type RecordBatch, Table, Utf8,
  type Vector, vectorFromArray,
} from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bucketizedColumn, categoricalColumnWithHashBucket, categoricalColumnWithIdentity, categoricalColumnWithVocabularyFile,
  categoricalColumnWithVocabularyList, type CategoricalColumn, columnName, compile, concatFeatureBatches, crossedColumn,
  type CrossKey, embeddingColumn, type EmbeddingOptions, type FeatureBatch, type FeatureColumn, fromConfig, type HashMode,
  indicatorColumn, type Normalizer, numericColumn, type NumericColumn, toConfig, weightedCategoricalColumn,
} from '../src/index.ts';

// ---------------------------------------------------------------------------------------------------------------
// Random scenarios: features (Arrow fields with values for two record batches) and the columns that read them.

interface FieldData { type: DataType; a: unknown[]; b: unknown[] }
interface Feature { fields: Record<string, FieldData>; columns: FeatureColumn[]; leaves: CrossKey[] }
interface Scenario { columns: FeatureColumn[]; fields: Record<string, FieldData>; rows: [number, number]; hash: HashMode }

/** Feature keys chosen to exercise code-point ordering: case, digits vs '_', a non-BMP character vs U+FB00. */
const KEYS = ['a', 'B', 'Z', 'z', 'a2', 'a_', 'é', 'x😀', 'xﬀ', 'A-b', 'price', 'Price', 'b c'];
const STRINGS = ['', 'a', 'b', 'c', 'é', '😀', 'B', 'long value'];

const item = <T extends DataType>(type: T) => new Field('item', type, true);
const withNulls = <T>(arb: fc.Arbitrary<T>, nullable: boolean): fc.Arbitrary<T | null> =>
  (nullable ? fc.option(arb, { nil: null, freq: 4 }) : arb);
const twoColumns = <T>(rows: [number, number], cell: fc.Arbitrary<T>): fc.Arbitrary<[T[], T[]]> =>
  fc.tuple(fc.array(cell, { minLength: rows[0], maxLength: rows[0] }), fc.array(cell, { minLength: rows[1], maxLength: rows[1] }));

const smallFloat = fc.oneof(fc.integer({ min: -60, max: 60 }), fc.double({ min: -100, max: 100, noNaN: true }));
const float32Cell = fc.oneof({ weight: 4, arbitrary: smallFloat.map(Math.fround) }, { weight: 1, arbitrary: fc.float() });
const float64Cell = fc.oneof({ weight: 4, arbitrary: smallFloat }, { weight: 1, arbitrary: fc.double() });

/** Sorted boundaries, distinct in float32 (halves of small integers), without -0. */
const boundariesArb = fc.uniqueArray(fc.integer({ min: -100, max: 100 }), { minLength: 1, maxLength: 6 })
  .map((xs) => xs.sort((p, q) => p - q).map((x) => (x === 0 ? 0 : x / 2)));

const normalizerArb: fc.Arbitrary<Normalizer | null> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constant('log1p' as const) },
  { weight: 1, arbitrary: fc.record({ mean: fc.integer({ min: -10, max: 10 }), std: fc.integer({ min: 1, max: 10 }) }).map((zscore) => ({ zscore })) },
  { weight: 1, arbitrary: fc.record({ min: fc.integer({ min: -10, max: 0 }), max: fc.integer({ min: 1, max: 10 }) }).map((minmax) => ({ minmax })) },
);

const embeddingOptionsArb: fc.Arbitrary<EmbeddingOptions> = fc.record({
  combiner: fc.constantFrom('mean', 'sum', 'sqrtn') as fc.Arbitrary<'mean' | 'sum' | 'sqrtn'>,
  maxNorm: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
  trainable: fc.boolean(),
  useSafeEmbeddingLookup: fc.boolean(),
  initializer: fc.option(
    fc.record({ mean: fc.integer({ min: -2, max: 2 }), stddev: fc.constantFrom(0.5, 1, 0.125), seed: fc.option(fc.nat(1000), { nil: null }) })
      .map((truncatedNormal) => ({ truncatedNormal })),
    { nil: null }),
}, { requiredKeys: [] });

type Wrapper = 'indicator' | 'embedding' | 'bare' | 'weighted' | 'leaf';

/** Wraps a categorical base column as the scenario asks; `weightKey` is the weight feature for 'weighted'. */
function wrap(base: CategoricalColumn, wrappers: Wrapper[], weightKey: string, options: EmbeddingOptions, leafOk: boolean): { columns: FeatureColumn[]; leaves: CrossKey[] } {
  const columns: FeatureColumn[] = [];
  const leaves: CrossKey[] = [];
  for (const w of wrappers) {
    if (w === 'indicator') columns.push(indicatorColumn(base));
    if (w === 'embedding') columns.push(embeddingColumn(base, 3, options));
    if (w === 'bare') columns.push(base);
    if (w === 'weighted') {
      const weighted = weightedCategoricalColumn(base, weightKey);
      columns.push(indicatorColumn(weighted), weighted);
    }
    if (w === 'leaf' && leafOk) leaves.push(base as CrossKey);
  }
  return { columns, leaves };
}

const wrappersArb = fc.subarray(['indicator', 'embedding', 'bare', 'weighted', 'leaf'] as Wrapper[], { minLength: 1 });

function numericFeature(key: string, rows: [number, number]): fc.Arbitrary<Feature> {
  return fc.record({
    arrow: fc.constantFrom('Int32', 'Int64', 'Float32', 'Float64'),
    nullable: fc.boolean(),
    dtype: fc.constantFrom('float32', 'float64', 'int32', 'int64') as fc.Arbitrary<'float32' | 'float64' | 'int32' | 'int64'>,
    defaultValue: fc.integer({ min: -5, max: 5 }),
    normalizer: normalizerArb,
    boundaries: boundariesArb,
    uses: fc.subarray(['numeric', 'bucketized', 'bucket_indicator', 'bucket_embedding', 'leaf'] as const, { minLength: 1 }),
    options: embeddingOptionsArb,
  }).chain((p) => {
    const cell: fc.Arbitrary<unknown> =
      p.arrow === 'Int32' ? fc.integer({ min: -1000, max: 1000 })
        : p.arrow === 'Int64' ? fc.integer({ min: -1000, max: 1000 }).map(BigInt)
          : p.arrow === 'Float32' ? float32Cell : float64Cell;
    const type = { Int32: new Int32(), Int64: new Int64(), Float32: new Float32(), Float64: new Float64() }[p.arrow];
    return twoColumns(rows, withNulls(cell, p.nullable)).map(([a, b]): Feature => {
      const source = numericColumn(key, {
        dtype: p.dtype, normalizer: p.normalizer, defaultValue: p.nullable || p.defaultValue > 0 ? p.defaultValue : null,
      });
      const bucketized = bucketizedColumn(source, p.boundaries);
      const columns: FeatureColumn[] = [];
      const leaves: CrossKey[] = [];
      for (const use of p.uses) {
        if (use === 'numeric') columns.push(source);
        if (use === 'bucketized') columns.push(bucketized);
        if (use === 'bucket_indicator') columns.push(indicatorColumn(bucketized));
        if (use === 'bucket_embedding') columns.push(embeddingColumn(bucketized, 2, p.options));
        if (use === 'leaf') leaves.push(bucketized);
      }
      if (columns.length === 0) columns.push(source);
      return { fields: { [key]: { type, a, b } }, columns, leaves };
    });
  });
}

function numericListFeature(key: string, rows: [number, number]): fc.Arbitrary<Feature> {
  return fc.record({
    width: fc.integer({ min: 1, max: 3 }),
    fixed: fc.boolean(),
    nullable: fc.boolean(),
    matrix: fc.boolean(),
    defaultValue: fc.integer({ min: -3, max: 3 }),
    boundaries: boundariesArb,
    uses: fc.subarray(['numeric', 'bucketized', 'bucket_indicator', 'leaf'] as const, { minLength: 1 }),
  }).chain((p) => {
    const row = withNulls(fc.array(withNulls(float32Cell, p.nullable), { minLength: p.width, maxLength: p.width }), p.nullable);
    const type = p.fixed ? new FixedSizeList(p.width, item(new Float32())) : new List(item(new Float32()));
    return twoColumns(rows, row).map(([a, b]): Feature => {
      const defaultValue = p.nullable ? p.defaultValue : null;
      const flat = numericColumn(key, { shape: [p.width], defaultValue });
      const numeric = p.matrix ? numericColumn(key, { shape: [1, p.width], defaultValue }) : flat;
      const bucketized = bucketizedColumn(flat, p.boundaries);
      const columns: FeatureColumn[] = [];
      const leaves: CrossKey[] = [];
      for (const use of p.uses) {
        if (use === 'numeric') columns.push(numeric);
        if (use === 'bucketized') columns.push(bucketized);
        if (use === 'bucket_indicator') columns.push(indicatorColumn(bucketized));
        if (use === 'leaf') leaves.push(bucketized);
      }
      if (columns.length === 0) columns.push(numeric);
      return { fields: { [key]: { type, a, b } }, columns, leaves };
    });
  });
}

const vocabularyBaseArb = (key: string) => fc.record({
  vocabulary: fc.uniqueArray(fc.constantFrom(...STRINGS, 'zz'), { minLength: 1, maxLength: 6 }),
  oov: fc.oneof(
    fc.constant({}),
    fc.integer({ min: 1, max: 4 }).map((numOovBuckets) => ({ numOovBuckets })),
    fc.integer({ min: 0, max: 5 }).map((defaultValue) => ({ defaultValue })),
  ),
}).map(({ vocabulary, oov }) => categoricalColumnWithVocabularyList(key, vocabulary, {
  ...oov, ...('defaultValue' in oov ? { defaultValue: Math.min(oov.defaultValue, vocabulary.length - 1) } : {}),
}));

function stringFeature(key: string, rows: [number, number], list: boolean): fc.Arbitrary<Feature> {
  return fc.record({
    dict: fc.boolean(),
    nullable: fc.boolean(),
    base: fc.oneof(vocabularyBaseArb(key), fc.integer({ min: 1, max: 20 }).map((n) => categoricalColumnWithHashBucket(key, n))) as fc.Arbitrary<CategoricalColumn>,
    wrappers: wrappersArb,
    options: embeddingOptionsArb,
  }).chain((p) => {
    const weighted = p.wrappers.includes('weighted');
    const value = fc.constantFrom(...STRINGS);
    // Weighted list rows: no null items, so ids and weights line up position by position.
    const row: fc.Arbitrary<unknown> = list
      ? withNulls(fc.array(weighted ? value : withNulls(value, true), { maxLength: 3 }), p.nullable)
      : withNulls(value, p.nullable);
    const type = list ? new List(item(p.dict ? new Dictionary(new Utf8(), new Int32()) : new Utf8())) : p.dict ? new Dictionary(new Utf8(), new Int32()) : new Utf8();
    return twoColumns(rows, row).chain(([a, b]) => weightsFor([a, b], list).map(([wa, wb]): Feature => {
      const weightKey = `${key}.w`;
      const { columns, leaves } = wrap(p.base, p.wrappers, weightKey, p.options, p.base.type !== 'hash_bucket');
      if (p.wrappers.includes('leaf')) leaves.push(key);
      const fields: Record<string, FieldData> = { [key]: { type, a, b } };
      if (weighted) fields[weightKey] = { type: list ? new List(item(new Float32())) : new Float32(), a: wa, b: wb };
      if (columns.length === 0) columns.push(indicatorColumn(p.base));
      return { fields, columns, leaves };
    }));
  });
}

/** Weights that line up with each row's values: one per list item, one per scalar (never null). */
function weightsFor([a, b]: [unknown[], unknown[]], list: boolean): fc.Arbitrary<[unknown[], unknown[]]> {
  const weight = fc.oneof(fc.integer({ min: -3, max: 5 }), fc.constantFrom(0.5, 0.25, 1.5));
  // A scalar weight of 0.0 is dropped as TF drops it from a dense tensor (SEMANTICS §9), which would leave an id
  // without its weight (a DataError): scalar weights here are never 0. List weights keep their zeros.
  const scalarWeight = weight.filter((w) => w !== 0);
  const rowWeights = (v: unknown): fc.Arbitrary<unknown> =>
    (list ? (v === null ? fc.constant(null) : fc.array(weight, { minLength: (v as unknown[]).length, maxLength: (v as unknown[]).length })) : scalarWeight);
  return fc.tuple(fc.tuple(...a.map(rowWeights)), fc.tuple(...b.map(rowWeights))) as fc.Arbitrary<[unknown[], unknown[]]>;
}

function intFeature(key: string, rows: [number, number], list: boolean): fc.Arbitrary<Feature> {
  return fc.record({
    arrow: fc.constantFrom('Int32', 'Int64'),
    nullable: fc.boolean(),
    kind: fc.constantFrom('identity', 'vocabulary', 'hash'),
    numBuckets: fc.integer({ min: 1, max: 8 }),
    identityDefault: fc.option(fc.nat(7), { nil: null }),
    vocabulary: fc.uniqueArray(fc.integer({ min: -1, max: 8 }), { minLength: 1, maxLength: 5 }),
    numOovBuckets: fc.integer({ min: 0, max: 3 }),
    hashSize: fc.integer({ min: 1, max: 20 }),
    wrappers: wrappersArb,
    options: embeddingOptionsArb,
  }).chain((p) => {
    const identityDefault = p.identityDefault === null ? null : Math.min(p.identityDefault, p.numBuckets - 1);
    const base: CategoricalColumn =
      p.kind === 'identity' ? categoricalColumnWithIdentity(key, p.numBuckets, { defaultValue: identityDefault })
        : p.kind === 'vocabulary' ? categoricalColumnWithVocabularyList(key, p.vocabulary, { numOovBuckets: p.numOovBuckets })
          : categoricalColumnWithHashBucket(key, p.hashSize, { dtype: 'int64' });
    // Identity without a default needs ids in range (a scalar -1 is dropped first, so it may appear).
    const strict = p.kind === 'identity' && identityDefault === null;
    const int = strict ? fc.integer({ min: list ? 0 : -1, max: p.numBuckets - 1 }) : fc.integer({ min: -3, max: 10 });
    const cell: fc.Arbitrary<unknown> = p.arrow === 'Int64' ? int.map(BigInt) : int;
    const weighted = p.wrappers.includes('weighted');
    const row: fc.Arbitrary<unknown> = list
      ? withNulls(fc.array(weighted ? cell : withNulls(cell, true), { maxLength: 3 }), p.nullable)
      : withNulls(cell, p.nullable);
    const itemType = p.arrow === 'Int64' ? new Int64() : new Int32();
    const type = list ? new List(item(itemType)) : itemType;
    return twoColumns(rows, row).chain(([a, b]) => weightsFor([a, b], list).map(([wa, wb]): Feature => {
      const weightKey = `${key}.w`;
      const { columns, leaves } = wrap(base, p.wrappers, weightKey, p.options, base.type !== 'hash_bucket');
      if (p.wrappers.includes('leaf')) leaves.push(key);
      const fields: Record<string, FieldData> = { [key]: { type, a, b } };
      if (weighted) fields[weightKey] = { type: list ? new List(item(new Float32())) : new Float32(), a: wa, b: wb };
      if (columns.length === 0) columns.push(indicatorColumn(base));
      return { fields, columns, leaves };
    }));
  });
}

function featureArb(key: string, rows: [number, number]): fc.Arbitrary<Feature> {
  return fc.oneof(
    numericFeature(key, rows), numericListFeature(key, rows),
    stringFeature(key, rows, false), stringFeature(key, rows, true),
    intFeature(key, rows, false), intFeature(key, rows, true),
  );
}

/** Crosses over the leaves the features offer (raw string/int keys, bucketized, identity and vocabulary columns). */
function crossesArb(leaves: CrossKey[]): fc.Arbitrary<FeatureColumn[]> {
  if (leaves.length < 2) return fc.constant([]);
  const one = fc.record({
    keys: fc.shuffledSubarray(leaves, { minLength: 2, maxLength: Math.min(3, leaves.length) }),
    size: fc.integer({ min: 1, max: 50 }),
    hashKey: fc.option(fc.nat(1 << 30), { nil: null }),
    nest: fc.option(fc.constantFrom(...leaves), { nil: null }),
  }).map(({ keys, size, hashKey, nest }) => {
    const inner = crossedColumn(keys, size, { hashKey });
    return nest === null ? inner : crossedColumn([inner, nest], size);
  });
  return fc.array(one, { maxLength: 2 });
}

/** Random column lists over 1 to 4 features, with their data in two record batches of `rowsArb` rows. */
function scenarioWithRows(rowsArb: fc.Arbitrary<[number, number]>): fc.Arbitrary<Scenario> {
  return fc.record({
    keys: fc.uniqueArray(fc.constantFrom(...KEYS), { minLength: 1, maxLength: 4 }),
    rows: rowsArb,
    hash: fc.constantFrom('xxh64', 'tf') as fc.Arbitrary<HashMode>,
  }).chain(({ keys, rows, hash }) => fc.tuple(...keys.map((k) => featureArb(k, rows))).chain((features) => {
    const leaves = features.flatMap((f) => f.leaves);
    return crossesArb(leaves).map((crosses): Scenario => {
      const byName = new Map<string, FeatureColumn>();
      for (const column of [...features.flatMap((f) => f.columns), ...crosses]) {
        if (!byName.has(columnName(column))) byName.set(columnName(column), column);
      }
      return { columns: [...byName.values()], fields: Object.assign({}, ...features.map((f) => f.fields)), rows, hash };
    });
  }));
}

/** Record batches of 1..6 rows (zero-row batches have their own test below). */
const scenarioArb: fc.Arbitrary<Scenario> = scenarioWithRows(fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 })));

function vector(type: DataType, values: unknown[]): Vector {
  return vectorFromArray(values, type);
}

/** The scenario's data as a Table of exactly two record batches (either may have 0 rows). */
function tableOf(s: Scenario): { whole: Table; a: Table; b: Table } {
  const part = (which: 'a' | 'b') => new Table(Object.fromEntries(Object.entries(s.fields).map(([k, f]) => [k, vector(f.type, f[which])])));
  const a = part('a');
  const b = part('b');
  return { whole: a.concat(b), a, b };
}

// ---------------------------------------------------------------------------------------------------------------
// Comparing feature batches.

interface PlainBatch {
  numRows: number;
  shape: [number, number];
  dense: number[];
  sparse: Record<string, { ids: number[]; offsets: number[]; weights: number[] | null; cardinality: number }>;
}

function plain(fb: FeatureBatch): PlainBatch {
  const sparse: PlainBatch['sparse'] = {};
  for (const [name, t] of Object.entries(fb.sparse)) {
    const count = t.offsets[t.offsets.length - 1];
    sparse[name] = {
      ids: Array.from(t.ids.subarray(0, count)), offsets: Array.from(t.offsets),
      weights: t.weights ? Array.from(t.weights.subarray(0, count)) : null, cardinality: t.cardinality,
    };
  }
  return { numRows: fb.numRows, shape: fb.dense.shape, dense: Array.from(fb.dense.values), sparse };
}

/** Rows [start, end) of a plain batch. */
function sliceRows(p: PlainBatch, start: number, end: number): PlainBatch {
  const width = p.shape[1];
  const sparse: PlainBatch['sparse'] = {};
  for (const [name, t] of Object.entries(p.sparse)) {
    const from = t.offsets[start];
    const to = t.offsets[end];
    sparse[name] = {
      ids: t.ids.slice(from, to), offsets: t.offsets.slice(start, end + 1).map((o) => o - from),
      weights: t.weights ? t.weights.slice(from, to) : null, cardinality: t.cardinality,
    };
  }
  return { numRows: end - start, shape: [end - start, width], dense: p.dense.slice(start * width, end * width), sparse };
}

const RUNS = { numRuns: 150 };

describe('properties: batching does not change results', () => {
  it('transform(Table of batches a, b) === concatFeatureBatches([transform(a), transform(b)]), fresh and warm graphs', () => {
    fc.assert(fc.property(scenarioArb, fc.constantFrom('default', 'all') as fc.Arbitrary<'default' | 'all'>, (s, sparse) => {
      const { whole, a, b } = tableOf(s);
      expect(whole.batches.length).toBe(2);
      const fresh = () => compile(s.columns, whole.schema, { hash: s.hash });
      const [batchA, batchB] = whole.batches as [RecordBatch, RecordBatch];

      // Each batch alone, each on its own fresh graph.
      const expected = plain(concatFeatureBatches([fresh().transform(batchA, { sparse }), fresh().transform(batchB, { sparse })]));
      expect(expected.numRows).toBe(s.rows[0] + s.rows[1]);

      // The whole table on a fresh graph.
      expect(plain(fresh().transform(whole, { sparse }))).toEqual(expected);

      // One graph, batch by batch: its caches carry over from a to b.
      const g = fresh();
      expect(plain(concatFeatureBatches([g.transform(batchA, { sparse }), g.transform(batchB, { sparse })]))).toEqual(expected);

      // A graph warmed on other data (b then a, and a table made of the two parts in reverse), then the whole table.
      const warm = fresh();
      warm.transform(b.concat(a), { sparse: 'all' });
      warm.transform(batchB, { sparse: 'default' });
      expect(plain(warm.transform(whole, { sparse }))).toEqual(expected);
      // ... with reused buffers.
      expect(plain(warm.transform(whole, { sparse, reuseBuffers: true }))).toEqual(expected);
      expect(plain(warm.transform(batchA, { sparse, reuseBuffers: true }))).toEqual(sliceRows(expected, 0, s.rows[0]));
    }), RUNS);
  });

  it('a slice of the table (chunks with a non-zero offset) gives the same rows as the whole', () => {
    fc.assert(fc.property(scenarioArb, fc.nat(), fc.nat(), (s, x, y) => {
      const { whole } = tableOf(s);
      const n = whole.numRows;
      const start = n === 0 ? 0 : x % (n + 1);
      const end = start + (n === start ? 0 : y % (n - start + 1));
      const full = plain(compile(s.columns, whole.schema, { hash: s.hash }).transform(whole, { sparse: 'all' }));
      const sliced = whole.slice(start, end);
      const got = plain(compile(s.columns, whole.schema, { hash: s.hash }).transform(sliced, { sparse: 'all' }));
      expect(got).toEqual(sliceRows(full, start, end));
    }), { numRuns: 100 });
  });

  it('a slice of FixedSizeList columns reads the sliced rows (numeric and categorical)', () => {
    const t = new Table({
      z: vectorFromArray([[10, 11], [12, 13], [14, 15], [16, 17]], new FixedSizeList(2, item(new Float32()))),
      s: vectorFromArray([['a'], ['b'], ['c'], ['a']], new FixedSizeList(1, item(new Utf8()))),
    });
    const columns = [numericColumn('z', { shape: [2] }), indicatorColumn(categoricalColumnWithVocabularyList('s', ['a', 'b', 'c']))];
    const fb = compile(columns, t.schema).transform(t.slice(1, 3));
    // rows 1 and 2: s_indicator (b, then c), then z
    expect(Array.from(fb.dense.values)).toEqual([0, 1, 0, 12, 13, 0, 0, 1, 14, 15]);
  });
});

describe('properties: empty record batches', () => {
  // new Table({x: emptyVector}) makes a 0-row batch whose Data has no value buffers (data.values is undefined).
  it('a 0-row record batch before or after a non-empty one transforms to 0 rows, and the table to the other batch alone', () => {
    const rowsArb = fc.oneof(
      fc.tuple(fc.constant(0), fc.integer({ min: 1, max: 4 })),
      fc.tuple(fc.integer({ min: 1, max: 4 }), fc.constant(0)),
    ) as fc.Arbitrary<[number, number]>;
    fc.assert(fc.property(scenarioWithRows(rowsArb), (s) => {
      const { whole } = tableOf(s);
      const [batchA, batchB] = whole.batches as [RecordBatch, RecordBatch];
      const empty = s.rows[0] === 0 ? batchA : batchB;
      const full = s.rows[0] === 0 ? batchB : batchA;
      const graph = compile(s.columns, whole.schema, { hash: s.hash });
      const none = graph.transform(empty, { sparse: 'all' });
      expect(none.numRows).toBe(0);
      expect(none.dense.values.length).toBe(0);
      for (const t of Object.values(none.sparse)) expect(Array.from(t.offsets)).toEqual([0]);
      const expected = plain(compile(s.columns, whole.schema, { hash: s.hash }).transform(full, { sparse: 'all' }));
      expect(plain(graph.transform(whole, { sparse: 'all' }))).toEqual(expected);
    }), { numRuns: 60 });
  });
});

// ---------------------------------------------------------------------------------------------------------------

/** Extra columns for the config round trip that need no data: vocabulary files, nested crosses, odd options. */
const configOnlyArb: fc.Arbitrary<FeatureColumn[]> = fc.array(fc.oneof(
  fc.record({
    key: fc.constantFrom(...KEYS), size: fc.option(fc.integer({ min: 1, max: 100 }), { nil: null }),
    oov: fc.integer({ min: 0, max: 3 }), dtype: fc.constantFrom('string', 'int64') as fc.Arbitrary<'string' | 'int64'>,
  }).map(({ key, size, oov, dtype }) => categoricalColumnWithVocabularyFile(key, `/vocab/${key}.txt`, { vocabularySize: size, numOovBuckets: oov, dtype })),
  fc.record({ key: fc.constantFrom(...KEYS), shape: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }), d: fc.double({ min: -1e6, max: 1e6, noNaN: true }) })
    .filter(({ d }) => !Object.is(d, -0))
    .map(({ key, shape, d }) => numericColumn(key, { shape, defaultValue: d, dtype: 'float64' })),
), { maxLength: 3 });

describe('properties: config round trip', () => {
  it('fromConfig(JSON(toConfig(cols))) deep-equals cols, and serializes to the same JSON', () => {
    fc.assert(fc.property(scenarioArb, configOnlyArb, (s, extra) => {
      const cols = [...s.columns, ...extra];
      const json = JSON.stringify(toConfig(cols));
      const back = fromConfig(JSON.parse(json));
      expect(back).toEqual(cols);
      expect(JSON.stringify(toConfig(back))).toBe(json);
      expect(back.map(columnName)).toEqual(cols.map(columnName));
      // The string form is accepted too.
      expect(fromConfig(json)).toEqual(cols);
    }), RUNS);
  });

  it('non-finite numbers (a NaN or infinite default, infinite boundaries) survive the JSON round trip', () => {
    const cols = [
      numericColumn('a', { defaultValue: NaN }),
      numericColumn('b', { defaultValue: Infinity }),
      bucketizedColumn(numericColumn('c'), [-Infinity, 0, Infinity]),
    ];
    const back = fromConfig(JSON.parse(JSON.stringify(toConfig(cols))));
    expect(back).toEqual(cols);
  });
});

// ---------------------------------------------------------------------------------------------------------------

/** Python str ordering: by code point. */
function codePointLess(x: string, y: string): boolean {
  const a = Array.from(x, (c) => c.codePointAt(0)!);
  const b = Array.from(y, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] < b[i];
  return a.length < b.length;
}

describe('properties: compiled layout and outputs are well formed', () => {
  it('dense width = sum of widths, contiguous offsets sorted by name, labels prefixed, ragged outputs valid', () => {
    fc.assert(fc.property(scenarioArb, (s) => {
      const { whole } = tableOf(s);
      const graph = compile(s.columns, whole.schema, { hash: s.hash });
      const fb = graph.transform(whole, { sparse: 'all' });
      const layout = fb.dense.layout;
      const width = layout.reduce((n, e) => n + e.width, 0);
      expect(fb.dense.shape).toEqual([whole.numRows, width]);
      expect(graph.denseWidth).toBe(width);
      expect(fb.dense.values.length).toBe(whole.numRows * width);
      let offset = 0;
      for (const e of layout) {
        expect(e.offset).toBe(offset);
        expect(e.slots.length).toBe(e.width);
        for (const slot of e.slots) expect(slot.startsWith(e.name)).toBe(true);
        offset += e.width;
      }
      for (let i = 1; i < layout.length; i++) expect(codePointLess(layout[i - 1].name, layout[i].name)).toBe(true);
      // Every dense column of the list is in the layout, and nothing else.
      const denseNames = s.columns.filter((c) => c.type === 'numeric' || c.type === 'bucketized' || c.type === 'indicator').map(columnName);
      expect(layout.map((e) => e.name).sort()).toEqual([...denseNames].sort());
      // Embedding and bare categorical columns are ragged outputs by default.
      const sparseNames = s.columns.filter((c) => c.type !== 'numeric' && c.type !== 'bucketized' && c.type !== 'indicator').map(columnName);
      expect(graph.sparseNames().sort()).toEqual([...sparseNames].sort());
      for (const [name, t] of Object.entries(fb.sparse)) {
        expect(t.offsets.length, name).toBe(whole.numRows + 1);
        expect(t.offsets[0], name).toBe(0);
        for (let r = 0; r < whole.numRows; r++) expect(t.offsets[r + 1] >= t.offsets[r], name).toBe(true);
        const count = t.offsets[whole.numRows];
        expect(t.ids.length, name).toBe(count);
        if (t.weights) expect(t.weights.length, name).toBe(count);
        for (const id of t.ids) expect(Number.isInteger(id) && id >= 0 && id < t.cardinality, `${name}: id ${id} of ${t.cardinality}`).toBe(true);
      }
      // Bucketized blocks are one-hots: one 1 per element of the source shape.
      for (const e of layout.filter((x) => x.kind === 'bucketized')) {
        const column = s.columns.find((c) => columnName(c) === e.name) as { sourceColumn: NumericColumn };
        const k = column.sourceColumn.shape[0];
        for (let r = 0; r < whole.numRows; r++) {
          const row = Array.from(fb.dense.values.subarray(r * width + e.offset, r * width + e.offset + e.width));
          expect(row.every((v) => v === 0 || v === 1)).toBe(true);
          expect(row.reduce((p, q) => p + q, 0)).toBe(k);
        }
      }
    }), RUNS);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// A naive reference, written from SEMANTICS.md §1, §3, §4, §5, §9, §10 and DESIGN.md §5 (missing values).

/** §3: number of boundaries b with b <= x, compared in float32; NaN → last bucket. */
function refBucket(x: number, boundaries: readonly number[]): number {
  const xf = Math.fround(x);
  if (Number.isNaN(xf)) return boundaries.length;
  return boundaries.filter((b) => Math.fround(b) <= xf).length;
}

/** §5 / §1: the id of one string value, or null for no id. Scalar '' is dropped; a list '' is looked up. */
function refVocabId(v: string | null, vocab: readonly string[], defaultValue: number, scalar: boolean): number | null {
  if (v === null) return null;
  if (scalar && v === '') return null;
  const i = vocab.indexOf(v);
  if (i >= 0) return i;
  return defaultValue >= 0 ? defaultValue : null;
}

/** §4 with a default: scalar -1 dropped, anything else outside [0, n) becomes the default. */
function refIdentityId(v: number | null, n: number, defaultValue: number, scalar: boolean): number | null {
  if (v === null) return null;
  if (scalar && v === -1) return null;
  return v >= 0 && v < n ? v : defaultValue;
}

describe('properties: agreement with a naive reference', () => {
  const rowsArb = fc.integer({ min: 1, max: 12 });

  it('bucketized one-hots (scalar and shape [k]) and bucket ids', () => {
    const caseArb = fc.record({ n: rowsArb, k: fc.integer({ min: 1, max: 3 }), boundaries: boundariesArb, asList: fc.boolean(), f64: fc.boolean() })
      .chain((p) => fc.array(fc.array(p.f64 ? float64Cell : float32Cell, { minLength: p.k, maxLength: p.k }), { minLength: p.n, maxLength: p.n })
        .map((values) => ({ ...p, values })));
    fc.assert(fc.property(caseArb, ({ n, k, boundaries, asList, f64, values }) => {
      const field = asList || k > 1
        ? vectorFromArray(values, new FixedSizeList(k, item(f64 ? new Float64() : new Float32())))
        : vectorFromArray(values.map((v) => v[0]), f64 ? new Float64() : new Float32());
      const t = new Table({ x: field });
      const column = bucketizedColumn(numericColumn('x', { shape: [k] }), boundaries);
      const fb = compile([column, indicatorColumn(column)], t.schema).transform(t, { sparse: 'all' });
      const depth = boundaries.length + 1;
      const width = 2 * k * depth; // x_bucketized, then x_bucketized_indicator (same width, same values)
      expect(fb.dense.shape).toEqual([n, width]);
      for (let r = 0; r < n; r++) {
        const want = new Array<number>(k * depth).fill(0);
        const ids: number[] = [];
        for (let j = 0; j < k; j++) {
          const bucket = refBucket(values[r][j], boundaries);
          want[j * depth + bucket] = 1;
          ids.push(bucket + depth * j);
        }
        expect(Array.from(fb.dense.values.subarray(r * width, (r + 1) * width)), `row ${r}: ${values[r]}`).toEqual([...want, ...want]);
        const t2 = fb.sparse.x_bucketized;
        expect(Array.from(t2.ids.subarray(t2.offsets[r], t2.offsets[r + 1]))).toEqual(ids);
      }
    }), RUNS);
  });

  it('vocabulary indicator counts (scalar Utf8 or dictionary, and List<Utf8>), with nulls, "" and OOV', () => {
    const cell = fc.option(fc.constantFrom(...STRINGS, 'oov'), { nil: null, freq: 5 });
    fc.assert(fc.property(
      fc.uniqueArray(fc.constantFrom(...STRINGS), { minLength: 1, maxLength: 6 }), fc.integer({ min: -1, max: 5 }), fc.boolean(),
      fc.array(cell, { minLength: 1, maxLength: 10 }), fc.array(fc.option(fc.array(cell, { maxLength: 4 }), { nil: null, freq: 5 }), { minLength: 1, maxLength: 10 }),
      (vocab, dflt, dict, scalars, lists) => {
        const defaultValue = dflt < 0 ? -1 : Math.min(dflt, vocab.length - 1);
        const strType = () => (dict ? new Dictionary(new Utf8(), new Int32()) : new Utf8());
        const sT = new Table({ s: vectorFromArray(scalars, strType()) });
        const lT = new Table({ s: vectorFromArray(lists, new List(item(strType()))) });
        const column = indicatorColumn(categoricalColumnWithVocabularyList('s', vocab, { defaultValue }));
        for (const [t, rows, scalar] of [[sT, scalars.map((v) => [v]), true], [lT, lists.map((v) => v ?? []), false]] as const) {
          const fb = compile([column], t.schema).transform(t);
          rows.forEach((row, r) => {
            const want = new Array<number>(vocab.length).fill(0);
            for (const v of row) {
              const id = refVocabId(v, vocab, defaultValue, scalar);
              if (id !== null) want[id] += 1;
            }
            expect(Array.from(fb.dense.values.subarray(r * vocab.length, (r + 1) * vocab.length)), `row ${r} ${JSON.stringify(row)}`).toEqual(want);
          });
        }
      }), RUNS);
  });

  it('identity indicator counts with a default (scalar Int32 and List<Int64>), with nulls and -1', () => {
    const int = fc.option(fc.integer({ min: -3, max: 9 }), { nil: null, freq: 5 });
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 8 }), fc.nat(7), fc.array(int, { minLength: 1, maxLength: 10 }),
      fc.array(fc.option(fc.array(int, { maxLength: 4 }), { nil: null, freq: 5 }), { minLength: 1, maxLength: 10 }),
      (numBuckets, d, scalars, lists) => {
        const defaultValue = Math.min(d, numBuckets - 1);
        const sT = new Table({ k: vectorFromArray(scalars, new Int32()) });
        const lT = new Table({ k: vectorFromArray(lists.map((l) => l && l.map((v) => (v === null ? null : BigInt(v)))), new List(item(new Int64()))) });
        const column = indicatorColumn(categoricalColumnWithIdentity('k', numBuckets, { defaultValue }));
        for (const [t, rows, scalar] of [[sT, scalars.map((v) => [v]), true], [lT, lists.map((v) => v ?? []), false]] as const) {
          const fb = compile([column], t.schema).transform(t);
          rows.forEach((row, r) => {
            const want = new Array<number>(numBuckets).fill(0);
            for (const v of row) {
              const id = refIdentityId(v, numBuckets, defaultValue, scalar);
              if (id !== null) want[id] += 1;
            }
            expect(Array.from(fb.dense.values.subarray(r * numBuckets, (r + 1) * numBuckets)), `row ${r} ${JSON.stringify(row)}`).toEqual(want);
          });
        }
      }), RUNS);
  });

  it("crossed ids per row = product of the leaves' value counts, and each row's ids = that row transformed alone", () => {
    const str = fc.option(fc.constantFrom(...STRINGS), { nil: null, freq: 6 });
    const int = fc.option(fc.integer({ min: -2, max: 5 }), { nil: null, freq: 6 });
    const rowArb = fc.record({
      p: fc.option(fc.array(str, { maxLength: 4 }), { nil: null, freq: 6 }),
      q: fc.option(fc.array(int, { maxLength: 4 }), { nil: null, freq: 6 }),
      r: str,
    });
    const types = { p: new List(item(new Utf8())), q: new List(item(new Int64())), r: new Utf8() };
    const toTable = (rows: { p: (string | null)[] | null; q: (number | null)[] | null; r: string | null }[]) => new Table({
      p: vectorFromArray(rows.map((x) => x.p), types.p),
      q: vectorFromArray(rows.map((x) => x.q && x.q.map((v) => (v === null ? null : BigInt(v)))), types.q),
      r: vectorFromArray(rows.map((x) => x.r), types.r),
    });
    const keysArb = fc.constantFrom(['p', 'q'], ['p', 'q', 'r'], ['q', 'p', 'p'], ['r', 'p'], ['p', 'p', 'q']);
    fc.assert(fc.property(fc.array(rowArb, { minLength: 1, maxLength: 8 }), keysArb, fc.integer({ min: 1, max: 40 }), fc.constantFrom('xxh64', 'tf') as fc.Arbitrary<HashMode>,
      (rows, keys, size, hash) => {
        const t = toTable(rows);
        const column = crossedColumn(keys, size);
        const name = columnName(column);
        const out = compile([column], t.schema, { hash }).transform(t).sparse[name];
        const countOf = (x: (typeof rows)[number], key: string) =>
          key === 'r' ? (x.r === null ? 0 : 1) : ((x as Record<string, unknown[] | null>)[key] ?? []).filter((v) => v !== null).length;
        rows.forEach((x, r) => {
          const want = keys.reduce((n, key) => n * countOf(x, key), 1);
          expect(out.offsets[r + 1] - out.offsets[r], `row ${r}: ${JSON.stringify(x)}`).toBe(want);
          const alone = compile([column], t.schema, { hash }).transform(toTable([x])).sparse[name];
          expect(Array.from(out.ids.subarray(out.offsets[r], out.offsets[r + 1])), `row ${r}`).toEqual(Array.from(alone.ids));
        });
        expect(out.ids.every((id) => id >= 0 && id < size)).toBe(true);
      }), RUNS);
  });

  it('crossed ids: a one-value row after rows with many combinations keeps its id (fresh graph)', () => {
    // Rows of 8, 8, then 1 and 1 combinations: the first two fill the initial id buffer.
    const t = new Table({ e: vectorFromArray([[2, 4], [2, -2], [2], [7]], new List(item(new Int32()))) });
    const column = crossedColumn(['e', 'e', 'e'], 10);
    const out = compile([column], t.schema).transform(t).sparse.e_X_e_X_e;
    expect(Array.from(out.offsets)).toEqual([0, 8, 16, 17, 18]);
    expect(out.ids.length).toBe(18);
  });

  it('weighted vocabulary indicator sums the weights per id; OOV weights are dropped', () => {
    fc.assert(fc.property(
      fc.uniqueArray(fc.constantFrom(...STRINGS), { minLength: 1, maxLength: 5 }),
      fc.array(fc.option(fc.array(fc.tuple(fc.constantFrom(...STRINGS, 'oov'), fc.integer({ min: -4, max: 8 }).map((w) => w / 4)), { maxLength: 4 }), { nil: null, freq: 5 }), { minLength: 1, maxLength: 10 }),
      (vocab, rows) => {
        const t = new Table({
          s: vectorFromArray(rows.map((r) => r && r.map(([v]) => v)), new List(item(new Utf8()))),
          w: vectorFromArray(rows.map((r) => r && r.map(([, w]) => w)), new List(item(new Float32()))),
        });
        const column = indicatorColumn(weightedCategoricalColumn(categoricalColumnWithVocabularyList('s', vocab), 'w'));
        const fb = compile([column], t.schema).transform(t);
        rows.forEach((row, r) => {
          const want = new Array<number>(vocab.length).fill(0);
          for (const [v, w] of row ?? []) {
            const id = refVocabId(v, vocab, -1, false);
            if (id !== null) want[id] += w;
          }
          expect(Array.from(fb.dense.values.subarray(r * vocab.length, (r + 1) * vocab.length))).toEqual(want);
        });
      }), RUNS);
  });
});
