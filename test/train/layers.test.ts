import { describe, expect, it } from 'vitest';
import type { Activation } from '../../src/train/backend/backend.ts';
import { JsBackend } from '../../src/train/backend/js.ts';
import { Dense } from '../../src/train/layers/dense.ts';
import { Dropout } from '../../src/train/layers/dropout.ts';
import { initialize } from '../../src/train/initializers.ts';
import { Random } from '../../src/kernels/random.ts';
import { l1, l1l2, l2 } from '../../src/train/regularizers.ts';
import { argScope } from '../../src/train/arg-scope.ts';
import { expectClose, numericalGradient, project, randomValues } from './train-helpers.ts';

const backend = new JsBackend();
const ACTIVATIONS: Activation[] = ['linear', 'relu', 'sigmoid', 'tanh'];

describe('Dense', () => {
  for (const activation of ACTIVATIONS) {
    for (const regularized of [false, true]) {
      it(`matches finite differences: ${activation}${regularized ? ', l1l2 regularized' : ''}`, () => {
        const random = new Random(11);
        const rows = 5, inputs = 4, units = 3;
        const layer = new Dense({ units, activation, kernelRegularizer: regularized ? l1l2({ l1: 0.03, l2: 0.05 }) : null, name: 'd' });
        layer.build(inputs, random);
        const x = randomValues(random, rows * inputs);
        layer.bias!.value.set([0.3, -0.2, 0.1]);
        const c = randomValues(random, rows * units);
        const loss = () => project(layer.forward(backend, x, rows), c, rows * units) + layer.penalty();
        const out = layer.forward(backend, x, rows);
        if (activation === 'relu') {
          // keep pre-activations away from the kink, where differences are meaningless
          for (let i = 0; i < rows * units; i++) expect(out[i] === 0 || out[i] > 0.02).toBe(true);
        }
        const dx = layer.backward(backend, c, rows, true)!.slice(0, rows * inputs);
        const dW = layer.kernel!.grad.slice(), db = layer.bias!.grad.slice();
        const h = 1e-3;
        expectClose(dW, numericalGradient(layer.kernel!.value, loss, h), 2e-3, 'kernel');
        expectClose(db, numericalGradient(layer.bias!.value, loss, h), 2e-3, 'bias');
        expectClose(dx, numericalGradient(x, loss, h), 2e-3, 'input');
      });
    }
  }

  it('returns only the tail columns of the input gradient after setInputGradientFrom', () => {
    const random = new Random(2);
    const layer = new Dense({ units: 4, activation: 'tanh', name: 'd' });
    layer.build(6, random);
    const x = randomValues(random, 3 * 6), c = randomValues(random, 3 * 4);
    layer.forward(backend, x, 3);
    const full = layer.backward(backend, c, 3, true)!.slice(0, 18);
    layer.setInputGradientFrom(4);
    layer.forward(backend, x, 3);
    const tail = layer.backward(backend, c, 3, true)!.slice(0, 6);
    const want = [0, 1, 2].flatMap((r) => Array.from(full.subarray(r * 6 + 4, r * 6 + 6)));
    expectClose(tail, want, 1e-6, 'tail');
  });

  it('has no bias with useBias false, and reuses its buffers from step to step', () => {
    const layer = new Dense({ units: 2, useBias: false, name: 'd' });
    layer.build(3, new Random(0));
    expect(layer.parameters().map((p) => p.name)).toEqual(['d/kernel']);
    const x = new Float32Array(12);
    const first = layer.forward(backend, x, 4);
    expect(layer.forward(backend, x, 3)).toBe(first);
  });

  it('initializes glorotUniform within its limit, heNormal with its spread, zeros as zeros', () => {
    const random = new Random(5);
    const w = new Float32Array(40 * 60);
    initialize('glorotUniform', w, 40, 60, random);
    const limit = Math.sqrt(6 / 100);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.95 * limit);
    initialize('heNormal', w, 40, 60, random);
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    expect(std).toBeCloseTo(Math.sqrt(2 / 40), 2); // the 0.8796 correction undoes the truncation's shrink
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(2 * Math.sqrt(2 / 40) / 0.87962566103423978 + 1e-6);
    initialize('zeros', w, 40, 60, random);
    expect(w.every((v) => v === 0)).toBe(true);
    expect(() => initialize('ones' as never, w, 1, 1, random)).toThrow(/unknown initializer/);
  });

  it('gives the same weights for the same seed', () => {
    const a = new Dense({ units: 5, kernelInitializer: 'heNormal', name: 'a' }), b = new Dense({ units: 5, kernelInitializer: 'heNormal', name: 'b' });
    a.build(7, new Random(9));
    b.build(7, new Random(9));
    expect(Array.from(a.kernel!.value)).toEqual(Array.from(b.kernel!.value));
  });

  it('adds Keras-style penalties: l1 · Σ|w| and l2 · Σw²', () => {
    const layer = new Dense({ units: 1, kernelRegularizer: l1(0.1), name: 'd' });
    layer.build(2, new Random(0));
    layer.kernel!.value.set([0.5, -2]);
    expect(layer.penalty()).toBeCloseTo(0.25, 6);
    const layer2 = new Dense({ units: 1, kernelRegularizer: l2(0.1), name: 'd2' });
    layer2.build(2, new Random(0));
    layer2.kernel!.value.set([0.5, -2]);
    expect(layer2.penalty()).toBeCloseTo(0.425, 6);
  });

  it('rejects bad options', () => {
    expect(() => new Dense({ units: 0 })).toThrow(/units/);
    expect(() => new Dense({ units: 2, activation: 'gelu' as Activation })).toThrow(/activation/);
    expect(() => new Dense({ units: 2 }).forward(backend, new Float32Array(2), 1)).toThrow(/before build/);
  });
});

describe('argScope', () => {
  it('sets Dense defaults inside the scope; explicit arguments win; scopes nest and re-enter', () => {
    const reg = l2(0.05);
    const [a, b] = argScope([Dense], { activation: 'relu', kernelRegularizer: reg }, () => [
      new Dense({ units: 2 }), new Dense({ units: 2, activation: 'tanh' }),
    ]);
    expect(a.activation).toBe('relu');
    expect(a.kernelRegularizer).toBe(reg);
    expect(b.activation).toBe('tanh');
    expect(b.kernelRegularizer).toBe(reg);
    expect(new Dense({ units: 2 }).activation).toBe('linear');

    const nested = argScope([Dense], { activation: 'relu' }, () =>
      argScope([Dense], { useBias: false }, () => new Dense({ units: 1 })));
    expect(nested.activation).toBe('relu');
    expect(nested.useBias).toBe(false);

    const scope = argScope([Dense], { activation: 'sigmoid' });
    expect(new Dense({ units: 1 }).activation).toBe('linear');
    expect(argScope(scope, () => new Dense({ units: 1 })).activation).toBe('sigmoid');
    expect(argScope(scope, () => new Dense({ units: 1, activation: undefined })).activation).toBe('sigmoid');
  });
});

describe('Dropout', () => {
  it('is the identity at inference and scales kept values by 1/(1 − rate) in training', () => {
    const layer = new Dropout(0.25);
    layer.build(100, new Random(4));
    const x = new Float32Array(100 * 50).fill(2);
    expect(layer.forward(backend, x, 50, false)).toBe(x);
    const y = layer.forward(backend, x, 50, true);
    let kept = 0;
    for (let i = 0; i < x.length; i++) {
      expect(y[i] === 0 || Math.abs(y[i] - 2 / 0.75) < 1e-6).toBe(true);
      if (y[i] !== 0) kept++;
    }
    expect(kept / x.length).toBeCloseTo(0.75, 1);
    const dy = new Float32Array(x.length).fill(1);
    const dx = layer.backward(backend, dy, 50, true)!;
    for (let i = 0; i < x.length; i++) expect(dx[i]).toBeCloseTo(y[i] / 2, 6);
  });

  it('draws the same masks for the same seed', () => {
    const a = new Dropout(0.5), b = new Dropout(0.5);
    a.build(10, new Random(1));
    b.build(10, new Random(1));
    const x = new Float32Array(10).fill(1);
    expect(Array.from(a.forward(backend, x, 1, true))).toEqual(Array.from(b.forward(backend, x, 1, true)));
    expect(() => new Dropout(1)).toThrow(/rate/);
  });
});
