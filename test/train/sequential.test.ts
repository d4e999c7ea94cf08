import { describe, expect, it } from 'vitest';
import { NonFiniteLossError } from '../../src/train/errors.ts';
import { Sequential } from '../../src/train/model/sequential.ts';
import { Dense } from '../../src/train/layers/dense.ts';
import { DenseFeatures } from '../../src/train/layers/dense-features.ts';
import { Dropout } from '../../src/train/layers/dropout.ts';
import { Adam } from '../../src/train/optimizers/adam.ts';
import { SGD } from '../../src/train/optimizers/sgd.ts';
import { Random } from '../../src/kernels/random.ts';
import { l2 } from '../../src/train/regularizers.ts';
import { featureBatch, ragged } from './train-helpers.ts';

const XOR = { features: featureBatch([[0, 0], [0, 1], [1, 0], [1, 1]]), labels: [0, 1, 1, 0] };

function xorModel(seed: number): Sequential {
  const model = new Sequential({ seed });
  model.add(new Dense({ units: 8, activation: 'tanh' })).add(new Dense({ units: 1 }));
  model.compile({ optimizer: new Adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy', metrics: ['accuracy', 'auc'] });
  return model;
}

/** n rows of two features in [−1, 1]; a label per row from `f`. */
function synthetic(n: number, seed: number, f: (x: number, y: number) => number) {
  const random = new Random(seed);
  const rows = Array.from({ length: n }, () => [random.uniformIn(-1, 1), random.uniformIn(-1, 1)]);
  return { features: featureBatch(rows), labels: rows.map(([x, y]) => f(x, y)) };
}

describe('Sequential', () => {
  it('learns XOR with one hidden layer to 100% accuracy', async () => {
    const model = xorModel(1);
    const history = await model.fit(XOR, { epochs: 300, batchSize: 4 });
    expect(history.epoch.length).toBe(300);
    expect(history.history.accuracy.at(-1)).toBe(1);
    const p = await model.predict(XOR.features);
    expect(Array.from(p, (v) => (v > 0.5 ? 1 : 0))).toEqual([0, 1, 1, 0]);
    const logs = await model.evaluate(XOR);
    expect(logs.accuracy).toBe(1);
    expect(logs.auc).toBe(1);
    expect(logs.loss).toBeLessThan(0.05);
  });

  it('gives identical weights and predictions for the same seed, different ones for another', async () => {
    const data = synthetic(200, 3, (x, y) => (x * y > 0 ? 1 : 0));
    const run = async (seed: number) => {
      const model = new Sequential({ seed });
      model.add(new Dense({ units: 6, activation: 'relu' })).add(new Dropout(0.2)).add(new Dense({ units: 1 }));
      model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
      await model.fit(data, { epochs: 3, batchSize: 32 });
      return { weights: model.getWeights(), predictions: await model.predict(data) };
    };
    const a = await run(5), b = await run(5), c = await run(6);
    expect(a.weights.map((w) => w.name)).toEqual(['dense/kernel', 'dense/bias', 'dense_1/kernel', 'dense_1/bias']);
    a.weights.forEach((w, i) => expect(Array.from(w.values)).toEqual(Array.from(b.weights[i].values)));
    expect(Array.from(a.predictions)).toEqual(Array.from(b.predictions));
    expect(Array.from(a.weights[0].values)).not.toEqual(Array.from(c.weights[0].values));
  });

  it('evaluates the mean loss over all rows (plus regularization) and the compiled metrics', async () => {
    const data = synthetic(50, 4, (x) => (x > 0 ? 1 : 0));
    const model = new Sequential({ seed: 0 });
    model.add(new Dense({ units: 1, kernelRegularizer: l2(0.1) }));
    model.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'binaryCrossentropy', metrics: ['accuracy', 'precision', 'recall'] });
    await model.fit(data, { epochs: 2, batchSize: 8 });
    const p = await model.predict(data.features);
    const logits = await model.predict(data.features, { logits: true });
    expect(p[0]).toBeCloseTo(1 / (1 + Math.exp(-logits[0])), 6);
    const bce = data.labels.reduce((s, y, i) => s - (y * Math.log(p[i]) + (1 - y) * Math.log(1 - p[i])), 0) / 50;
    const kernel = model.getWeights()[0].values;
    const penalty = 0.1 * kernel.reduce((s, w) => s + w * w, 0);
    const logs = await model.evaluate(data, { batchSize: 7 });
    expect(logs.loss).toBeCloseTo(bce + penalty, 5);
    const accuracy = data.labels.filter((y, i) => (p[i] > 0.5 ? 1 : 0) === y).length / 50;
    expect(logs.accuracy).toBeCloseTo(accuracy, 10);
    expect(Object.keys(logs)).toEqual(['loss', 'accuracy', 'precision', 'recall']);
  });

  it('learns 3 classes with sparse categorical cross-entropy', async () => {
    const data = synthetic(600, 7, (x, y) => (x + y > 0.5 ? 2 : x - y > 0 ? 1 : 0));
    const model = new Sequential({ seed: 0 });
    model.add(new Dense({ units: 16, activation: 'relu' })).add(new Dense({ units: 3 }));
    model.compile({ optimizer: new Adam({ learningRate: 0.02 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    await model.fit(data, { epochs: 40, batchSize: 32 });
    expect((await model.evaluate(data)).accuracy).toBeGreaterThan(0.95);
    const p = await model.predict(data.features);
    expect(p.length).toBe(600 * 3);
    expect(p[0] + p[1] + p[2]).toBeCloseTo(1, 5);
  });

  it('fits a regression with mean squared error', async () => {
    const data = synthetic(300, 8, (x, y) => 2 * x - y + 0.5);
    const model = new Sequential({ seed: 0 });
    model.add(new Dense({ units: 1 }));
    model.compile({ optimizer: new SGD({ learningRate: 0.1, momentum: 0.9 }), loss: 'meanSquaredError', metrics: ['mae', 'rmse'] });
    await model.fit(data, { epochs: 30, batchSize: 16 });
    const logs = await model.evaluate(data);
    expect(logs.rmse).toBeLessThan(1e-3);
    expect(logs.mae).toBeLessThan(1e-3);
    const w = model.getWeights();
    expect(w[0].values[0]).toBeCloseTo(2, 3);
    expect(w[1].values[0]).toBeCloseTo(0.5, 3);
  });

  it('trains embeddings through DenseFeatures', async () => {
    const random = new Random(9);
    const ids = Array.from({ length: 400 }, () => random.int(20));
    const features = featureBatch(ids.map(() => [random.uniformIn(-0.1, 0.1)]), { item_embedding: ragged(ids.map((id) => [id]), 20, 'mean', 4) });
    const data = { features, labels: ids.map((id) => (id % 3 === 0 ? 1 : 0)) };
    const model = new Sequential({ seed: 1 });
    model.add(new DenseFeatures()).add(new Dense({ units: 8, activation: 'relu' })).add(new Dense({ units: 1 }));
    model.compile({ optimizer: new Adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const before = model.featureLayer;
    await model.fit(data, { epochs: 20, batchSize: 32 });
    expect(model.featureLayer).toBe(before);
    expect((await model.evaluate(data)).accuracy).toBe(1);
    expect(model.getWeights()[0].name).toBe('dense_features/item_embedding/embedding_weights');
  });

  it('restores a trained model, normalization statistics included, with build + setWeights', async () => {
    const data = synthetic(100, 12, (x, y) => (3 * x + y > 0 ? 1 : 0));
    const make = () => {
      const m = new Sequential({ seed: 4 });
      m.add(new DenseFeatures({ normalize: true })).add(new Dense({ units: 4, activation: 'relu' })).add(new Dense({ units: 1 }));
      m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
      return m;
    };
    const trained = make();
    await trained.fit({ features: data.features, labels: data.labels }, { epochs: 2, batchSize: 10 });
    const restored = make();
    restored.build(data.features);
    restored.setWeights(trained.getWeights());
    expect(Array.from(await restored.predict(data.features))).toEqual(Array.from(await trained.predict(data.features)));
    await restored.fit(data, { epochs: 0 });
    expect(restored.getWeights().find((w) => w.name === 'dense_features/mean')!.values).toEqual(trained.getWeights().find((w) => w.name === 'dense_features/mean')!.values);
    expect(() => restored.setWeights([{ name: 'nope', values: [1] }])).toThrow(/no parameter 'nope'/);
  });

  it('piecewise-linear inputs let a model without hidden layers learn a band that standardized inputs cannot', async () => {
    // Label 1 for x in [−0.3, 0.3]: not monotone in x, so a logistic regression on (x − mean)/std stays near the
    // majority class (0.7); over bins fitted to the labels (edges near ±0.3) it ramps up and down at the band's ends.
    const data = synthetic(600, 21, (x) => (Math.abs(x) <= 0.3 ? 1 : 0));
    const accuracy = async (normalize: 'standardize' | 'piecewise-linear') => {
      const m = new Sequential({ seed: 2 });
      m.add(new DenseFeatures({ normalize, piecewiseLinear: { bins: 8 } })).add(new Dense({ units: 1 }));
      m.compile({ optimizer: new Adam({ learningRate: 0.1 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
      await m.fit(data, { epochs: 60, batchSize: 50 });
      return { model: m, accuracy: (await m.evaluate(data)).accuracy };
    };
    const standardized = await accuracy('standardize'), binned = await accuracy('piecewise-linear');
    expect(standardized.accuracy).toBeLessThan(0.75);
    expect(binned.accuracy).toBeGreaterThan(0.9);
    const edges = binned.model.getWeights().find((w) => w.name === 'dense_features/bin_edges')!.values;
    const x0 = [...edges.subarray(0, 9)];
    expect(x0.some((e) => Math.abs(e + 0.3) < 0.02) && x0.some((e) => Math.abs(e - 0.3) < 0.02)).toBe(true);
  });

  it('restores piecewise-linear bins with build + setWeights, without fitting them again', async () => {
    const data = synthetic(100, 12, (x, y) => (3 * x + y > 0 ? 1 : 0));
    const make = () => {
      const m = new Sequential({ seed: 4 });
      m.add(new DenseFeatures({ normalize: 'piecewise-linear', piecewiseLinear: { bins: 4 } })).add(new Dense({ units: 1 }));
      m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
      return m;
    };
    const trained = make();
    await trained.fit(data, { epochs: 2, batchSize: 10 });
    const restored = make();
    restored.build(data.features);
    restored.setWeights(trained.getWeights());
    expect(restored.featureLayer!.isAdapted).toBe(true);
    expect(Array.from(await restored.predict(data.features))).toEqual(Array.from(await trained.predict(data.features)));
    const other = synthetic(100, 13, (x) => (x > 0.9 ? 1 : 0));
    await restored.fit(other, { epochs: 0 });
    expect(restored.getWeights()).toEqual(trained.getWeights());
  });

  it('calls callbacks, logs validation metrics, and stops when asked', async () => {
    const events: string[] = [];
    const model = xorModel(2);
    const history = await model.fit(XOR, {
      epochs: 3, batchSize: 2, validationData: XOR,
      callbacks: {
        onTrainBegin: () => { events.push('begin'); },
        onEpochBegin: (e) => { events.push(`epoch ${e}`); },
        onBatchEnd: (b, logs) => { events.push(`batch ${b} ${logs.size}`); },
        onEpochEnd: async (e, logs) => { events.push(`end ${e} ${Object.keys(logs).join(',')}`); },
        onTrainEnd: () => { events.push('done'); },
      },
    });
    expect(events.slice(0, 5)).toEqual(['begin', 'epoch 0', 'batch 0 2', 'batch 1 2', 'end 0 loss,accuracy,auc,val_loss,val_accuracy,val_auc']);
    expect(events.at(-1)).toBe('done');
    expect(history.history.val_loss.length).toBe(3);

    let batches = 0;
    await model.fit(XOR, { epochs: 10, batchSize: 1, callbacks: { onBatchEnd: () => { if (++batches === 6) model.stopTraining = true; } } });
    expect(batches).toBe(6);
  });

  it('explains mistakes: no compile, no optimizer, bad labels, empty data, divergence', async () => {
    const model = new Sequential();
    model.add(new Dense({ units: 1 }));
    await expect(model.fit(XOR)).rejects.toThrow(/not compiled/);
    model.compile({ loss: 'binaryCrossentropy' });
    await expect(model.fit(XOR)).rejects.toThrow(/needs an optimizer/);
    model.compile({ loss: 'binaryCrossentropy', optimizer: 'sgd' });
    await expect(model.fit({ features: XOR.features, labels: [0, 1, 2, 0] })).rejects.toThrow(/label 2 is 2/);
    await expect(model.fit({ features: XOR.features, labels: [0, 1, 1] })).rejects.toThrow(/4 rows but 3 labels/);
    await expect(model.fit([])).rejects.toThrow(/empty dataset/);
    await expect(model.fit(XOR.features as never)).rejects.toThrow(/no labels/);

    const big = new Sequential();
    big.add(new Dense({ units: 1 }));
    big.compile({ loss: 'meanSquaredError', optimizer: new SGD({ learningRate: 1e3 }) });
    const data = { features: featureBatch([[100, 200], [300, -100]]), labels: [1e3, -1e3] };
    const error = await big.fit(data, { epochs: 50, batchSize: 2 }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    const { loss, step, message } = error as NonFiniteLossError;
    expect(Number.isFinite(loss)).toBe(false);
    expect(message).toMatch(new RegExp(`^training diverged: the loss is ${loss} at step ${step} \\(epoch \\d+, batch 1\\)`));
  });

  it('accepts FeatureBatches with labels, arrays, generators and async iterables', async () => {
    const labeled = Object.assign(featureBatch([[0, 0], [1, 1]]), { labels: Float64Array.of(0, 1) });
    function* generate() { yield XOR; yield labeled; }
    async function* generateAsync() { yield labeled; }
    const model = xorModel(0);
    for (const data of [labeled, [XOR, labeled], generate(), generateAsync()]) {
      const logs = await model.evaluate(data);
      expect(logs.loss).toBeGreaterThan(0);
    }
    expect((await model.predict([XOR.features, labeled])).length).toBe(6);
  });
});
