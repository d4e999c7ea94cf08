import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  captureModelState, latestCheckpoint, modelRandoms, readCheckpoint, readCheckpointIndex, restoreModelCheckpoint, saveCheckpoint, saveModelCheckpoint,
} from '../../src/train/checkpoint/index.ts';
import { CheckpointError } from '../../src/train/errors.ts';
import { dnnModel, wideAndDeepModel } from '../../src/train/model/wide-and-deep.ts';
import { Adam } from '../../src/train/optimizers/adam.ts';
import { Random } from '../../src/kernels/random.ts';
import { featureBatch, ragged } from './train-helpers.ts';

function data(n: number, seed: number, cardinality = 6) {
  const random = new Random(seed);
  const a = Array.from({ length: n }, () => random.int(6)), b = Array.from({ length: n }, () => random.int(6));
  const features = featureBatch(a.map(() => [random.uniformIn(-1, 1)]), {
    a: ragged(a.map((x) => [x]), cardinality),
    a_embedding: ragged(a.map((x) => [x]), cardinality, 'mean', 3),
    b_embedding: ragged(b.map((x) => [x]), 6, 'mean', 3),
  });
  return { features, labels: a.map((x, i) => ((x + b[i]) % 2 === 0 ? 1 : 0)) };
}

function model(cardinality = 6) {
  const m = wideAndDeepModel({ seed: 1, dnn: { hiddenUnits: [8], dropout: 0.2, optimizer: new Adam({ learningRate: 0.01 }) } });
  m.compile({ loss: 'binaryCrossentropy' });
  return { m, train: data(200, 1, cardinality) };
}

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fc-ckpt-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('checkpoints', () => {
  it('round trip: weights, every slot and iteration count, step and generator states come back identical', async () => {
    const dir = await tempDir();
    const { m, train } = model();
    await m.fit(train, { epochs: 2, batchSize: 50 });
    const saved = captureModelState(m, 8);
    const copy = JSON.parse(JSON.stringify({ ...saved, tensors: saved.tensors.map((t) => ({ ...t, values: Array.from(t.values) })) }));
    const path = await saveModelCheckpoint(dir, m, 8);
    expect(path).toBe(join(dir, 'ckpt-8.bin'));
    expect(await latestCheckpoint(dir)).toBe(path);
    expect(Object.keys(saved.rng)).toEqual(['model/init', 'model/shuffle', 'layer/dnn/dropout_0']);
    expect(saved.tensors.some((t) => t.name === 'optimizer_0/dnn/hiddenlayer_0/kernel/m')).toBe(true);
    expect(saved.tensors.some((t) => t.name === 'optimizer_1/linear/a/weights/accumulator')).toBe(true);

    const fresh = model().m;
    await fresh.fit(train, { epochs: 0 });
    expect(fresh.getWeights()[2].values).not.toEqual(m.getWeights()[2].values);
    expect(await restoreModelCheckpoint(dir, fresh)).toBe(8);
    const again = captureModelState(fresh, 8);
    expect(again.tensors.map((t) => [t.name, t.shape, Array.from(t.values)])).toEqual(copy.tensors.map((t: { name: string; shape: number[]; values: number[] }) => [t.name, t.shape, t.values]));
    expect(again.optimizers).toEqual(copy.optimizers);
    expect(again.optimizers[0].iterations).toBe(8);
    expect(again.rng).toEqual(copy.rng);
    expect(modelRandoms(fresh).get('layer/dnn/dropout_0')!.state()).toEqual(saved.rng['layer/dnn/dropout_0']);
  });

  it('a crash after the temp file is written leaves the previous checkpoint and index intact, no partial file', async () => {
    const dir = await tempDir();
    const { m, train } = model();
    await m.fit(train, { epochs: 1, batchSize: 100 });
    const first = await saveModelCheckpoint(dir, m, 2);
    const before = await readFile(first);
    await m.fit(train, { epochs: 1, batchSize: 100 });
    let temp = '';
    await expect(saveModelCheckpoint(dir, m, 4, { onTempWritten: (t) => { temp = t; throw new Error('simulated crash'); } })).rejects.toThrow('simulated crash');
    expect(temp).toMatch(/\.ckpt-4\.bin\.tmp-/);
    const files = await readdir(dir);
    expect(files.sort()).toEqual(['checkpoint', 'ckpt-2.bin']);
    expect(await latestCheckpoint(dir)).toBe(first);
    expect((await readFile(first)).equals(before)).toBe(true);
    expect((await readCheckpoint(first)).globalStep).toBe(2);
  });

  it('detects corruption and truncation, naming the file, and restores nothing', async () => {
    const dir = await tempDir();
    const { m, train } = model();
    await m.fit(train, { epochs: 1, batchSize: 100 });
    const path = await saveModelCheckpoint(dir, m, 2);
    const bytes = await readFile(path);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 3] ^= 0x40;
    await writeFile(path, flipped);
    await expect(readCheckpoint(path)).rejects.toThrow(`checkpoint ${path} is corrupted: SHA-256`);
    await writeFile(path, bytes.subarray(0, bytes.length - 10));
    await expect(readCheckpoint(path)).rejects.toThrow(`checkpoint ${path} is truncated`);
    await writeFile(path, bytes.subarray(0, 20));
    await expect(readCheckpoint(path)).rejects.toThrow(`checkpoint ${path} is truncated`);
    const other = model().m;
    await other.fit(train, { epochs: 0 });
    const weights = other.getWeights();
    await expect(restoreModelCheckpoint(dir, other)).rejects.toThrow(path);
    expect(other.getWeights()).toEqual(weights);
  });

  it('a checkpoint of other shapes is refused with what differs and how to fix it; the model is untouched', async () => {
    const dir = await tempDir();
    const { m, train } = model(6);
    await m.fit(train, { epochs: 1, batchSize: 100 });
    const path = await saveModelCheckpoint(dir, m, 2);
    const { m: bigger, train: trainBig } = model(10);
    await bigger.fit(trainBig, { epochs: 0 });
    const weights = bigger.getWeights();
    const error = await restoreModelCheckpoint(dir, bigger).catch((e: Error) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as CheckpointError).file).toBe(path);
    const message = (error as Error).message;
    expect(message).toContain(`checkpoint ${path} does not match the model`);
    expect(message).toContain('checkpoint has dnn/input/a_embedding/embedding_weights [6, 3], model has [10, 3]');
    expect(message).toContain('use a new --model-dir');
    expect(bigger.getWeights()).toEqual(weights);
    const noDropout = dnnModel({ seed: 1, dnn: { hiddenUnits: [8] } });
    noDropout.compile({ loss: 'binaryCrossentropy' });
    await noDropout.fit(train, { epochs: 0 });
    await expect(restoreModelCheckpoint(dir, noDropout)).rejects.toThrow(/linear\/a\/weights .*the model has no such parameter.*optimizers \[Adam, Ftrl\], the model uses \[Adagrad\]/);
  });

  it('a corrupted index and a checkpoint the index names but is gone are CheckpointErrors naming the file', async () => {
    const dir = await tempDir();
    const { m, train } = model();
    await m.fit(train, { epochs: 1, batchSize: 100 });
    const path = await saveModelCheckpoint(dir, m, 2);
    await rm(path);
    const missing = await readCheckpoint(path).catch((e: Error) => e);
    expect(missing).toBeInstanceOf(CheckpointError);
    expect(missing).toMatchObject({ file: path, message: `checkpoint ${path} is missing (the index names it); the model dir was changed by hand` });
    const index = join(dir, 'checkpoint');
    await writeFile(index, '{"latest": 1}');
    const corrupted = await readCheckpointIndex(dir).catch((e: Error) => e);
    expect(corrupted).toBeInstanceOf(CheckpointError);
    expect(corrupted).toMatchObject({ file: index, message: `checkpoint index ${index} is corrupted (missing latest or checkpoints); delete it to start over, or restore it from a backup` });
  });

  it('keeps keepCheckpointMax checkpoints, deleting older ones, and indexes them', async () => {
    const dir = await tempDir();
    const { m, train } = model();
    await m.fit(train, { epochs: 0 });
    for (const step of [1, 2, 3, 4, 5]) await saveModelCheckpoint(dir, m, step, { keepCheckpointMax: 3 });
    expect((await readdir(dir)).sort()).toEqual(['checkpoint', 'ckpt-3.bin', 'ckpt-4.bin', 'ckpt-5.bin']);
    const index = (await readCheckpointIndex(dir))!;
    expect(index.latest).toBe('ckpt-5.bin');
    expect(index.checkpoints.map((c) => c.step)).toEqual([3, 4, 5]);
    expect(await latestCheckpoint(await tempDir())).toBeNull();
    await expect(saveCheckpoint(dir, captureModelState(m, 6), { keepCheckpointMax: -1 })).rejects.toThrow(/keepCheckpointMax/);
  });
});
