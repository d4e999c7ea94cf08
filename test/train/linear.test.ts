import { describe, expect, it } from 'vitest';
import { JsBackend } from '../../src/train/backend/js.ts';
import { Linear } from '../../src/train/layers/linear.ts';
import { Ftrl } from '../../src/train/optimizers/ftrl.ts';
import { Random } from '../../src/kernels/random.ts';
import { expectClose, featureBatch, numericalGradient, project, ragged, randomValues } from './train-helpers.ts';

const backend = new JsBackend();

function batch() {
  return featureBatch([[0.5, -1], [2, 0.25], [-0.3, 1.5], [1, 1]], {
    color: ragged([[0, 2], [1], [], [2, 2]], 3, 'sum'),
    words: ragged([[4, 1], [0], [3, 3, 2], [5]], 6, 'mean', null, [[1, 2], [0.5], [1, 1, 3], [2]]),
    emb: ragged([[0], [1], [0], [1]], 2, 'mean', 4),
  });
}

describe('Linear', () => {
  it('weights every non-embedding ragged output, starts at zero, and matches finite differences', () => {
    const random = new Random(8);
    const layer = new Linear({ units: 2, includeDense: true });
    const b = batch();
    layer.build(b);
    expect(layer.features).toEqual(['color', 'words']);
    expect(layer.parameters().map((p) => p.name)).toEqual(['linear/color/weights', 'linear/words/weights', 'linear/dense/weights', 'linear/bias']);
    expect(Array.from(layer.forward(backend, b, 4).subarray(0, 8))).toEqual(new Array(8).fill(0));
    for (const p of layer.parameters()) p.value.set(randomValues(random, p.size));
    const c = randomValues(random, 8);
    layer.forward(backend, b, 4);
    layer.backward(backend, c, 4);
    const loss = () => project(layer.forward(backend, b, 4), c, 8);
    for (const p of layer.parameters()) expectClose(p.grad.slice(), numericalGradient(p.value, loss, 1e-3), 2e-3, p.name);
  });

  it('computes bias + Σ combined weights as TF LinearModel', () => {
    const layer = new Linear({ features: ['color', 'words'] });
    const b = batch();
    layer.build(b);
    const [color, words, bias] = layer.parameters();
    color.value.set([1, 10, 100]);
    words.value.set([1, 2, 3, 4, 5, 6]);
    bias.value[0] = 0.5;
    const out = layer.forward(backend, b, 4);
    expect(out[0]).toBeCloseTo(0.5 + 101 + (1 * 5 + 2 * 2) / 3, 5);
    expect(out[2]).toBeCloseTo(0.5 + (4 + 4 + 3 * 3) / 5, 5);
    expect(out[3]).toBeCloseTo(0.5 + 200 + 6, 5);
  });

  it('updates only the weight rows of ids in the batch', () => {
    const layer = new Linear({ features: ['color', 'words'] });
    const b = batch();
    layer.build(b);
    const ftrl = new Ftrl({ learningRate: 0.1 });
    layer.forward(backend, b, 2); // rows 0-1 only: color ids {0,1,2}, words ids {4,1,0}
    layer.backward(backend, new Float32Array([1, -1]), 2);
    ftrl.apply(layer.parameters());
    const [, words] = layer.parameters();
    const changed = Array.from(words.value, (v) => v !== 0);
    expect(changed).toEqual([true, true, false, false, true, false]);
    expect(Array.from(ftrl.slots(words).accumulator)).toEqual([expect.any(Number), expect.any(Number), 0.1, 0.1, expect.any(Number), 0.1].map((v) => (typeof v === 'number' ? Math.fround(v) : v)));
  });

  it('names missing outputs in its error', () => {
    expect(() => new Linear({ features: ['nope'] }).build(batch())).toThrow(/no ragged output 'nope'.*sparse: 'all'/);
  });
});
