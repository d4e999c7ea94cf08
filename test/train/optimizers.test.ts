/**
 * Each optimizer's first steps on one weight (w = 1; gradients 0.5, −0.2, 0.1) against values
 * worked by hand from the documented update formulas (see each optimizer's header).
 */
import { describe, expect, it } from 'vitest';
import { Adagrad } from '../../src/train/optimizers/adagrad.ts';
import { Adam } from '../../src/train/optimizers/adam.ts';
import { createOptimizer } from '../../src/train/optimizers/create.ts';
import { Ftrl } from '../../src/train/optimizers/ftrl.ts';
import type { Optimizer } from '../../src/train/optimizers/optimizer.ts';
import { constantLearningRate, cosineDecay, exponentialDecay } from '../../src/train/optimizers/schedules.ts';
import { SGD } from '../../src/train/optimizers/sgd.ts';
import { Parameter } from '../../src/train/parameter.ts';

const GRADIENTS = [0.5, -0.2, 0.1];

function steps(optimizer: Optimizer, start = 1, gradients = GRADIENTS): number[] {
  const p = new Parameter('w', Float32Array.of(start), 1, 1);
  return gradients.map((g) => {
    p.grad[0] = g;
    optimizer.apply([p]);
    return p.value[0];
  });
}

function expectSteps(got: number[], want: number[]): void {
  got.forEach((v, i) => expect(v, `step ${i + 1}`).toBeCloseTo(want[i], 6));
}

describe('optimizers: first steps by hand', () => {
  it('SGD: w − lr·g', () => {
    // 1 − 0.1·0.5 = 0.95; 0.95 + 0.02 = 0.97; 0.97 − 0.01 = 0.96
    expectSteps(steps(new SGD({ learningRate: 0.1 })), [0.95, 0.97, 0.96]);
  });

  it('SGD with momentum: v = m·v − lr·g, w += v', () => {
    // v1 = −0.05 → 0.95; v2 = −0.045 + 0.02 = −0.025 → 0.925; v3 = −0.0225 − 0.01 = −0.0325 → 0.8925
    expectSteps(steps(new SGD({ learningRate: 0.1, momentum: 0.9 })), [0.95, 0.925, 0.8925]);
  });

  it('SGD with Nesterov momentum: w += m·v − lr·g', () => {
    // 1 − 0.045 − 0.05 = 0.905; 0.905 − 0.0225 + 0.02 = 0.9025; 0.9025 − 0.02925 − 0.01 = 0.86325
    expectSteps(steps(new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true })), [0.905, 0.9025, 0.86325]);
  });

  it('Adagrad: a += g², w −= lr·g/(√a + ε), a starting at 0.1', () => {
    // a = 0.35: 1 − 0.05/√0.35 = 0.915484589; a = 0.39: + 0.02/√0.39 = 0.947510214; a = 0.4: − 0.01/√0.4 = 0.931698829
    expectSteps(steps(new Adagrad({ learningRate: 0.1 })), [0.915484589, 0.947510214, 0.931698829]);
  });

  it('Adam: bias-corrected moments, α = lr·√(1 − β2^t)/(1 − β1^t)', () => {
    // t=1: m = 0.05, v = 0.00025, α = 0.1·√0.001/0.1 → 1 − α·m/(√v + ε) = 0.900000632 (ε = 1e-7)
    // t=2: m = 0.025, v = 0.00028975, α = 0.1·√0.001999/0.19 → 0.865440251; t=3 → 0.827501291
    expectSteps(steps(new Adam({ learningRate: 0.1 })), [0.900000632, 0.865440251, 0.827501291]);
  });

  it('FTRL-Proximal with l1 and l2 (learning-rate power −0.5, accumulator 0.1)', () => {
    // n' = 0.35, σ = (√0.35 − √0.1)/0.1 = 2.753802, z = 0.5 − σ·1 = −2.253802,
    // q = √0.35/0.1 + 2·0.1 = 6.116080, w = (−0.01 − z)/q = 0.366869335; then 0.397901152, 0.382574437
    expectSteps(steps(new Ftrl({ learningRate: 0.1, l1RegularizationStrength: 0.01, l2RegularizationStrength: 0.1 })),
      [0.366869335, 0.397901152, 0.382574437]);
  });

  it('FTRL keeps a weight at exactly zero while |z| ≤ l1', () => {
    // from w = 0: z = 0.5, then 0.3, then 0.4, all ≤ 0.6
    const ftrl = new Ftrl({ learningRate: 0.1, l1RegularizationStrength: 0.6 });
    expect(steps(ftrl, 0)).toEqual([0, 0, 0]);
    const p = ftrl.variables();
    expect(p.map((v) => v.slot)).toEqual(['accumulator', 'linear']);
    expect(p[1].values[0]).toBeCloseTo(0.4, 6);
    expect(p[0].values[0]).toBeCloseTo(0.1 + 0.25 + 0.04 + 0.01, 6);
  });

  it('counts iterations, keeps slots per parameter, and names its defaults', () => {
    const adam = createOptimizer('adam') as Adam;
    expect([adam.name, adam.beta1, adam.beta2, adam.epsilon, adam.currentLearningRate()]).toEqual(['Adam', 0.9, 0.999, 1e-7, 0.001]);
    steps(adam);
    expect(adam.iterations).toBe(3);
    expect(adam.variables().map((v) => `${v.parameter}:${v.slot}`)).toEqual(['w:m', 'w:v']);
    expect(createOptimizer('ftrl').name).toBe('Ftrl');
    expect(() => createOptimizer('rmsprop')).toThrow(/unknown optimizer/);
    expect(() => new SGD({ nesterov: true })).toThrow(/momentum/);
  });

  it('skips frozen parameters', () => {
    const p = new Parameter('w', Float32Array.of(1), 1, 1, false, false);
    p.grad[0] = 1;
    new SGD({ learningRate: 1 }).apply([p]);
    expect(p.value[0]).toBe(1);
  });
});

describe('sparse updates', () => {
  it('touch only the recorded rows, keep the others and their slots, and zero the used gradient rows', () => {
    for (const optimizer of [new SGD({ learningRate: 0.1, momentum: 0.5 }), new Adagrad({ learningRate: 0.1 }), new Adam({ learningRate: 0.1 }), new Ftrl({ learningRate: 0.1 })]) {
      const p = new Parameter('table', new Float32Array(10 * 2).fill(1), 10, 2, true);
      for (const row of [2, 7]) {
        p.grad[row * 2] = 0.5;
        p.grad[row * 2 + 1] = -0.5;
        p.touched!.add(row);
      }
      optimizer.apply([p]);
      for (let row = 0; row < 10; row++) {
        const moved = p.value[row * 2] !== 1;
        expect(moved, `${optimizer.name} row ${row}`).toBe(row === 2 || row === 7);
      }
      expect(p.grad.every((g) => g === 0)).toBe(true);
      // lazy Adam: untouched rows keep m = v = 0 (dense Adam would have decayed them)
      const before = Object.values(optimizer.slots(p)).map((s) => s.slice());
      p.grad[0] = 1;
      p.touched!.add(0);
      optimizer.apply([p]);
      Object.values(optimizer.slots(p)).forEach((s, i) => expect(s.subarray(4).join()).toBe(before[i].subarray(4).join()));
    }
  });

  it('matches dense Adam on the rows it touches at every step', () => {
    const dense = new Parameter('d', Float32Array.of(1, 2), 1, 2);
    const sparse = new Parameter('s', Float32Array.of(1, 2, 5, 5), 2, 2, true);
    const a = new Adam({ learningRate: 0.05 }), b = new Adam({ learningRate: 0.05 });
    for (const g of GRADIENTS) {
      dense.grad.set([g, -g]);
      sparse.grad.set([g, -g], 0);
      sparse.touched!.add(0);
      a.apply([dense]);
      b.apply([sparse]);
    }
    expect(Array.from(sparse.value.subarray(0, 2))).toEqual(Array.from(dense.value));
    expect(Array.from(sparse.value.subarray(2))).toEqual([5, 5]);
  });
});

describe('learning-rate schedules', () => {
  it('exponential decay: lr0 · rate^(step/decaySteps), floored with staircase', () => {
    const smooth = exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
    const stairs = exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true });
    [0.1, 0.1 * Math.SQRT1_2, 0.05, 0.05 * Math.SQRT1_2, 0.025].forEach((want, i) => expect(smooth.at(i * 5)).toBeCloseTo(want, 12));
    expect([0, 9, 10, 19, 20].map((s) => stairs.at(s))).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
    expect(constantLearningRate(0.3).at(1000)).toBe(0.3);
    expect(() => exponentialDecay({ initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.5 })).toThrow(/decaySteps/);
  });

  it('cosine decay: Keras CosineDecay values, floor alpha, held after decaySteps', () => {
    // lr0 · ½(1 + cos(π·s/100)): s = 25 → 0.05·(1 + √½), s = 75 → 0.05·(1 − √½)
    const plain = cosineDecay({ initialLearningRate: 0.1, decaySteps: 100 });
    const want = [0.1, 0.085355339059327376, 0.05, 0.014644660940672624, 0, 0];
    [0, 25, 50, 75, 100, 150].forEach((s, i) => expect(plain.at(s), `step ${s}`).toBeCloseTo(want[i], 14));
    // alpha 0.1: lr0 · (0.9 · ½(1 + cos) + 0.1): 0.1 at 0, 0.055 at 50, 0.01 from 100 on
    const floored = cosineDecay({ initialLearningRate: 0.1, decaySteps: 100, alpha: 0.1 });
    [[0, 0.1], [50, 0.055], [100, 0.01], [1000, 0.01]].forEach(([s, w]) => expect(floored.at(s), `step ${s}`).toBeCloseTo(w, 14));
    expect(plain.config).toEqual({ kind: 'cosineDecay', initialLearningRate: 0.1, decaySteps: 100, alpha: 0, warmupTarget: null, warmupSteps: 0 });
  });

  it('cosine decay with a linear warmup (TF ≥ 2.13): initial → target over warmupSteps, then the cosine from the target', () => {
    const s = cosineDecay({ initialLearningRate: 0, warmupTarget: 0.1, warmupSteps: 10, decaySteps: 100 });
    // warmup 0, 0.05 at 5, 0.1 at 10; then 0.1·½(1 + cos(π·(step − 10)/100)): 0.05 at 60, 0 at 110 and after
    const want = [0, 0.01, 0.05, 0.1, 0.085355339059327376, 0.05, 0, 0];
    [0, 1, 5, 10, 35, 60, 110, 500].forEach((step, i) => expect(s.at(step), `step ${step}`).toBeCloseTo(want[i], 14));
    const fromNonZero = cosineDecay({ initialLearningRate: 0.02, warmupTarget: 0.1, warmupSteps: 4, decaySteps: 10 });
    expect([0, 1, 2, 3, 4].map((step) => fromNonZero.at(step))).toEqual([0.02, 0.04, 0.06, 0.08, 0.1].map((w) => expect.closeTo(w, 14)));
    expect(() => cosineDecay({ initialLearningRate: 0.1, decaySteps: 0 })).toThrow(/decaySteps/);
    expect(() => cosineDecay({ initialLearningRate: 0.1, decaySteps: 10, warmupSteps: 5 })).toThrow(/warmupTarget/);
    expect(() => cosineDecay({ initialLearningRate: 0, decaySteps: 10 })).toThrow(/learning rate/);
    expect(() => cosineDecay({ initialLearningRate: 0.1, decaySteps: 10, alpha: 2 })).toThrow(/alpha/);
  });

  it('cosine decay drives SGD by its step count', () => {
    // decaySteps 2: lr 0.1, 0.05, 0 → 1 − 0.05 = 0.95; + 0.05·0.2 = 0.96; unchanged 0.96
    const sgd = new SGD({ learningRate: cosineDecay({ initialLearningRate: 0.1, decaySteps: 2 }) });
    expectSteps(steps(sgd), [0.95, 0.96, 0.96]);
    expect(sgd.getConfig().learningRate).toMatchObject({ kind: 'cosineDecay', decaySteps: 2 });
  });

  it('drive the optimizer by its step count', () => {
    // lr 0.1, 0.05, 0.025: 1 − 0.05 = 0.95; + 0.01 = 0.96; − 0.0025 = 0.9575
    const sgd = new SGD({ learningRate: exponentialDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 }) });
    expectSteps(steps(sgd), [0.95, 0.96, 0.9575]);
    expect(sgd.currentLearningRate()).toBeCloseTo(0.0125, 10);
  });
});
