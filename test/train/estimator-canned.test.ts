// Canned estimators on a census slice: the first 3,000 rows of adult.data to train, the next 1,000 to evaluate.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Float64, Table, Utf8, type Vector, vectorFromArray } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { deep, label, wide } from '../../columns/census.ts';
import { Dataset } from '../../src/data/dataset/index.ts';
import { DNNClassifier, DNNLinearCombinedClassifier, LinearClassifier, LinearRegressor } from '../../src/train/estimator/index.ts';
import { Adam } from '../../src/train/optimizers/adam.ts';

const CSV = fileURLToPath(new URL('../../fixtures/census/adult.data.csv', import.meta.url));
const NUMERIC = new Set(['age', 'fnlwgt', 'education_num', 'capital_gain', 'capital_loss', 'hours_per_week']);

function slice(from: number, to: number): { table: Table; labels: number[] } {
  const lines = readFileSync(CSV, 'utf8').split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.length > 0);
  const header = lines[0].split(', ');
  const rows = lines.slice(1 + from, 1 + to).map((l) => l.split(', '));
  const vectors: Record<string, Vector> = {};
  header.forEach((name, j) => {
    const values = rows.map((r) => r[j]);
    vectors[name] = NUMERIC.has(name) ? vectorFromArray(values.map(Number), new Float64()) : vectorFromArray(values, new Utf8());
  });
  const y = header.indexOf(label.key);
  return { table: new Table(vectors), labels: rows.map((r) => (label.positive.includes(r[y]) ? 1 : 0)) };
}

const train = slice(0, 3000), test = slice(3000, 4000);
const batches = (d: { table: Table; labels: number[] }, size: number) =>
  Array.from({ length: Math.ceil(d.table.numRows / size) }, (_, i) => ({ features: d.table.slice(i * size, (i + 1) * size), labels: d.labels.slice(i * size, (i + 1) * size) }));
const trainBatches = batches(train, 100), testBatches = batches(test, 500);
/** Accuracy of always answering the majority class on the eval slice. */
const majority = Math.max(...[0, 1].map((c) => test.labels.filter((y) => y === c).length / test.labels.length));

const dirs: string[] = [];
const tempDir = async () => { const d = await mkdtemp(join(tmpdir(), 'fc-canned-')); dirs.push(d); return d; };
afterAll(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

describe('canned estimators on census', () => {
  it('DNNLinearCombinedClassifier beats the majority class clearly', async () => {
    const est = new DNNLinearCombinedClassifier({
      schema: train.table.schema, config: { modelDir: await tempDir(), logStepCountSteps: 0, randomSeed: 0 },
      linearFeatureColumns: wide, dnnFeatureColumns: deep, dnnHiddenUnits: [32, 16], dnnDropout: 0.1, normalize: true,
      dnnOptimizer: () => new Adam({ learningRate: 0.01 }),
    });
    await est.train(() => [...trainBatches, ...trainBatches], { steps: 60 });
    const metrics = await est.evaluate(() => testBatches);
    expect(majority).toBeGreaterThan(0.7);
    expect(metrics.accuracy).toBeGreaterThan(majority + 0.04);
    expect(metrics.auc).toBeGreaterThan(0.82);
    expect(metrics.globalStep).toBe(60);
  });

  it('LinearClassifier and DNNClassifier also beat it; predictions come per row', async () => {
    const linear = new LinearClassifier({ schema: train.table.schema, config: { modelDir: await tempDir(), logStepCountSteps: 0 }, featureColumns: wide });
    await linear.train(() => trainBatches);
    const lm = await linear.evaluate(() => testBatches);
    expect(lm.accuracy).toBeGreaterThan(majority + 0.03);
    const dnn = new DNNClassifier({
      schema: train.table.schema, config: { modelDir: await tempDir(), logStepCountSteps: 0 }, featureColumns: deep, hiddenUnits: [16], normalize: true,
      optimizer: () => new Adam({ learningRate: 0.01 }),
    });
    await dnn.train(() => trainBatches);
    expect((await dnn.evaluate(() => testBatches)).accuracy).toBeGreaterThan(majority + 0.02);
    let n = 0;
    for await (const row of dnn.predict(() => [{ features: test.table.slice(0, 10) }])) {
      expect(row.classIds[0] === 0 || row.classIds[0] === 1).toBe(true);
      n++;
    }
    expect(n).toBe(10);
  });

  it('normalize: true over a Dataset of several batches takes the statistics of all rows (a streaming pre-pass)', async () => {
    const make = async () => new DNNClassifier({
      schema: train.table.schema, config: { modelDir: await tempDir(), logStepCountSteps: 0 }, featureColumns: deep, hiddenUnits: [4], normalize: true,
    });
    const stats = (est: DNNClassifier) => Object.fromEntries(est.model!.getWeights().filter((w) => /\/(mean|inv_std)$/.test(w.name)).map((w) => [w.name, w.values]));
    // All 3,000 rows in one batch: the in-memory statistics.
    const whole = await make();
    await whole.train(() => [{ features: train.table, labels: train.labels }], { steps: 1 });
    // The same rows as a Dataset of 30 batches of 100.
    const streamed = await make();
    const dataset = Dataset.fromBatches(() => trainBatches.map((b) => ({ features: streamed.graph.transform(b.features, { sparse: 'all' }), labels: b.labels })));
    expect(dataset.endless).toBe(false);
    await streamed.train(() => dataset, { steps: 1 });
    // A one-shot iterable keeps the first batch's statistics.
    const firstOnly = await make();
    await firstOnly.train(() => trainBatches, { steps: 1 });
    const [a, b, c] = [stats(whole), stats(streamed), stats(firstOnly)];
    expect(Object.keys(a).sort()).toEqual(['dnn/input/inv_std', 'dnn/input/mean']);
    for (const name of Object.keys(a)) {
      // float64 moments of the same rows, stored as float32: equal within float32 rounding.
      for (let j = 0; j < a[name].length; j++) expect(Math.abs(b[name][j] - a[name][j]), `${name}[${j}]`).toBeLessThanOrEqual(1e-6 * Math.abs(a[name][j]) + 1e-12);
    }
    expect(Array.from(c['dnn/input/mean'])).not.toEqual(Array.from(a['dnn/input/mean']));
  });

  it('labels out of range for nClasses are refused; a regressor trains on numbers', async () => {
    const est = new LinearClassifier({ schema: train.table.schema, config: { modelDir: await tempDir(), logStepCountSteps: 0 }, featureColumns: wide, nClasses: 2 });
    await expect(est.train(() => [{ features: train.table.slice(0, 10), labels: [0, 1, 2, 0, 0, 0, 0, 0, 0, 0] }])).rejects.toThrow(/label 2 is 2, out of range for nClasses 2.*at least 3/);
    const reg = new LinearRegressor({ schema: train.table.schema, config: { modelDir: await tempDir(), logStepCountSteps: 0 }, featureColumns: wide });
    await reg.train(() => trainBatches.slice(0, 5).map((b) => ({ ...b, labels: b.labels.map((y) => 10 * y) })));
    const m = await reg.evaluate(() => testBatches.map((b) => ({ ...b, labels: b.labels.map((y) => 10 * y) })));
    expect(Object.keys(m).sort()).toEqual(['globalStep', 'loss', 'mae', 'rmse']);
  });
});
