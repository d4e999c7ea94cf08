import { describe, expect, it } from 'vitest';
import { WideAndDeep, dnnModel, linearModel, wideAndDeepModel } from '../../src/train/model/wide-and-deep.ts';
import { Adagrad } from '../../src/train/optimizers/adagrad.ts';
import { Adam } from '../../src/train/optimizers/adam.ts';
import { Ftrl } from '../../src/train/optimizers/ftrl.ts';
import { Random } from '../../src/kernels/random.ts';
import { featureBatch, ragged } from './train-helpers.ts';

/**
 * Two categorical ids a, b in [0, 6) and their cross; the label is 1 when (a + b) is even: a linear
 * model needs the cross, a DNN learns it from the embeddings.
 */
function data(n: number, seed: number) {
  const random = new Random(seed);
  const a = Array.from({ length: n }, () => random.int(6)), b = Array.from({ length: n }, () => random.int(6));
  const features = featureBatch(a.map(() => [random.uniformIn(-1, 1)]), {
    a: ragged(a.map((x) => [x]), 6),
    b: ragged(b.map((x) => [x]), 6),
    a_X_b: ragged(a.map((x, i) => [x * 6 + b[i]]), 36),
    a_embedding: ragged(a.map((x) => [x]), 6, 'mean', 3),
    b_embedding: ragged(b.map((x) => [x]), 6, 'mean', 3),
  });
  return { features, labels: a.map((x, i) => ((x + b[i]) % 2 === 0 ? 1 : 0)) };
}

describe('WideAndDeep', () => {
  const train = data(1500, 1);

  it('learns a crossed rule with both parts, each with its own optimizer', async () => {
    const model = wideAndDeepModel({
      seed: 0, linear: { optimizer: new Ftrl({ learningRate: 0.5 }) },
      dnn: { hiddenUnits: [16, 8], optimizer: new Adam({ learningRate: 0.02 }) },
    });
    model.compile({ loss: 'binaryCrossentropy', metrics: ['accuracy', 'auc'] });
    await model.fit(train, { epochs: 10, batchSize: 64 });
    const logs = await model.evaluate(data(500, 2));
    expect(logs.accuracy).toBe(1);
    expect(model.optimizers.map((g) => g.optimizer.name)).toEqual(['Adam', 'Ftrl']);
    expect(model.optimizers[1].parameters.map((p) => p.name)).toEqual(['linear/a/weights', 'linear/a_X_b/weights', 'linear/b/weights', 'linear/bias']);
    expect(model.parameters().map((p) => p.name).slice(0, 2)).toEqual(['dnn/input/a_embedding/embedding_weights', 'dnn/input/b_embedding/embedding_weights']);
  });

  it('linear variant: learns the rule from the cross alone, not from the single ids', async () => {
    const crossed = linearModel({ linear: { features: ['a_X_b'], optimizer: new Ftrl({ learningRate: 0.5 }) } });
    crossed.compile({ loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    await crossed.fit(train, { epochs: 5, batchSize: 64 });
    expect((await crossed.evaluate(train)).accuracy).toBe(1);
    const plain = linearModel({ linear: { features: ['a', 'b'], optimizer: new Ftrl({ learningRate: 0.5 }) } });
    plain.compile({ loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    await plain.fit(train, { epochs: 5, batchSize: 64 });
    expect((await plain.evaluate(train)).accuracy).toBeLessThan(0.7);
  });

  it('dnn variant: learns the rule from embeddings', async () => {
    const model = dnnModel({ seed: 3, dnn: { hiddenUnits: [16, 8], dropout: 0.1, optimizer: new Adam({ learningRate: 0.02 }) } });
    model.compile({ loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    await model.fit(train, { epochs: 15, batchSize: 64 });
    expect((await model.evaluate(train)).accuracy).toBe(1);
    expect(model.linear).toBeNull();
  });

  it('defaults to TF canned optimizers: Adagrad 0.05 deep, FTRL min(0.2, 1/√inputs) wide', async () => {
    const model = wideAndDeepModel({ dnn: { hiddenUnits: [4] } });
    model.compile({ loss: 'binaryCrossentropy' });
    await model.fit(train, { epochs: 1, batchSize: 500 });
    const [deep, wide] = model.optimizers.map((g) => g.optimizer);
    expect(deep).toBeInstanceOf(Adagrad);
    expect(deep.currentLearningRate()).toBe(0.05);
    expect(wide).toBeInstanceOf(Ftrl);
    expect(wide.currentLearningRate()).toBe(0.2); // min(0.2, 1/√3)
    const sparse = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}`, ragged([[0], [1]], 2)]));
    const many = linearModel();
    many.compile({ loss: 'binaryCrossentropy' });
    await many.fit({ features: featureBatch([[0], [1]], sparse), labels: [0, 1] });
    expect(many.optimizers[0].optimizer.currentLearningRate()).toBeCloseTo(1 / Math.sqrt(30), 10);
    expect(() => linearModel({ linear: { features: ['a', 'a'] } }).compile({ loss: 'binaryCrossentropy' })).not.toThrow();
    const twice = linearModel({ linear: { features: ['a', 'a'] } });
    twice.compile({ loss: 'binaryCrossentropy' });
    await expect(twice.fit(train)).rejects.toThrow(/'a' is listed twice/);
  });

  it('is reproducible for a seed, and sums the two parts\' logits', async () => {
    const make = () => {
      const m = wideAndDeepModel({ seed: 11, dnn: { hiddenUnits: [8], optimizer: 'adam' }, linear: { optimizer: 'ftrl' } });
      m.compile({ loss: 'binaryCrossentropy' });
      return m;
    };
    const a = make(), b = make();
    await a.fit(train, { epochs: 2, batchSize: 100 });
    await b.fit(train, { epochs: 2, batchSize: 100 });
    a.getWeights().forEach((w, i) => expect(Array.from(w.values)).toEqual(Array.from(b.getWeights()[i].values)));

    const wide = linearModel({ seed: 11 }), deep = dnnModel({ seed: 11, dnn: { hiddenUnits: [8] } });
    for (const m of [wide, deep]) m.compile({ loss: 'binaryCrossentropy' });
    await wide.evaluate(train);
    await deep.evaluate(train);
    const weights = a.getWeights();
    deep.setWeights(weights.filter((w) => w.name.startsWith('dnn/')));
    wide.setWeights(weights.filter((w) => w.name.startsWith('linear/')));
    const sum = await a.predict(train.features, { logits: true });
    const w = await wide.predict(train.features, { logits: true }), d = await deep.predict(train.features, { logits: true });
    for (let i = 0; i < 20; i++) expect(sum[i]).toBeCloseTo(w[i] + d[i], 5);
  });

  it('updates only the linear weights and embedding rows of ids in a batch', async () => {
    const small = data(3, 5);
    const model = wideAndDeepModel({ seed: 0, dnn: { hiddenUnits: [4], optimizer: 'sgd' }, linear: { optimizer: 'ftrl' } });
    model.compile({ loss: 'binaryCrossentropy' });
    await model.evaluate(small);
    const before = model.getWeights();
    await model.fit(small, { epochs: 1, batchSize: 3 });
    const after = model.getWeights();
    const aIds = new Set(Array.from(small.features.sparse.a.ids));
    const crossIds = new Set(Array.from(small.features.sparse.a_X_b.ids));
    const get = (ws: typeof before, name: string) => ws.find((w) => w.name === name)!.values;
    const emb = get(after, 'dnn/input/a_embedding/embedding_weights'), emb0 = get(before, 'dnn/input/a_embedding/embedding_weights');
    for (let id = 0; id < 6; id++) expect(emb[id * 3] !== emb0[id * 3]).toBe(aIds.has(id));
    const cross = get(after, 'linear/a_X_b/weights');
    for (let id = 0; id < 36; id++) expect(cross[id] !== 0).toBe(crossIds.has(id));
  });

  it('rejects a model with no parts and optimizers given to compile', async () => {
    expect(() => new WideAndDeep({ linear: false, dnn: false })).toThrow(/needs a linear part/);
    const model = linearModel();
    model.compile({ loss: 'binaryCrossentropy', optimizer: 'adam' });
    await expect(model.fit(train)).rejects.toThrow(/give each part its optimizer/);
  });
});
