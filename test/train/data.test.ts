import { describe, expect, it } from 'vitest';
import { BatchGatherer, identityOrder } from '../../src/train/data/batch-gatherer.ts';
import { collectDataset } from '../../src/train/data/examples.ts';
import { shuffleInPlace } from '../../src/train/data/shuffle.ts';
import { Random } from '../../src/kernels/random.ts';
import { featureBatch, ragged } from './train-helpers.ts';

describe('training data', () => {
  const part1 = {
    features: featureBatch([[1, 10], [2, 20]], { w: ragged([[0, 1], []], 5, 'sum', null, [[0.5, 1.5], []]) }),
    labels: [0, 1],
  };
  const part2 = {
    features: featureBatch([[3, 30], [4, 40], [5, 50]], { w: ragged([[4], [2, 3, 1], [0]], 5, 'sum', null, [[2], [1, 1, 3], [4]]) }),
    labels: Int32Array.of(1, 0, 1),
  };

  it('concatenates batches and their labels into one dataset', async () => {
    const d = await collectDataset([part1, part2], true);
    expect(d.numRows).toBe(5);
    expect(Array.from(d.labels!)).toEqual([0, 1, 1, 0, 1]);
    expect(Array.from(d.features.sparse.w.offsets)).toEqual([0, 2, 2, 3, 6, 7]);
    await expect(collectDataset([part1, { features: part2.features, labels: [1] }], true)).rejects.toThrow(/batch 1 has 3 rows but 1 labels/);
    await expect(collectDataset(42 as never, true)).rejects.toThrow(/expected a FeatureBatch/);
  });

  it('gathers rows in any order into one reused batch, ragged weights included', async () => {
    const d = await collectDataset([part1, part2], true);
    const gatherer = new BatchGatherer(d, 1, 3);
    const order = Int32Array.of(3, 1, 0, 4, 2);
    const b1 = gatherer.gather(order, 0, 3);
    expect(b1.numRows).toBe(3);
    expect(b1.dense.shape).toEqual([3, 2]);
    expect(Array.from(b1.dense.values.subarray(0, 6))).toEqual([4, 40, 2, 20, 1, 10]);
    const w = b1.sparse.w;
    expect(Array.from(w.offsets.subarray(0, 4))).toEqual([0, 3, 3, 5]);
    expect(Array.from(w.ids.subarray(0, 5))).toEqual([2, 3, 1, 0, 1]);
    expect(Array.from(w.weights!.subarray(0, 5))).toEqual([1, 1, 3, 0.5, 1.5]);
    expect(Array.from(gatherer.labels.subarray(0, 3))).toEqual([0, 1, 0]);
    const b2 = gatherer.gather(order, 3, 2);
    expect(b2).toBe(b1);
    expect(b2.sparse.w.ids).toBe(w.ids);
    expect(b2.numRows).toBe(2);
    expect(Array.from(b2.sparse.w.ids.subarray(0, 2))).toEqual([0, 4]);
    expect(() => gatherer.gather(order, 0, 4)).toThrow(/capacity/);
  });

  it('gathers tensors with a fixed number of ids per row (packed row by row) beside ragged ones', async () => {
    const d = await collectDataset([{
      features: featureBatch([[1], [2], [3], [4]], {
        one: ragged([[7], [8], [9], [6]], 10, 'sum', null),
        two: ragged([[1, 2], [3, 4], [5, 6], [7, 8]], 10, 'mean', null),
        free: ragged([[1], [], [2, 3], [4]], 10, 'sum', null),
      }),
      labels: [0, 1, 0, 1],
    }], true);
    const gatherer = new BatchGatherer(d, 1, 3);
    const order = Int32Array.of(2, 0, 3, 1);
    const b = gatherer.gather(order, 0, 3);
    expect(Array.from(b.sparse.one.ids.subarray(0, 3))).toEqual([9, 7, 6]);
    expect(Array.from(b.sparse.one.offsets.subarray(0, 4))).toEqual([0, 1, 2, 3]);
    expect(Array.from(b.sparse.two.ids.subarray(0, 6))).toEqual([5, 6, 1, 2, 7, 8]);
    expect(Array.from(b.sparse.two.offsets.subarray(0, 4))).toEqual([0, 2, 4, 6]);
    expect(Array.from(b.sparse.free.ids.subarray(0, 4))).toEqual([2, 3, 1, 4]);
    expect(Array.from(b.sparse.free.offsets.subarray(0, 4))).toEqual([0, 2, 3, 4]);
    gatherer.gather(order, 3, 1);
    expect(b.sparse.two.ids[0]).toBe(3);
    expect(b.sparse.two.ids[1]).toBe(4);
    expect(Array.from(b.sparse.two.offsets.subarray(0, 2))).toEqual([0, 2]);
  });

  it('shuffles as a permutation, the same for the same seed', () => {
    const a = identityOrder(100), b = identityOrder(100);
    shuffleInPlace(a, new Random(1));
    shuffleInPlace(b, new Random(1));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(identityOrder(100)));
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from(identityOrder(100)));
  });
});
