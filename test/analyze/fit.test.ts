import { RecordBatch } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { FitError, fit, formatFitReport } from '../../src/analyze/index.ts';
import {
  SpecError, bucketizedColumn, categoricalColumnWithHashBucket, categoricalColumnWithVocabularyList, compile, crossedColumn,
  embeddingColumn, fromConfig, indicatorColumn, numericColumn, pendingFits, toConfig, vocabularyFromData, weightedCategoricalColumn,
  type CrossedColumn, type FeatureColumn, type VocabularyListColumn,
} from '../../src/index.ts';
import { f64, failure, table, utf8 } from './helpers.ts';

const data = () => table({
  city: utf8(['b', 'a', 'b', 'c', 'b', 'a']),
  price: f64([1, 2, 3, 4, 5, 6]),
  weight: f64([1, 1, 2, 2, 3, 3]),
}, 4);

describe('fit', () => {
  it('resolves placeholders nested in crossed, weighted, indicator and embedding columns', async () => {
    const city = categoricalColumnWithVocabularyList('city', vocabularyFromData());
    const price = bucketizedColumn(numericColumn('price', { normalizer: 'zscore' }), { numBuckets: 3 });
    const columns: FeatureColumn[] = [
      crossedColumn([price, city], 10),
      weightedCategoricalColumn(city, 'weight'),
      indicatorColumn(price),
      embeddingColumn(city, 2, { combiner: 'sqrtn' }),
    ];
    const { columns: fitted, report } = await fit(columns, data());
    expect(pendingFits(fitted)).toEqual([]);
    const json = toConfig(fitted);
    expect(JSON.stringify(json)).not.toContain('from_data');
    expect(fromConfig(JSON.parse(JSON.stringify(json)))).toEqual(fitted);
    const crossed = fitted[0] as CrossedColumn;
    expect(crossed.keys[1]).toMatchObject({ vocabularyList: ['b', 'a', 'c'] });
    // sorted 1..6, indexes 2 and 4 → 3 and 5, z-scored with mean 3.5 and std sqrt(35/12), as float32
    const std = Math.sqrt(35 / 12);
    expect(crossed.keys[0]).toMatchObject({ boundaries: [3, 5].map((v) => Math.fround((v - 3.5) * (1 / std))) });
    expect(fitted[3]).toMatchObject({ type: 'embedding', combiner: 'sqrtn', dimension: 2 });
    // Each placeholder once: the vocabulary, the z-score, the boundaries.
    expect(report.fitted.map((f) => f.kind).sort()).toEqual(['boundaries', 'vocabulary', 'zscore']);
    expect(report.features.map((f) => f.key)).toEqual(['price', 'city', 'weight']);
    const graph = compile(fitted, data().schema);
    expect(graph.transform(data()).numRows).toBe(6);
  });

  it('computes an equal placeholder once even when the column objects differ (e.g. loaded from JSON)', async () => {
    const a = categoricalColumnWithVocabularyList('city', vocabularyFromData({ topK: 2 }));
    const [b] = fromConfig(JSON.parse(JSON.stringify(toConfig([a])))) as [typeof a];
    expect(b).not.toBe(a);
    const { columns, report } = await fit([indicatorColumn(a), embeddingColumn(b, 3)], data());
    expect(report.fitted).toHaveLength(1);
    expect(toConfig(columns).map((c) => (c.config.categorical_column as { config: unknown }).config))
      .toEqual([{ key: 'city', dtype: 'string', vocabulary_list: ['b', 'a'], default_value: -1, num_oov_buckets: 0 }, expect.anything()]);
  });

  it('returns columns without placeholders as they are', async () => {
    const hashed = categoricalColumnWithHashBucket('city', 5);
    const { columns, report } = await fit([hashed, numericColumn('price')], data());
    expect(columns[0]).toBe(hashed);
    expect(report.fitted).toEqual([]);
    expect(report.features.find((f) => f.key === 'price')).toMatchObject({ min: 1, max: 6, mean: 3.5, distinct: 6 });
  });

  it('reads any batch source: a Table, a RecordBatch, an array, an async stream', async () => {
    const column = categoricalColumnWithVocabularyList('city', vocabularyFromData());
    const batches = data().batches;
    async function* stream() { for (const b of batches) yield b; }
    for (const source of [data(), batches, stream(), batches[0] as RecordBatch]) {
      const { columns, report } = await fit([column], source);
      expect(report.rowsSeen).toBe(source === batches[0] ? 4 : 6);
      expect((columns[0] as VocabularyListColumn).vocabularyList).toEqual(['b', 'a', 'c']);
    }
  });

  it('reports a feature profile, JSON-serializable, and counts distinct values up to distinctLimit', async () => {
    const values = Array.from({ length: 300 }, (_, i) => `v${i % 150}`);
    const { report } = await fit([categoricalColumnWithHashBucket('s', 10), numericColumn('x')],
      table({ s: utf8(values), x: f64(values.map((_, i) => i % 120)) }, 64), { distinctLimit: 100 });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect(report.features[0]).toMatchObject({ key: 's', kind: 'string', rows: 300, distinct: 100, distinctExact: false });
    expect(report.features[1]).toMatchObject({ key: 'x', kind: 'float', distinct: 100, distinctExact: false, min: 0, max: 119 });
    expect(report.batches).toBe(5);
    expect(report.seconds).toBeGreaterThanOrEqual(0);
    const exact = await fit([categoricalColumnWithHashBucket('s', 10)], table({ s: utf8(values) }));
    expect(exact.report.features[0]).toMatchObject({ distinct: 150, distinctExact: true });
  });

  it('formats the report as a table', async () => {
    const city = categoricalColumnWithVocabularyList('city', vocabularyFromData({ minFrequency: 2 }));
    const { report } = await fit([indicatorColumn(city), bucketizedColumn(numericColumn('price'), { numBuckets: 2 })], data());
    const text = formatFitReport({ ...report, seconds: 0.5 });
    expect(text).toBe([
      'fit: 6 rows in 2 batches, 0.50 s, 12 rows/s',
      '',
      'feature  type     rows  missing  NaN  distinct  min  max  mean  std',
      'city     Utf8     6     0        -    3         -    -    -     -',
      'price    Float64  6     0        0    6         1    6    3.5   1.70783',
      '',
      'fitted            value',
      'price_bucketized  1 boundary (exact, 6 values): 4',
      'city              vocabulary of 2 (of 3 distinct; dropped 1 seen < 2 times): "b" ×3, "a" ×2',
    ].join('\n'));
  });

  it('fails clearly on no data, and on two vocabularies sharing one file', async () => {
    const column = categoricalColumnWithVocabularyList('city', vocabularyFromData());
    async function* nothing(): AsyncGenerator<RecordBatch> { /* no batches */ }
    const empty = await failure(fit([column], nothing()));
    expect(empty).toBeInstanceOf(FitError);
    expect(empty.message).toBe("column 'city': the data has no batches, so there is nothing to fit");
    const clash = await failure(fit([
      categoricalColumnWithVocabularyList('city', vocabularyFromData({ vocabularyFile: '/tmp/v.txt' })),
      categoricalColumnWithVocabularyList('town', vocabularyFromData({ vocabularyFile: '/tmp/v.txt' })),
    ], data()));
    expect(clash).toBeInstanceOf(SpecError);
    expect(clash.message).toMatch(/vocabulary file '\/tmp\/v.txt' is also the file of another vocabulary \(city\)/);
  });
});
