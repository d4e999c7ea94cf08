import { describe, expect, it } from 'vitest';
import type { Combiner } from '../../src/train/backend/backend.ts';
import { JsBackend } from '../../src/train/backend/js.ts';
import { Embedding } from '../../src/train/layers/embedding.ts';
import { DenseFeatures } from '../../src/train/layers/dense-features.ts';
import { Dense } from '../../src/train/layers/dense.ts';
import { Adam } from '../../src/train/optimizers/adam.ts';
import { SGD } from '../../src/train/optimizers/sgd.ts';
import { Random } from '../../src/kernels/random.ts';
import { categoricalColumnWithIdentity, embeddingColumn } from '../../src/index.ts';
import { expectClose, featureBatch, numericalGradient, project, ragged, randomValues } from './train-helpers.ts';

const backend = new JsBackend();
const COMBINERS: Combiner[] = ['sum', 'mean', 'sqrtn'];

/** Rows with repeats, an empty row, a dropped id (−1) and, weighted, a zero weight. */
const IDS = [[0, 2, 2], [], [1, -1, 4], [5], [3, 0]];
const WEIGHTS = [[0.5, 1.5, 2], [], [1, 1, 0], [0.7], [2, 0.25]];

/** Straight from the definition, float64. */
function reference(table: Float32Array, dim: number, rows: number[][], weights: number[][] | null, combiner: Combiner,
  maxNorm: number | null): Float64Array {
  const out = new Float64Array(rows.length * dim);
  rows.forEach((ids, r) => {
    let norm = 0;
    const acc = new Float64Array(dim);
    ids.forEach((id, k) => {
      const w = weights ? weights[r][k] : 1;
      if (id < 0 || (combiner !== 'sum' && w <= 0)) return;
      const e = Array.from(table.subarray(id * dim, id * dim + dim));
      const n = Math.hypot(...e);
      const clip = maxNorm !== null && n > maxNorm ? maxNorm / n : 1;
      for (let j = 0; j < dim; j++) acc[j] += w * clip * e[j];
      norm += combiner === 'mean' ? w : w * w;
    });
    const scale = combiner === 'sum' ? 1 : norm === 0 ? 0 : combiner === 'mean' ? 1 / norm : 1 / Math.sqrt(norm);
    for (let j = 0; j < dim; j++) out[r * dim + j] = acc[j] * scale;
  });
  return out;
}

describe('Embedding', () => {
  for (const combiner of COMBINERS) {
    for (const weighted of [false, true]) {
      for (const maxNorm of [null, 0.6]) {
        it(`looks up and differentiates: ${combiner}${weighted ? ', weighted' : ''}${maxNorm ? `, maxNorm ${maxNorm}` : ''}`, () => {
          const random = new Random(21);
          const dim = 3;
          const layer = new Embedding({ cardinality: 6, dimension: dim, combiner, maxNorm, name: 'e' });
          layer.build(random);
          const table = layer.table!;
          table.value.set(randomValues(random, 18, -0.8, 0.8));
          const sparse = ragged(IDS, 6, combiner, dim, weighted ? WEIGHTS : undefined);
          const rows = IDS.length;
          const out = layer.forward(backend, sparse, rows);
          expectClose(out.subarray(0, rows * dim), reference(table.value, dim, IDS, weighted ? WEIGHTS : null, combiner, maxNorm), 1e-5, 'forward');
          if (maxNorm !== null) {
            const norms = [0, 1, 2, 3, 4, 5].map((i) => Math.hypot(...table.value.subarray(i * dim, i * dim + dim)));
            expect(norms.some((n) => n > maxNorm) && norms.some((n) => n < maxNorm)).toBe(true);
          }
          const c = randomValues(random, rows * dim);
          layer.backward(backend, c, rows);
          const loss = () => project(layer.forward(backend, sparse, rows), c, rows * dim);
          expectClose(table.grad.slice(), numericalGradient(table.value, loss, 1e-3), 2e-3, 'table gradient');
          const used = new Set(IDS.flatMap((ids, r) => ids.filter((id, k) => id >= 0 && (!weighted || combiner === 'sum' || WEIGHTS[r][k] > 0))));
          expect(new Set(Array.from(table.touched!.rows.subarray(0, table.touched!.count)))).toEqual(used);
        });
      }
    }
  }

  it('updates only the rows a batch used (sparse gradients)', () => {
    const layer = new Embedding({ cardinality: 50, dimension: 4, name: 'e' });
    layer.build(new Random(0));
    const before = layer.table!.value.slice();
    const sparse = ragged([[3, 7], [7], [41]], 50, 'mean', 4);
    for (const optimizer of [new SGD({ learningRate: 0.1, momentum: 0.9 }), new Adam({ learningRate: 0.1 })]) {
      layer.forward(backend, sparse, 3);
      layer.backward(backend, new Float32Array(12).fill(1), 3);
      optimizer.apply(layer.parameters());
      for (let row = 0; row < 50; row++) {
        const changed = [0, 1, 2, 3].some((j) => layer.table!.value[row * 4 + j] !== before[row * 4 + j]);
        expect(changed).toBe([3, 7, 41].includes(row));
      }
      expect(layer.table!.grad.every((g) => g === 0)).toBe(true);
      expect(layer.table!.touched!.count).toBe(0);
      const slots = Object.values(optimizer.slots(layer.table!));
      for (const slot of slots) for (let row = 0; row < 50; row++) if (![3, 7, 41].includes(row)) expect(slot[row * 4]).toBe(0);
    }
  });

  it('initializes as TF: truncated normal, stddev 1/√dimension', () => {
    const layer = new Embedding({ cardinality: 2000, dimension: 16 });
    layer.build(new Random(3));
    const v = layer.table!.value;
    const std = Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length);
    expect(std).toBeCloseTo(0.25 * 0.8796, 2); // a normal truncated at 2σ keeps 0.88 of its spread
    expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(0.5);
  });

  it('does not train when frozen, and rejects ids beyond its cardinality', () => {
    const layer = new Embedding({ cardinality: 4, dimension: 2, trainable: false, name: 'e' });
    layer.build(new Random(0));
    const before = layer.table!.value.slice();
    layer.forward(backend, ragged([[1]], 4, 'sum', 2), 1);
    layer.backward(backend, new Float32Array([1, 1]), 1);
    new SGD({ learningRate: 1 }).apply(layer.parameters());
    expect(Array.from(layer.table!.value)).toEqual(Array.from(before));
    expect(() => layer.forward(backend, ragged([[0], [4]], 4, 'sum', 2), 2)).toThrow(/row 1 has ids \[4\], outside \[0, 4\)/);
  });
});

describe('DenseFeatures', () => {
  const batch = () => {
    const b = featureBatch([[1, 10], [2, 20], [3, 60]], {
      b_emb: ragged([[0], [1, 2], []], 3, 'mean', 2),
      a_emb: ragged([[2], [0], [1]], 3, 'sum', 3),
      plain: ragged([[0], [1], [0]], 2, 'sum', null),
    });
    return b;
  };

  it('concatenates the dense block and the embeddings (sorted by name), and sends gradients to the tables', () => {
    const layer = new DenseFeatures();
    const b = batch();
    layer.build(b, new Random(0));
    expect(layer.outputWidth).toBe(2 + 3 + 2);
    expect(layer.embeddings.map((e) => e.name)).toEqual(['dense_features/a_emb', 'dense_features/b_emb']);
    const out = layer.forward(backend, b, 3);
    const a = layer.embeddings[0].table!.value, bt = layer.embeddings[1].table!.value;
    expect(Array.from(out.subarray(0, 7))).toEqual([1, 10, a[6], a[7], a[8], bt[0], bt[1]]);
    expect(Array.from(out.subarray(14, 21))).toEqual([3, 60, a[3], a[4], a[5], 0, 0]);

    const dOut = new Float32Array(21).map((_, i) => i);
    layer.backward(backend, dOut, 3);
    expect(Array.from(layer.embeddings[0].table!.grad.subarray(6, 9))).toEqual([2, 3, 4]);
    expect(Array.from(layer.embeddings[1].table!.grad.subarray(2, 4))).toEqual([12 / 2, 13 / 2]);
  });

  it('takes the embedding columns alone from a Dense layer connected to it', () => {
    const layer = new DenseFeatures();
    const b = batch();
    layer.build(b, new Random(0));
    const dense = new Dense({ units: 3, name: 'd' });
    dense.build(layer.outputWidth, new Random(1));
    expect(layer.connect(dense)).toBe(2);
    const c = randomValues(new Random(2), 9);
    dense.forward(backend, layer.forward(backend, b, 3), 3);
    layer.backward(backend, dense.backward(backend, c, 3, true)!, 3, 2);
    const partial = layer.embeddings.map((e) => e.table!.grad.slice());
    for (const e of layer.embeddings) { e.table!.grad.fill(0); e.table!.touched!.clear(); }
    const full = new Dense({ units: 3, name: 'd2' });
    full.build(layer.outputWidth, new Random(1));
    full.forward(backend, layer.forward(backend, b, 3), 3);
    layer.backward(backend, full.backward(backend, c, 3, true)!, 3, 0);
    layer.embeddings.forEach((e, i) => expectClose(partial[i], e.table!.grad, 1e-6, e.name));
  });

  it('standardizes numeric slots with statistics from adapt', () => {
    const layer = new DenseFeatures({ normalize: true });
    const b = batch();
    layer.build(b, new Random(0));
    expect(layer.isAdapted).toBe(false);
    layer.adapt(b);
    const out = layer.forward(backend, b, 3);
    const std0 = Math.sqrt(2 / 3), mean1 = 30, std1 = Math.sqrt((400 + 100 + 900) / 3);
    expect(out[0]).toBeCloseTo(-1 / std0, 5);
    expect(out[1]).toBeCloseTo((10 - mean1) / std1, 5);
    expect(out[7 * 2 + 1]).toBeCloseTo((60 - mean1) / std1, 5);
  });

  it('takes embedding settings from the embedding columns, by name', () => {
    const column = embeddingColumn(categoricalColumnWithIdentity('a', 3), 3, { maxNorm: 0.5, trainable: false });
    const layer = new DenseFeatures({ columns: [column], features: ['a_embedding'] });
    const b = featureBatch([[1]], { a_embedding: ragged([[1]], 3, 'mean', 3) });
    layer.build(b, new Random(0));
    expect(layer.embeddings[0].maxNorm).toBe(0.5);
    expect(layer.embeddings[0].trainable).toBe(false);
    expect(layer.needsGradient).toBe(false);
  });
});
