import { describe, expect, it } from 'vitest';
import { FitError, fit } from '../../src/analyze/index.ts';
import { compile, numericColumn, toConfig, type NumericColumn } from '../../src/index.ts';
import { f64, failure, i64, table } from './helpers.ts';

async function normalizer(values: (number | null)[], kind: 'zscore' | 'minmax', options: { shape?: number; defaultValue?: number } = {}) {
  const { columns, report } = await fit([numericColumn('x', { normalizer: kind, ...options })], table({ x: f64(values) }, 3));
  return { column: columns[0] as NumericColumn, report };
}

describe('normalizers from data', () => {
  it('zscore: mean and population std, in float64', async () => {
    const { column, report } = await normalizer([2, 4, 4, 4, 5, 5, 7, 9], 'zscore');
    expect(column.normalizer).toEqual({ zscore: { mean: 5, std: 2 } }); // the textbook example: variance 32/8 = 4
    expect(report.fitted[0]).toEqual({ kind: 'zscore', columns: ['x'], key: 'x', values: 8, nanSkipped: 0, mean: 5, std: 2 });
  });

  it('agrees with a naive two-pass computation on values with a large offset', async () => {
    const values = Array.from({ length: 1000 }, (_, i) => 1e9 + ((i * 7919) % 1000) / 7);
    // Reference on the shifted values (v - 1e9 is exact, Sterbenz): no large sums to lose digits in.
    const shifted = values.map((v) => v - 1e9);
    const shiftedMean = shifted.reduce((a, b) => a + b, 0) / values.length;
    const mean = 1e9 + shiftedMean;
    const std = Math.sqrt(shifted.reduce((a, b) => a + (b - shiftedMean) ** 2, 0) / values.length);
    const { column } = await normalizer(values, 'zscore');
    const fitted = (column.normalizer as { zscore: { mean: number; std: number } }).zscore;
    expect(fitted.mean).toBeCloseTo(mean, 6);
    expect(fitted.std / std).toBeCloseTo(1, 12);
  });

  it('skips NaN (counted) and nulls', async () => {
    const { column, report } = await normalizer([1, NaN, null, 3, NaN], 'zscore');
    expect(column.normalizer).toEqual({ zscore: { mean: 2, std: 1 } });
    expect(report.fitted[0]).toMatchObject({ values: 2, nanSkipped: 2 });
    expect(report.features[0]).toMatchObject({ rows: 5, nulls: 1, nan: 2, values: 4, min: 1, max: 3, mean: 2, std: 1 });
  });

  it('minmax: min and max; keeps shape, dtype and default', async () => {
    const { column } = await normalizer([3, -2, 10, NaN, 0, null, 4, 1], 'minmax', { shape: 2, defaultValue: 7 });
    expect(column).toMatchObject({ normalizer: { minmax: { min: -2, max: 10 } }, shape: [2], defaultValue: [7, 7], dtype: 'float32' });
  });

  it('fails on a constant feature, naming the column and why', async () => {
    const z = await failure(normalizer([3, 3, null, 3], 'zscore'));
    expect(z).toBeInstanceOf(FitError);
    expect(z.message).toBe("column 'x': constant feature: all 3 values of 'x' are 3, so the std is 0 and normalizing would divide by zero; drop the normalizer or the column");
    const m = await failure(normalizer([5], 'minmax'));
    expect(m.message).toMatch(/constant feature: all 1 values of 'x' are 5, so max - min is 0/);
    const none = await failure(normalizer([null, NaN], 'zscore'));
    expect(none.message).toMatch(/no values to measure zscore statistics from: 2 rows, 1 missing, 1 NaN/);
    const inf = await failure(normalizer([1, Infinity], 'minmax'));
    expect(inf.message).toMatch(/reach 1 \.\. Infinity; minmax needs finite values/);
  });

  it('reads Int64 features; the fitted spec compiles and scales as measured', async () => {
    const data = table({ n: i64([10, 20, 30, 40]) });
    const { columns } = await fit([numericColumn('n', { normalizer: 'minmax' })], data);
    expect(JSON.stringify(toConfig(columns))).not.toContain('from_data');
    const out = compile(columns, data.schema).transform(data);
    expect(Array.from(out.dense.values)).toEqual([0, 1 / 3, 2 / 3, 1].map(Math.fround));
  });
});
