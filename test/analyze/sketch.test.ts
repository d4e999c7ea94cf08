import { Float64, makeData, makeVector } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { KllSketch, fit, quantileRank, sketchRankError } from '../../src/analyze/index.ts';
import { type BucketizedColumn, bucketizedColumn, numericColumn } from '../../src/index.ts';
import { random, table } from './helpers.ts';

const N = 2_000_000;

/** How far (in ranks) value v is from target rank t: 0 when some copy of v sits at rank t. */
function rankDistance(sorted: Float64Array, v: number, t: number): number {
  const lo = lowerBound(sorted, v); // values < v
  const hi = lowerBound(sorted, nextUp(v)); // values <= v
  if (t < lo) return lo - t;
  if (t >= hi) return t - (hi - 1);
  return 0;
}

function lowerBound(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The next float64 above x (x finite). */
function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  const bits = new BigInt64Array(new Float64Array([x]).buffer);
  bits[0] += x > 0 ? 1n : -1n;
  return new Float64Array(bits.buffer)[0];
}

function sample(n: number, seed: number, shape: (u: number) => number): Float64Array {
  const next = random(seed);
  return Float64Array.from({ length: n }, () => shape(next()));
}

describe('the KLL quantile sketch', () => {
  it('states its bound: ε = 2·sqrt(ln(2/δ))/k with δ = 1e-9', () => {
    expect(sketchRankError(8192)).toBeCloseTo(0.00113, 5);
    expect(sketchRankError(256)).toBeCloseTo(0.0362, 4);
  });

  it('keeps every rank within ε·n on 2M values, for k = 256 and k = 2048', () => {
    for (const [k, shape] of [[256, (u: number) => u * 1000], [2048, (u: number) => Math.exp(8 * u) | 0]] as const) {
      const values = sample(N, k, shape); // uniform floats; then a skewed integer distribution with many repeats
      const sketch = new KllSketch(k, 12345);
      for (let at = 0; at < N; at += 65_536) {
        const chunk = values.slice(at, at + 65_536);
        sketch.addAll(chunk, chunk.length);
      }
      const sorted = values.slice().sort();
      let worst = 0;
      for (let i = 1; i < 1000; i++) {
        const t = quantileRank(i, 1000, N);
        worst = Math.max(worst, rankDistance(sorted, sketch.valueAtRank(t), t));
      }
      expect(sketch.count).toBe(N);
      expect(worst / N).toBeLessThanOrEqual(sketch.rankError);
      expect(worst).toBeGreaterThan(0); // it did approximate (2M values in far less room)
      expect(sketch.retained).toBeLessThan(k * 20); // bounded memory: about k per level
    }
  });

  it('merges: two halves sketched apart answer like one sketch, within the bound', () => {
    const values = sample(N, 99, (u) => u * u);
    const a = new KllSketch(512, 1);
    const b = new KllSketch(512, 2);
    a.addAll(values.subarray(0, N / 2), N / 2);
    b.addAll(values.subarray(N / 2), N / 2);
    a.merge(b);
    expect(a.count).toBe(N);
    const sorted = values.slice().sort();
    for (let i = 1; i < 100; i++) {
      const t = quantileRank(i, 100, N);
      expect(rankDistance(sorted, a.valueAtRank(t), t) / N).toBeLessThanOrEqual(a.rankError);
    }
  });

  it('fit switches to the sketch past exactLimit and its boundaries stay within the stated error', async () => {
    const values = sample(N, 2024, (u) => (u - 0.5) * 200);
    const data = table({ x: makeVector(makeData({ type: new Float64(), length: N, data: values })) }, 65_536);
    const numBuckets = 50;
    const { columns, report } = await fit([bucketizedColumn(numericColumn('x'), { numBuckets })], data, { exactLimit: 10_000 });
    const fitted = report.fitted[0];
    expect(fitted).toMatchObject({ kind: 'boundaries', method: 'sketch', values: N, buckets: numBuckets });
    if (fitted.kind !== 'boundaries') throw new Error('unreachable');
    expect(fitted.rankError).toBe(sketchRankError(8192));
    // Ranks among the values bucketize sees (float32).
    const seen = Float64Array.from(values, Math.fround).sort();
    const boundaries = (columns[0] as BucketizedColumn).boundaries as number[];
    const distances = boundaries.map((b, j) => rankDistance(seen, b, quantileRank(j + 1, numBuckets, N)));
    expect(Math.max(...distances) / N).toBeLessThanOrEqual(fitted.rankError);
    // The same fit below exactLimit is exact: every distance 0.
    const exact = await fit([bucketizedColumn(numericColumn('x'), { numBuckets })], data);
    expect(exact.report.fitted[0]).toMatchObject({ method: 'exact', rankError: 0 });
    const exactBoundaries = (exact.columns[0] as BucketizedColumn).boundaries as number[];
    expect(exactBoundaries.map((b, j) => rankDistance(seen, b, quantileRank(j + 1, numBuckets, N)))).toEqual(new Array(numBuckets - 1).fill(0));
  });

  it('is deterministic: the same data and seed give the same boundaries', async () => {
    const values = sample(200_000, 5, (u) => u);
    const data = table({ x: makeVector(makeData({ type: new Float64(), length: values.length, data: values })) }, 10_000);
    const run = async () => (await fit([bucketizedColumn(numericColumn('x'), { numBuckets: 10 })], data, { exactLimit: 100, sketchK: 64 })).columns;
    expect(await run()).toEqual(await run());
  });
});
