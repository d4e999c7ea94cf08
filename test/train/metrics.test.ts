import { describe, expect, it } from 'vitest';
import { Accuracy } from '../../src/train/metrics/accuracy.ts';
import { AUC } from '../../src/train/metrics/auc.ts';
import { Precision, Recall } from '../../src/train/metrics/confusion.ts';
import { createMetric } from '../../src/train/metrics/create.ts';
import { MeanAbsoluteError, RootMeanSquaredError } from '../../src/train/metrics/regression.ts';
import { Random } from '../../src/kernels/random.ts';

const f = (xs: number[]) => Float32Array.from(xs);

/** Σ over (positive, negative) pairs of [p > n] + ½[p = n], over the pair count. */
function pairAuc(scores: Float32Array, labels: Float32Array): number {
  let wins = 0, pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < scores.length; j++) {
      if (labels[j] !== 0) continue;
      pairs++;
      wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}

describe('metrics', () => {
  it('accuracy: binary at 0.5 on probabilities, argmax for class ids; streaming and resettable', () => {
    const binary = new Accuracy();
    binary.update(f([0.9, 0.2, 0.6, 0.4]), f([1, 0, 0, 0]), 4, 1, 1);
    expect(binary.result()).toBe(0.75);
    binary.update(f([0.1]), f([1]), 1, 1, 1);
    expect(binary.result()).toBe(0.6);
    binary.reset();
    expect(binary.result()).toBeNaN();
    const argmax = new Accuracy();
    argmax.update(f([0.1, 0.7, 0.2, 0.5, 0.3, 0.2]), f([1, 2]), 2, 3, 1);
    expect(argmax.result()).toBe(0.5);
  });

  it('exact AUC: the scikit-learn example, ties, and agreement with pair counting', () => {
    const auc = new AUC();
    auc.update(f([0.1, 0.4, 0.35, 0.8]), f([0, 0, 1, 1]), 4, 1, 1);
    expect(auc.result()).toBe(0.75);
    auc.reset();
    auc.update(f([0.5, 0.5, 0.5, 0.9]), f([1, 0, 0, 0]), 4, 1, 1);
    expect(auc.result()).toBeCloseTo(1 / 3, 10);

    const random = new Random(4);
    const n = 500;
    const scores = f(Array.from({ length: n }, () => Math.round(random.uniform() * 50) / 50));
    const labels = f(Array.from(scores, (s) => (random.uniform() < s ? 1 : 0)));
    const streamed = new AUC();
    streamed.update(scores.subarray(0, 200), labels.subarray(0, 200), 200, 1, 1);
    streamed.update(scores.subarray(200), labels.subarray(200), n - 200, 1, 1);
    expect(streamed.result()).toBeCloseTo(pairAuc(scores, labels), 10);

    const thresholds = createMetric('aucThresholds');
    thresholds.update(scores, labels, n, 1, 1);
    expect(thresholds.name).toBe('auc');
    expect(Math.abs(thresholds.result() - pairAuc(scores, labels))).toBeLessThan(0.01);
  });

  it('thresholded AUC of well-separated scores is 1, and of constant scores ½', () => {
    const a = new AUC({ method: 'thresholds' });
    a.update(f([0.1, 0.2, 0.8, 0.9]), f([0, 0, 1, 1]), 4, 1, 1);
    expect(a.result()).toBeCloseTo(1, 10);
    a.reset();
    a.update(f([0.3, 0.3, 0.3, 0.3]), f([0, 1, 0, 1]), 4, 1, 1);
    expect(a.result()).toBeCloseTo(0.5, 10);
    expect(() => new AUC().update(f([0.2, 0.8]), f([1]), 1, 2, 1)).toThrow(/one label per output/);
  });

  it('precision and recall at 0.5', () => {
    const p = new Precision(), r = new Recall();
    const preds = f([0.9, 0.8, 0.3, 0.6, 0.1]), labels = f([1, 0, 1, 1, 0]);
    p.update(preds, labels, 5, 1, 1);
    r.update(preds, labels, 5, 1, 1);
    expect(p.result()).toBeCloseTo(2 / 3, 10);
    expect(r.result()).toBeCloseTo(2 / 3, 10);
    p.reset();
    expect(p.result()).toBe(0);
  });

  it('MAE and RMSE', () => {
    const mae = new MeanAbsoluteError(), rmse = new RootMeanSquaredError();
    mae.update(f([1, 2, 3]), f([2, 2, 1]), 3, 1, 1);
    rmse.update(f([1, 2, 3]), f([2, 2, 1]), 3, 1, 1);
    expect(mae.result()).toBeCloseTo(1, 10);
    expect(rmse.result()).toBeCloseTo(Math.sqrt(5 / 3), 6);
    expect(() => createMetric('f1')).toThrow(/unknown metric/);
  });
});
