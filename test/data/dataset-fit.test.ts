// Model.fit / evaluate / predict and Estimator inputFns over a streamed Dataset, against the same rows in memory.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as census from '../../columns/census.ts';
import { Dataset, type DatasetExample } from '../../src/data/index.ts';
import { concatFeatureBatches, readCsv } from '../../src/index.ts';
import { LinearClassifier } from '../../src/train/estimator/index.ts';
import { wideAndDeepModel } from '../../src/train/model/wide-and-deep.ts';
import { Adam } from '../../src/train/optimizers/adam.ts';

const TRAIN = 'fixtures/census/adult.data.csv', TEST = 'fixtures/census/adult.test.csv';
const dir = mkdtempSync(join(tmpdir(), 'fcol-dataset-fit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const source = (path: string) => Dataset.fromFiles(path, { label: census.label }).map(census.columns, { sparse: 'all' });

function inMemory(examples: DatasetExample[]): { features: ReturnType<typeof concatFeatureBatches>; labels: Float32Array } {
  return { features: concatFeatureBatches(examples.map((e) => e.features)), labels: Float32Array.from(examples.flatMap((e) => [...e.labels!])) };
}

function model(normalize: boolean | 'piecewise-linear' = false) {
  const m = wideAndDeepModel({ seed: 0, dnn: { hiddenUnits: [16, 8], optimizer: new Adam({ learningRate: 0.005 }), features: { normalize } } });
  m.compile({ loss: 'binaryCrossentropy', metrics: ['accuracy', 'auc'] });
  return m;
}

describe('Model over a Dataset', () => {
  const train = source(TRAIN).cache();
  const test = source(TEST).cache();

  it('fit streams the dataset batch by batch, and trains exactly as the same rows in memory without shuffle', async () => {
    const rows = inMemory(await train.toArray());
    expect(rows.features.numRows).toBe(32561);
    const memory = model(), streamed = model();
    const a = await memory.fit(rows, { epochs: 2, batchSize: 256, shuffle: false });
    let batches = 0;
    const sizes = new Set<number>();
    const b = await streamed.fit(train.batch(256), { epochs: 2, callbacks: { onBatchEnd: (_i, logs) => { batches++; sizes.add(logs.size); } } });
    expect(batches).toBe(2 * Math.ceil(32561 / 256));
    expect([...sizes].sort((x, y) => x - y)).toEqual([32561 % 256, 256]);
    expect(b.history).toEqual(a.history);
    expect(b.history.accuracy[1]).toBeGreaterThan(0.83);
    expect(streamed.getWeights()).toEqual(memory.getWeights());
    // evaluate and predict over a Dataset give what they give in memory
    const held = inMemory(await test.toArray());
    const e1 = await memory.evaluate(held), e2 = await streamed.evaluate(test.batch(1000));
    expect(e2.accuracy).toBe(e1.accuracy);
    expect(e2.auc).toBe(e1.auc);
    expect(e2.loss).toBeCloseTo(e1.loss, 6);
    expect(e1.accuracy).toBeGreaterThan(0.83);
    const p1 = await memory.predict(held.features), p2 = await streamed.predict(test.batch(700));
    expect(p2).toEqual(p1);
  }, 120_000);

  it('normalization statistics come from one streaming pre-pass and match the in-memory ones', async () => {
    const rows = inMemory(await train.toArray());
    const memory = model(true), streamed = model(true);
    const a = await memory.fit(rows, { epochs: 1, batchSize: 512, shuffle: false });
    const b = await streamed.fit(train.batch(512), { epochs: 1 });
    const stats = (m: ReturnType<typeof model>) => m.getWeights().filter((w) => /\/(mean|inv_std)$/.test(w.name));
    const [sa, sb] = [stats(memory), stats(streamed)];
    expect(sb.map((w) => w.name)).toEqual(['dnn/input/mean', 'dnn/input/inv_std']);
    for (let k = 0; k < 2; k++) sa[k].values.forEach((v, j) => expect(sb[k].values[j]).toBeCloseTo(v, 4 - Math.max(0, Math.ceil(Math.log10(Math.abs(v) + 1e-30)))));
    expect(sb[0].values.some((v) => v > 30)).toBe(true); // mean age, hours
    expect(b.history.loss[0]).toBeCloseTo(a.history.loss[0], 4);
  }, 120_000);

  it('piecewise-linear bins fitted in the streaming pre-pass are those of the same rows in memory', async () => {
    const rows = inMemory(await train.toArray());
    const memory = model('piecewise-linear'), streamed = model('piecewise-linear');
    const a = await memory.fit(rows, { epochs: 1, batchSize: 512, shuffle: false });
    const b = await streamed.fit(train.batch(512), { epochs: 1 });
    const bins = (m: ReturnType<typeof model>) => m.getWeights().filter((w) => /\/bin_(edges|counts)$/.test(w.name));
    expect(bins(streamed).map((w) => w.name)).toEqual(['dnn/input/bin_edges', 'dnn/input/bin_counts']);
    expect(bins(streamed)).toEqual(bins(memory));
    // census capital_gain's income jump at 7,073.5 (between the values 7,073 and 7,074) is one of its edges
    expect(bins(streamed)[0].values).toContain(7073.5);
    expect(b.history).toEqual(a.history);
  }, 120_000);

  it('a shuffling, repeating dataset trains with stepsPerEpoch; the shuffle decides the order', async () => {
    const m = model();
    let steps = 0;
    const h = await m.fit(train.shuffle(8192, 1).batch(256).repeat(), { epochs: 3, stepsPerEpoch: 60, callbacks: { onBatchEnd: () => { steps++; } } });
    expect(steps).toBe(180);
    expect(h.epoch).toEqual([0, 1, 2]);
    expect(h.history.accuracy[2]).toBeGreaterThan(0.8);
    await expect(m.fit(train.batch(256), { batchSize: 256 })).rejects.toThrow(/own batches/);
  }, 120_000);
});

describe('Estimator over a Dataset', () => {
  it('an inputFn may return a Dataset; training on it equals training on its batches as an array', async () => {
    const slice = join(dir, 'head.csv');
    writeFileSync(slice, readFileSync(TRAIN, 'utf8').split('\n').slice(0, 3001).join('\n') + '\n');
    const head = readCsv(slice);
    const schema = await head.schema();
    await head.close();
    const make = (name: string) => new LinearClassifier({ schema, featureColumns: census.wide, config: { modelDir: join(dir, name), logStepCountSteps: 0 } });
    const streamed = make('streamed'), listed = make('listed');
    const data = Dataset.fromFiles(slice, { label: census.label }).map(streamed.graph, { sparse: 'all' }).batch(100);
    await streamed.train(() => data.repeat(2));
    const batches = await data.toArray();
    await listed.train(() => [...batches, ...batches]);
    const m1 = await streamed.evaluate(() => data), m2 = await listed.evaluate(() => batches);
    expect(m1.globalStep).toBe(60);
    expect(m1).toEqual(m2);
    expect(m1.accuracy).toBeGreaterThan(0.8);
    let n = 0;
    for await (const row of streamed.predict(() => data.take(2))) {
      expect(row.probabilities).toHaveLength(2);
      n++;
    }
    expect(n).toBe(200);
  }, 120_000);
});
