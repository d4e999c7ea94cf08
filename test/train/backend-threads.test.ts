/**
 * The wasm kernel's helper thread (matmul-thread.ts): products split by rows with it give exactly the bits of
 * one thread, for every transpose, accumulate, multi-pass depths and ragged row counts, in resident buffers and
 * plain arrays; and a model trained on two threads ends with the weights of one.
 */
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { JsBackend } from '../../src/train/backend/js.ts';
import { WasmMatmul } from '../../src/train/backend/matmul-wasm.ts';
import type { Activation } from '../../src/train/backend/backend.ts';
import { wideAndDeepModel } from '../../src/train/model/wide-and-deep.ts';
import { Adam } from '../../src/train/optimizers/adam.ts';
import { randomArray, seededRandom } from './backend-reference.ts';
import { featureBatch } from './train-helpers.ts';

function expectSameBits(got: Float32Array, want: Float32Array, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) expect.fail(`${what}: element ${i} is ${got[i]}, one thread gave ${want[i]}`);
}

const twoCores = availableParallelism() >= 2;

describe.runIf(twoCores)('the wasm kernel on two threads', () => {
  // First in this file (a fresh module state): the helper starts while its caller only ever awaits settled promises,
  // as a fit's loop does, never turning the event loop; it used to wait for the event loop and sit out whole fits.
  it('starts its helper while the caller never yields to the event loop', async () => {
    const kernel = new WasmMatmul({ threads: 2 });
    const [m, n, k] = [256, 100, 128];
    const x = kernel.allocate(m * k).fill(0.5), w = kernel.allocate(k * n).fill(0.25), b = kernel.allocate(n), y = kernel.allocate(m * n);
    const until = performance.now() + 20_000;
    while (kernel.helperJobs === 0 && performance.now() < until) {
      kernel.denseForward(x, w, b, y, m, n, k, 'relu');
      await Promise.resolve(); // microtasks only, as between a fit's steps
    }
    expect(kernel.helperJobs).toBeGreaterThan(0);
  });

  const one = new WasmMatmul({ threads: 1 }), two = new WasmMatmul({ threads: 2 });

  /** The same values in each kernel's memory (resident) or in plain arrays. */
  const operands = (values: Float32Array, resident: boolean): [Float32Array, Float32Array] => {
    if (!resident) return [values.slice(), values.slice()];
    const a = one.allocate(values.length), b = two.allocate(values.length);
    a.set(values);
    b.set(values);
    return [a, b];
  };

  it('starts its helper, and splits products by rows with the same bits as one thread', async () => {
    expect(await two.threadsReady()).toBe(true);
    expect(await one.threadsReady()).toBe(false);
    const random = seededRandom(5);
    const shapes = [[256, 100, 126], [256, 75, 100], [37, 33, 129], [129, 13, 300], [513, 64, 300], [9, 64, 1000], [300, 5, 77]];
    for (const resident of [true, false]) {
      for (const [m, n, k] of shapes) {
        for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]]) {
          for (const accumulate of [false, true]) {
            const [a1, a2] = operands(randomArray(random, m * k), resident), [b1, b2] = operands(randomArray(random, k * n), resident);
            const [c1, c2] = operands(randomArray(random, m * n), resident);
            one.run(a1, b1, c1, m, n, k, transA, transB, accumulate);
            two.run(a2, b2, c2, m, n, k, transA, transB, accumulate);
            expectSameBits(c2, c1, `matmul ${m}×${n}×${k} transA ${transA} transB ${transB} accumulate ${accumulate} resident ${resident}`);
          }
        }
      }
    }
    expect(two.helperJobs).toBeGreaterThan(10); // most of the 112 products, unless this machine keeps the helper off its core
    expect(one.helperJobs).toBe(0);
  });

  it('splits a Dense layer\'s forward and backward with the same bits, every gradient or none of them', async () => {
    await two.threadsReady();
    const before = two.helperJobs;
    const random = seededRandom(8);
    for (const [rows, n, k, dxWidth] of [[256, 100, 126, 8], [256, 75, 100, 100], [61, 40, 90, 90], [512, 50, 75, 75]]) {
      for (const activation of ['relu', 'linear', 'sigmoid'] as Activation[]) {
        for (const wanted of [[true, true, true], [true, false, false], [false, false, true]]) {
          const [x1, x2] = operands(randomArray(random, rows * k), true), [w1, w2] = operands(randomArray(random, k * n, -0.3, 0.3), true);
          const [b1, b2] = operands(randomArray(random, n), true), [y1, y2] = operands(new Float32Array(rows * n), true);
          one.denseForward(x1, w1, b1, y1, rows, n, k, activation);
          two.denseForward(x2, w2, b2, y2, rows, n, k, activation);
          expectSameBits(y2, y1, `forward ${rows}×${n}×${k} ${activation}`);
          const [dy1, dy2] = operands(randomArray(random, rows * n), true);
          const grads = (kernel: WasmMatmul) => ({
            dw: wanted[0] ? kernel.allocate(k * n) : null, db: wanted[1] ? kernel.allocate(n) : null,
            dx: wanted[2] ? kernel.allocate(rows * dxWidth) : null, dz: kernel.allocate(rows * n),
          });
          const g1 = grads(one), g2 = grads(two), tail = (w: Float32Array) => w.subarray((k - dxWidth) * n);
          one.denseBackward(x1, tail(w1), y1, dy1, g1.dw, g1.db, g1.dx, rows, n, k, activation, dxWidth, g1.dz);
          two.denseBackward(x2, tail(w2), y2, dy2, g2.dw, g2.db, g2.dx, rows, n, k, activation, dxWidth, g2.dz);
          for (const key of ['dw', 'db', 'dx'] as const) {
            if (g1[key] !== null) expectSameBits(g2[key]!, g1[key]!, `backward ${key} ${rows}×${n}×${k} ${activation}`);
          }
          expectSameBits(dy2, dy1, 'dy untouched');
        }
      }
    }
    expect(two.helperJobs - before).toBeGreaterThan(10);
  });

  it('trains a model to the same weights on one thread and two', async () => {
    const random = seededRandom(3);
    const rows = Array.from({ length: 1024 }, () => Array.from({ length: 12 }, () => random() * 2 - 1));
    const data = { features: featureBatch(rows), labels: rows.map((r) => (r[0] * r[1] + r[2] > 0 ? 1 : 0)) };
    const train = async (threads: 1 | 2) => {
      const backend = new JsBackend({ threads });
      expect(await backend.threadsReady()).toBe(threads === 2);
      const model = wideAndDeepModel({ seed: 1, linear: false, dnn: { hiddenUnits: [64, 64, 32], dropout: 0.1, optimizer: new Adam({ learningRate: 0.01 }) } });
      model.compile({ loss: 'binaryCrossentropy', metrics: ['accuracy'], backend });
      const history = await model.fit(data, { epochs: 3, batchSize: 256 });
      return { weights: model.getWeights(), history };
    };
    const a = await train(1), b = await train(2);
    expect(b.history).toEqual(a.history);
    expect(b.weights).toEqual(a.weights);
    expect(a.history.history.accuracy[2]).toBeGreaterThan(0.6);
  });
});
