import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodePiecewiseLinear, fitBinEdges } from '../../src/train/layers/numeric-bins.ts';
import { NumericSample } from '../../src/train/data/numeric-sample.ts';
import type { FeatureBatch } from '../../src/tensor/feature-batch.ts';
import { DenseFeatures } from '../../src/train/layers/dense-features.ts';
import { JsBackend } from '../../src/train/backend/js.ts';
import { Random } from '../../src/kernels/random.ts';

interface SklearnCase {
  name: string; file: string; feature: string; target: string; kind: 'binary' | 'regression' | 'classes';
  classes?: string[]; bins: number; minRows: number; edges: number[];
}

/** A CSV fixture's column as float32 values (as the transform reads numbers). */
function csvColumns(file: string): Map<string, string[]> {
  const text = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8').trim().split('\n');
  const separator = text[0].includes(', ') ? ', ' : ',';
  const header = text[0].split(separator);
  const rows = text.slice(1).map((line) => line.split(separator));
  return new Map(header.map((name, i) => [name, rows.map((r) => r[i])]));
}

function encode(x: number, edges: number[]): number[] {
  const out = new Float32Array(edges.length - 1);
  encodePiecewiseLinear(x, Float32Array.from(edges), 0, edges.length - 1, out, 0);
  return [...out];
}

describe('fitBinEdges', () => {
  it('splits where the labels change, at the midpoint of the neighbouring values', () => {
    expect(fitBinEdges([1, 2, 3, 4], [0, 0, 1, 1], 1, { bins: 2, minRows: 1 })).toEqual([1, 2.5, 4]);
    // Best first: the split that separates most (between 3 and 4: 3 zeros | 3 ones) comes before the finer one.
    expect(fitBinEdges([1, 2, 3, 4, 5, 6], [0, 1, 0, 1, 1, 1], 1, { bins: 2, minRows: 1 })).toEqual([1, 3.5, 6]);
  });

  it('keeps minRows rows in every bin, and stops at a pure node', () => {
    // Labels change between 1 and 2, but a bin of one row is not allowed: the split moves to 2|3.
    expect(fitBinEdges([1, 2, 3, 4, 5, 6], [0, 1, 1, 1, 1, 1], 1, { bins: 4, minRows: 2 })).toEqual([1, 2.5, 6]);
    expect(fitBinEdges([1, 2, 3, 4], [1, 1, 1, 1], 1, { bins: 4, minRows: 1 })).toEqual([1, 4]);
  });

  it('skips NaN, gives [c, c] for a constant and [] with no finite value', () => {
    expect(fitBinEdges([NaN, 1, 2, NaN, 3, 4], [1, 0, 0, 1, 1, 1], 1, { bins: 2, minRows: 1 })).toEqual([1, 2.5, 4]);
    expect(fitBinEdges([7, 7, 7], [0, 1, 0], 1, { bins: 4, minRows: 1 })).toEqual([7, 7]);
    expect(fitBinEdges([NaN], [1], 1, { bins: 4, minRows: 1 })).toEqual([]);
  });

  const reference = JSON.parse(readFileSync(new URL('../../fixtures/train/sklearn-bins.json', import.meta.url), 'utf8')) as { cases: SklearnCase[] };
  it.each(reference.cases.map((c) => [c.name, c] as const))('matches scikit-learn\'s tree thresholds: %s', (_, c) => {
    const columns = csvColumns(c.file);
    const x = Float32Array.from(columns.get(c.feature)!, Number);
    const raw = columns.get(c.target)!;
    let targets: number[], width = 1;
    if (c.kind === 'binary') targets = raw.map((v) => (v.replace(/\.$/, '') === '>50K' ? 1 : 0));
    else if (c.kind === 'regression') targets = raw.map(Number);
    else {
      width = c.classes!.length;
      targets = raw.flatMap((v) => c.classes!.map((name) => (name === v ? 1 : 0)));
    }
    expect(fitBinEdges(x, targets, width, { bins: c.bins, minRows: c.minRows })).toEqual(c.edges);
  });
});

describe('encodePiecewiseLinear', () => {
  const edges = [0, 10, 20, 40];
  it('is 1 for bins below x, the fraction in its bin, 0 above (Gorishniy et al. 2022)', () => {
    expect(encode(15, edges)).toEqual([1, 0.5, 0]);
    expect(encode(10, edges)).toEqual([1, 0, 0]);
    expect(encode(25, edges)).toEqual([1, 1, 0.25]);
  });

  it('extends the first bin below the lowest edge and the last above the highest', () => {
    expect(encode(-5, edges)).toEqual([-0.5, 0, 0]);
    expect(encode(50, edges)).toEqual([1, 1, 1.5]);
  });

  it('encodes a zero-width bin as a step', () => {
    expect(encode(3, [3, 3])).toEqual([0]);
    expect(encode(4, [3, 3])).toEqual([1]);
  });
});

function batchOf(values: number[][]): FeatureBatch {
  const rows = values.length, width = values[0].length;
  return {
    numRows: rows,
    dense: {
      values: Float32Array.from(values.flat()), shape: [rows, width],
      layout: [
        { name: 'a', kind: 'numeric', offset: 0, width: 1, slots: ['a'] },
        { name: 'b', kind: 'indicator', offset: 1, width: 1, slots: ['b'] },
        { name: 'c', kind: 'numeric', offset: 2, width: 1, slots: ['c'] },
      ],
    },
    sparse: {},
  };
}

describe('NumericSample', () => {
  it('keeps every row below its capacity: the numeric slots only, and one-hot targets of class labels', () => {
    const sample = new NumericSample(10, { labelWidth: 1, classes: 3 });
    sample.add(batchOf([[1, 9, 2], [3, 9, 4]]), Float32Array.from([2, 0]));
    sample.add(batchOf([[5, 9, 6]]), Float32Array.from([1]));
    const result = sample.result()!;
    expect(result.slots).toEqual([0, 2]);
    expect(result.values.map((v) => [...v])).toEqual([[1, 3, 5], [2, 4, 6]]);
    expect([...result.targets]).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0]);
  });

  it('past its capacity keeps a uniform sample, the same on every run', () => {
    const run = () => {
      const sample = new NumericSample(1000, { labelWidth: 1, classes: null });
      for (let b = 0; b < 100; b++) {
        const rows = Array.from({ length: 100 }, (_, r) => [b * 100 + r, 0, 0]);
        sample.add(batchOf(rows), new Float32Array(100).fill(b % 2));
      }
      return sample.result()!;
    };
    const first = run(), second = run();
    expect(first.count).toBe(1000);
    expect([...first.values[0]]).toEqual([...second.values[0]]);
    // Each of the 10,000 rows kept with chance 1/10: the kept row numbers average 4,999.5 (sd ≈ 91 here),
    // and every tenth of the stream supplies about 100 of them.
    const kept = [...first.values[0]];
    expect(Math.abs(kept.reduce((s, v) => s + v, 0) / kept.length - 4999.5)).toBeLessThan(400);
    for (let tenth = 0; tenth < 10; tenth++) {
      const n = kept.filter((v) => Math.floor(v / 1000) === tenth).length;
      expect(n).toBeGreaterThan(60);
      expect(n).toBeLessThan(140);
    }
    expect(new Set(kept).size).toBe(1000);
  });
});

describe('DenseFeatures with normalize: piecewise-linear', () => {
  it('widens each numeric slot to `bins` slots in place, copies the others, and pads unused bins with 0', () => {
    // a: labels switch between 2 and 3 → edges [1, 2.5, 4]; b: an indicator, copied; c: constant 5 → one bin [5, 5].
    const batch = batchOf([[1, 0, 5], [2, 1, 5], [3, 0, 5], [4, 1, 5]]);
    const layer = new DenseFeatures({ normalize: 'piecewise-linear', piecewiseLinear: { bins: 2, minBinRows: 1 } });
    layer.build(batch, new Random(0));
    expect(layer.outputWidth).toBe(5);
    expect(layer.isAdapted).toBe(false);
    expect(() => layer.adapt(batch)).toThrow(/fitted to the labels; adapt needs them/);
    layer.adapt(batch, Float32Array.from([0, 0, 1, 1]));
    expect(layer.isAdapted).toBe(true);
    const out = layer.forward(new JsBackend(), batch, 4);
    const rows = Array.from({ length: 4 }, (_, r) => [...out.subarray(r * 5, r * 5 + 5)].map((v) => Math.round(v * 1e6) / 1e6));
    expect(rows).toEqual([
      [0, 0, 0, 0, 0],
      [0.666667, 0, 1, 0, 0],
      [1, 0.333333, 0, 0, 0],
      [1, 1, 1, 0, 0],
    ]);
    expect(layer.parameters().map((p) => p.name)).toEqual(['dense_features/bin_edges', 'dense_features/bin_counts']);
    expect([...layer.parameters()[0].value]).toEqual([1, 2.5, 4, 5, 5, 5]);
    expect([...layer.parameters()[1].value]).toEqual([2, 1]);
  });

  it('rejects an unknown encoding and a bad bin count', () => {
    expect(() => new DenseFeatures({ normalize: 'log' as never })).toThrow(/normalize must be/);
    expect(() => new DenseFeatures({ normalize: 'piecewise-linear', piecewiseLinear: { bins: 0 } })).toThrow(/bins must be an integer ≥ 1/);
  });
});
