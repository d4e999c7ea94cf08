import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { latestCheckpoint, readCheckpoint } from '../../src/train/checkpoint/index.ts';
import { DivergedError, Estimator, type InputBatch, ModeKeys, RunConfig, classificationHead, modelSpec } from '../../src/train/estimator/index.ts';
import { LabelError, NoCheckpointError } from '../../src/train/errors.ts';
import { EarlyStoppingHook, type Hook, StopAtStepHook } from '../../src/train/hooks/index.ts';
import type { Model } from '../../src/train/model/model.ts';
import { wideAndDeepModel } from '../../src/train/model/wide-and-deep.ts';
import { Adam } from '../../src/train/optimizers/adam.ts';
import { Ftrl } from '../../src/train/optimizers/ftrl.ts';
import { type LearningRate, cosineDecay } from '../../src/train/optimizers/schedules.ts';
import { Random } from '../../src/kernels/random.ts';
import { featureBatch, ragged } from './train-helpers.ts';

/** Label 1 when a + b is even: needs the cross (wide) or the embeddings (deep). */
function batch(n: number, seed: number): InputBatch & { labels: number[] } {
  const random = new Random(seed);
  const a = Array.from({ length: n }, () => random.int(6)), b = Array.from({ length: n }, () => random.int(6));
  const features = featureBatch(a.map(() => [random.uniformIn(-1, 1)]), {
    a_X_b: ragged(a.map((x, i) => [x * 6 + b[i]]), 36),
    a_embedding: ragged(a.map((x) => [x]), 6, 'mean', 3),
    b_embedding: ragged(b.map((x) => [x]), 6, 'mean', 3),
  });
  return { features, labels: a.map((x, i) => ((x + b[i]) % 2 === 0 ? 1 : 0)) };
}
const batches = Array.from({ length: 40 }, (_, i) => batch(32, 100 + i));

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fc-est-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** A custom modelFn: wide & deep with dropout (so generator state matters), Adam + FTRL. */
function estimator(modelDir: string, extra: Partial<ConstructorParameters<typeof RunConfig>[0]> = {}, learningRate: LearningRate = 0.02) {
  let model: Model | null = null;
  const head = classificationHead(2);
  return new Estimator({
    config: { modelDir, saveCheckpointsSteps: 5, logStepCountSteps: 0, ...extra },
    modelFn: (features, labels, mode, _params, config) => {
      if (model === null) {
        model = wideAndDeepModel({
          seed: config.randomSeed, linear: { optimizer: new Ftrl({ learningRate: 0.3 }) },
          dnn: { hiddenUnits: [16, 8], dropout: 0.3, optimizer: new Adam({ learningRate }) },
        });
        model.compile({ loss: 'binaryCrossentropy' });
      }
      return modelSpec(model, head, features, labels, mode);
    },
  });
}

const fromStep = (list: InputBatch[]) => ({ globalStep }: { globalStep: number }) => list.slice(globalStep);

describe('Estimator', () => {
  it('with a cosine schedule and warmup, N + N steps resumed = 2N straight: the schedule follows the restored step count', async () => {
    const schedule = () => cosineDecay({ initialLearningRate: 0.001, warmupTarget: 0.03, warmupSteps: 6, decaySteps: 18 });
    const straightDir = await tempDir(), resumedDir = await tempDir();
    const straight = estimator(straightDir, {}, schedule());
    await straight.train(fromStep(batches), { steps: 24 });
    await estimator(resumedDir, {}, schedule()).train(fromStep(batches), { steps: 12 });
    const resumed = estimator(resumedDir, {}, schedule());
    await resumed.train(fromStep(batches), { maxSteps: 24 });
    const a = straight.model!.getWeights(), b = resumed.model!.getWeights();
    for (let i = 0; i < a.length; i++) expect(Array.from(b[i].values), a[i].name).toEqual(Array.from(a[i].values));
    const adam = resumed.model!.optimizers[0].optimizer;
    expect(adam.iterations).toBe(24);
    expect(adam.currentLearningRate()).toBe(0); // past warmup + decay: 0.03 · ½(1 + cos π)
    expect(adam.schedule.at(15)).toBeCloseTo(0.015, 15); // the cosine's midpoint, 9 steps after the warmup
  });

  it('train N steps, stop, resume N more = the same weights as 2N steps straight', async () => {
    const straightDir = await tempDir(), resumedDir = await tempDir();
    const straight = estimator(straightDir);
    await straight.train(fromStep(batches), { steps: 24 });
    expect(await straight.globalStep()).toBe(24);

    await estimator(resumedDir).train(fromStep(batches), { steps: 12 });
    expect((await readCheckpoint((await latestCheckpoint(resumedDir))!)).globalStep).toBe(12);
    const resumed = estimator(resumedDir); // a new process: everything comes from the model dir
    expect(await resumed.globalStep()).toBe(12);
    await resumed.train(fromStep(batches), { maxSteps: 24 });
    expect(await resumed.globalStep()).toBe(24);

    const a = straight.model!.getWeights(), b = resumed.model!.getWeights();
    expect(b.map((w) => w.name)).toEqual(a.map((w) => w.name));
    for (let i = 0; i < a.length; i++) expect(Array.from(b[i].values), a[i].name).toEqual(Array.from(a[i].values));
    const ca = await readCheckpoint((await latestCheckpoint(straightDir))!), cb = await readCheckpoint((await latestCheckpoint(resumedDir))!);
    expect(cb.rng).toEqual(ca.rng);
    expect(cb.optimizers).toEqual(ca.optimizers);
    expect(cb.tensors.map((t) => Array.from(t.values))).toEqual(ca.tensors.map((t) => Array.from(t.values)));
    // and without resuming the generators, the run would differ: dropout state matters here
    expect(ca.rng['layer/dnn/dropout_0']).toBeDefined();
    // maxSteps already reached: nothing to do, the input is not even read
    await resumed.train(() => { throw new Error('not called'); }, { maxSteps: 24 });
  });

  it('runs hooks in order, and requestStop ends training after the step', async () => {
    const dir = await tempDir();
    const calls: string[] = [];
    const recorder = (name: string, stopAt = -1): Hook => ({
      begin: () => { calls.push(`${name}.begin`); },
      beforeRun: (ctx) => { calls.push(`${name}.before@${ctx.globalStep}`); },
      afterRun: (ctx, values) => {
        calls.push(`${name}.after@${values.globalStep}`);
        expect(Number.isFinite(values.loss)).toBe(true);
        if (values.globalStep === stopAt) ctx.requestStop();
      },
      end: (ctx) => { calls.push(`${name}.end@${ctx.globalStep}`); },
    });
    const est = estimator(dir);
    await est.train(fromStep(batches), { hooks: [recorder('a', 2), recorder('b')] });
    expect(calls).toEqual([
      'a.begin', 'b.begin',
      'a.before@0', 'b.before@0', 'a.after@1', 'b.after@1',
      'a.before@1', 'b.before@1', 'a.after@2', 'b.after@2',
      'a.end@2', 'b.end@2',
    ]);
    expect(await est.globalStep()).toBe(2);
    expect((await readCheckpoint((await latestCheckpoint(dir))!)).globalStep).toBe(2); // saved at the end
    await est.train(fromStep(batches), { hooks: [new StopAtStepHook({ numSteps: 3 })] });
    expect(await est.globalStep()).toBe(5);
  });

  it('early stopping on an eval metric stops once it stops improving', async () => {
    const dir = await tempDir();
    const est = estimator(dir);
    const evalSet = [batch(200, 7)];
    const scripted = [0.5, 0.6, 0.6, 0.55, 0.61, 0.9];
    const hook = new EarlyStoppingHook({ metric: 'auc', patience: 2, minDelta: 0.01, everySteps: 2, evaluate: () => ({ auc: scripted.shift()! }) });
    await est.train(fromStep(batches), { hooks: [hook] });
    expect(hook.mode).toBe('max');
    expect(hook.best).toBe(0.6);
    expect(hook.bestStep).toBe(4);
    expect(hook.stoppedAt).toBe(8); // 0.6 (no gain > 0.01), 0.55: two without improvement
    expect(await est.globalStep()).toBe(8);
    const real = new EarlyStoppingHook({ metric: 'loss', patience: 1, everySteps: 4, evaluate: () => est.evaluate(() => evalSet) });
    expect(real.mode).toBe('min');
    await est.train(fromStep(batches), { hooks: [real], steps: 8 });
    expect(real.history.length).toBeGreaterThan(0);
  });

  it('a NaN loss stops training naming the step, keeping the last good checkpoint', async () => {
    const dir = await tempDir();
    const bad = batch(32, 999);
    const cross = (bad.features as { sparse: Record<string, { weights?: Float32Array; ids: Int32Array }> }).sparse.a_X_b;
    cross.weights = new Float32Array(cross.ids.length).fill(1);
    cross.weights[3] = NaN; // a NaN feature value reaches the logits through the wide part
    const data = [...batches.slice(0, 7), bad, ...batches.slice(8)];
    const est = estimator(dir); // saves every 5 steps
    const error = await est.train(() => data, { steps: 20 }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(DivergedError);
    expect((error as Error).message).toMatch(/the loss is NaN at global step 8/);
    expect((error as Error).message).toContain(join(dir, 'ckpt-5.bin'));
    expect(await latestCheckpoint(dir)).toBe(join(dir, 'ckpt-5.bin'));
    expect((await readdir(dir)).filter((f) => f.startsWith('ckpt-'))).toEqual(['ckpt-5.bin']);
    // training again reloads the good state from the dir
    await est.train(fromStep(batches), { steps: 2 });
    expect(await est.globalStep()).toBe(7);
  });

  it('bad labels and empty input are clear errors', async () => {
    const dir = await tempDir();
    const est = estimator(dir);
    const { features } = batches[0];
    const outOfRange = await est.train(() => [{ features, labels: batches[0].labels.map((y) => y * 2) }]).catch((e: Error) => e);
    expect(outOfRange).toBeInstanceOf(LabelError);
    expect((outOfRange as Error).message).toMatch(/^train: label \d+ is 2, out of range for nClasses 2/);
    expect((outOfRange as LabelError).value).toBe(2);
    const strings = await est.train(() => [{ features, labels: batches[0].labels.map(String) as unknown as number[] }]).catch((e: Error) => e);
    expect(strings).toBeInstanceOf(LabelError);
    expect(strings).toMatchObject({ index: 0, message: expect.stringMatching(/labels must be numbers/) });
    const notFinite = await est.train(() => [{ features, labels: batches[0].labels.map((y, i) => (i === 3 ? NaN : y)) }]).catch((e: Error) => e);
    expect(notFinite).toBeInstanceOf(LabelError);
    expect(notFinite).toMatchObject({ index: 3, message: 'train (global step 0): label 3 is NaN; labels must be finite numbers' });
    await expect(est.train(() => [])).rejects.toThrow(/no batches \(an empty dataset\)/);
    await expect(est.evaluate(() => [])).rejects.toThrow(/no rows \(an empty dataset\)/);
    const untrained = await est.evaluate(() => [batches[0]]).catch((e: Error) => e);
    expect(untrained).toBeInstanceOf(NoCheckpointError);
    expect(untrained).toMatchObject({ modelDir: dir, message: expect.stringMatching(/^evaluate: no checkpoint in .* train first/) });
    await expect(est.train(() => [{ features }])).rejects.toThrow(/has no labels/);
  });

  it('evaluate and predict on a tiny dataset', async () => {
    const dir = await tempDir();
    const est = estimator(dir, { logStepCountSteps: 10 });
    await est.train(fromStep(batches), { steps: 40 });
    const evalSet = [batch(100, 1), batch(100, 2)];
    const metrics = await est.evaluate(() => evalSet);
    expect(Object.keys(metrics).sort()).toEqual(['accuracy', 'auc', 'globalStep', 'loss', 'precision', 'recall']);
    expect(metrics.globalStep).toBe(40);
    expect(metrics.accuracy).toBeGreaterThan(0.9);
    expect(metrics.loss).toBeLessThan(0.55);
    // the same numbers from a fresh estimator reading the checkpoint
    const again = await estimator(dir).evaluate(() => evalSet);
    expect(again.accuracy).toBe(metrics.accuracy);
    expect(again.loss).toBeCloseTo(metrics.loss, 6);
    expect((await estimator(dir).evaluate(() => evalSet, { steps: 1 })).accuracy).toBe((await est.evaluate(() => [evalSet[0]])).accuracy);

    const rows = [];
    for await (const row of estimator(dir).predict(() => [{ features: evalSet[0].features }])) rows.push(row);
    expect(rows).toHaveLength(100);
    expect(Object.keys(rows[0]).sort()).toEqual(['classIds', 'logistic', 'logits', 'probabilities']);
    expect(rows[0].probabilities[0] + rows[0].probabilities[1]).toBeCloseTo(1, 6);
    const correct = rows.filter((r, i) => r.classIds[0] === evalSet[0].labels[i]).length;
    expect(correct / 100).toBeGreaterThan(0.9);

    const lines = (await readFile(join(dir, 'summaries.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.some((l) => l.name === 'loss' && l.step === 10)).toBe(true);
    expect(lines.some((l) => l.name === 'eval/accuracy' && l.step === 40 && l.value === metrics.accuracy)).toBe(true);
    expect(Object.keys(lines[0]).sort()).toEqual(['name', 'step', 'value', 'wallTime']);
    expect(ModeKeys.PREDICT).toBe('infer');
  });
});
