// coreStep: the training core's errors in the CLI's terms, told apart by class (exit 1 bad data, exit 2 bad usage).
import { describe, expect, it } from 'vitest';
import { BadDataError, EXIT, exitCodeFor, UsageError } from '../../src/cli/errors.ts';
import { coreStep } from '../../src/cli/model/run.ts';
import { DivergedError } from '../../src/train/estimator/estimator.ts';
import { CheckpointError, LabelError, NoCheckpointError } from '../../src/train/errors.ts';

const failing = (err: unknown) => coreStep('m', () => Promise.reject(err)).catch((e: unknown) => e);

describe('coreStep', () => {
  it('a checkpoint error is bad usage naming the flag', async () => {
    const e = await failing(new CheckpointError('m/ckpt-2.bin', 'checkpoint m/ckpt-2.bin does not match the model: x. Use a new --model-dir (modelDir), or go back'));
    expect(e).toBeInstanceOf(UsageError);
    expect((e as Error).message).toBe('--model-dir m: checkpoint m/ckpt-2.bin does not match the model: x. Use a new --model-dir , or go back');
    expect(exitCodeFor(e)).toBe(EXIT.usage);
  });

  it('no checkpoint yet is bad usage saying to train first', async () => {
    const e = await failing(new NoCheckpointError('m', 'evaluate: no checkpoint in m and the model is untrained'));
    expect(e).toBeInstanceOf(UsageError);
    expect((e as Error).message).toBe('--model-dir m has no checkpoint yet (its training stopped before the first save): train it with fcol train first');
  });

  it('a bad label and a diverged loss are bad data, their messages kept', async () => {
    const label = await failing(new LabelError(3, NaN, 'train (global step 0): label 3 is NaN; labels must be finite numbers'));
    expect(label).toBeInstanceOf(BadDataError);
    expect((label as Error).message).toBe('train (global step 0): label 3 is NaN; labels must be finite numbers');
    const diverged = new DivergedError(8, NaN, null);
    const e = await failing(diverged);
    expect(e).toBeInstanceOf(BadDataError);
    expect((e as Error).message).toBe(diverged.message);
    expect(exitCodeFor(e)).toBe(EXIT.data);
  });

  it('any other error passes through, even one whose message reads like those', async () => {
    const plain = new Error('checkpoint m/ckpt-2.bin does not match the model');
    expect(await failing(plain)).toBe(plain);
    expect(await coreStep('m', async () => 42)).toBe(42);
  });
});
