import { describe, expect, it } from 'vitest';
import { FitError, fit, quantileRank } from '../../src/analyze/index.ts';
import { type BucketizedColumn, bucketizedColumn, compile, numericColumn, toConfig, type NumericColumn } from '../../src/index.ts';
import { Float32 } from 'apache-arrow';
import { f64, failure, fixedList, i32, table, utf8 } from './helpers.ts';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function boundaries(values: (number | null)[], numBuckets: number, source: NumericColumn = numericColumn('x')) {
  const { columns, report } = await fit([bucketizedColumn(source, { numBuckets })], table({ [source.key]: f64(values) }, 37));
  return { boundaries: (columns[0] as BucketizedColumn).boundaries as number[], columns, report };
}

/** Bucket counts after compile + transform of the fitted column, on the same data. */
function bucketCounts(columns: Awaited<ReturnType<typeof boundaries>>['columns'], values: number[]): number[] {
  const data = table({ x: f64(values) });
  const out = compile(columns, data.schema).transform(data);
  const width = out.dense.shape[1];
  const counts = new Array(width).fill(0);
  for (let r = 0; r < out.numRows; r++) for (let j = 0; j < width; j++) counts[j] += out.dense.values[r * width + j];
  return counts;
}

describe('quantile boundaries (exact)', () => {
  it('defines boundary i as x[floor(i·m/numBuckets)] of the sorted values (0-based)', () => {
    expect([1, 2, 3].map((i) => quantileRank(i, 4, 100))).toEqual([25, 50, 75]);
    expect([1, 2].map((i) => quantileRank(i, 3, 10))).toEqual([3, 6]);
    expect([1, 2, 3, 4].map((i) => quantileRank(i, 5, 7))).toEqual([1, 2, 4, 5]); // 1.4, 2.8, 4.2, 5.6
  });

  it('1..100 in 4 buckets gives [26, 51, 76]: 25 values per bucket', async () => {
    const shuffled = range(1, 100).map((v) => ((v * 37) % 100) + 1); // a permutation of 1..100
    const { boundaries: b, columns, report } = await boundaries(shuffled, 4);
    expect(b).toEqual([26, 51, 76]);
    expect(bucketCounts(columns, shuffled)).toEqual([25, 25, 25, 25]);
    expect(report.fitted[0]).toMatchObject({ kind: 'boundaries', numBuckets: 4, buckets: 4, duplicatesRemoved: 0, values: 100, method: 'exact', rankError: 0 });
  });

  it('hand cases: 1..10 in 3 buckets, 7 values in 5, a single value', async () => {
    expect((await boundaries(range(1, 10), 3)).boundaries).toEqual([4, 7]); // sorted[3], sorted[6]
    expect((await boundaries([70, 10, 30, 20, 60, 50, 40], 5)).boundaries).toEqual([20, 30, 50, 60]); // sorted[1, 2, 4, 5]
    expect((await boundaries([0.5, 0.25], 2)).boundaries).toEqual([0.5]); // sorted[1]
  });

  it('leaves out nulls and NaN', async () => {
    const { boundaries: b, report } = await boundaries([null, 4, NaN, 1, 3, null, 2, NaN], 2);
    expect(b).toEqual([3]); // sorted [1, 2, 3, 4], index 2
    expect(report.fitted[0]).toMatchObject({ values: 4 });
    expect(report.features[0]).toMatchObject({ rows: 8, nulls: 2, nan: 2, values: 6 });
  });

  it('removes repeated quantiles, so boundaries stay strictly increasing, and says so', async () => {
    // Sorted: 1 2 3 4 (indexes 0-3), 5 ×80 (4-83), 6 .. 21 (84-99). Indexes 10, 20, .., 80 are all 5; index 90 is 12.
    const values = [...new Array(80).fill(5), ...range(1, 4), ...range(6, 21)];
    const { boundaries: b, report, columns } = await boundaries(values, 10);
    expect(b).toEqual([5, 12]);
    expect(report.fitted[0]).toMatchObject({ buckets: 3, numBuckets: 10, duplicatesRemoved: 7 });
    expect(bucketCounts(columns, values)).toEqual([4, 86, 10]);
  });

  it('compares in float32: values equal as float32 make one boundary', async () => {
    const a = 0.1;
    const b = 0.1 + 1e-12; // a different float64, the same float32
    expect(Math.fround(a)).toBe(Math.fround(b));
    const { boundaries: bs } = await boundaries([0, a, b, 1], 4); // sorted[1] = a, sorted[2] = b, sorted[3] = 1
    expect(bs).toEqual([Math.fround(a), 1]);
  });

  it('takes quantiles on the values bucketize sees: after a fitted z-score, as float32', async () => {
    const values = range(1, 100);
    const source = numericColumn('x', { normalizer: 'zscore' });
    const { boundaries: b, columns } = await boundaries(values, 4, source);
    const mean = 50.5;
    const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / 100);
    expect(b).toEqual([26, 51, 76].map((v) => Math.fround((v - mean) * (1 / std))));
    expect(bucketCounts(columns, values)).toEqual([25, 25, 25, 25]);
  });

  it('after log1p, leaves out the values below -1 (NaN after log1p)', async () => {
    const source = numericColumn('x', { normalizer: 'log1p' });
    const { boundaries: b } = await boundaries([-5, -3, 0, 1, 3, 7], 2, source);
    expect(b).toEqual([Math.fround(Math.log1p(3))]); // over [0, 1, 3, 7]: sorted[2]
  });

  it('pools every element of a multi-valued source', async () => {
    const data = table({ v: fixedList([[4, 1], [3, 2], [null, 6], [5, 7]], 2, new Float32()) });
    const { columns } = await fit([bucketizedColumn(numericColumn('v', { shape: 2, defaultValue: 0 }), { numBuckets: 2 })], data);
    expect((columns[0] as BucketizedColumn).boundaries).toEqual([4]); // sorted 1..7 minus the null: [1,2,3,4,5,6,7], index 3
  });

  it('reads integer features, and serializes with no from_data left', async () => {
    const { columns } = await fit([bucketizedColumn(numericColumn('n'), { numBuckets: 2 })], table({ n: i32([3, 1, 2, 4]) }));
    expect((columns[0] as BucketizedColumn).boundaries).toEqual([3]);
    expect(JSON.stringify(toConfig(columns))).not.toContain('from_data');
  });

  it('fails when there is nothing to take quantiles of', async () => {
    const error = await failure(boundaries([null, NaN], 4));
    expect(error).toBeInstanceOf(FitError);
    expect(error.message).toMatch(/column 'x_bucketized': no values to take quantiles of: 2 rows, 1 missing, 1 NaN/);
    const strings = await failure(fit([bucketizedColumn(numericColumn('s'), { numBuckets: 2 })], table({ s: utf8(['a']) })));
    expect(strings.message).toMatch(/column 's_bucketized': quantile boundaries need numbers, but feature 's' is Utf8/);
  });
});
