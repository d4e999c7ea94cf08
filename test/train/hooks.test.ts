import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointSaverHook, LoggingHook, RunContext, type RunValues, StopAtStepHook, SummarySaverHook, TimeLimitHook, callHooks } from '../../src/train/hooks/index.ts';

async function run(hooks: Parameters<typeof callHooks>[0], steps: number, from = 0, tick?: () => void): Promise<number> {
  const ctx = new RunContext(from);
  await callHooks(hooks, 'begin');
  let step = from;
  while (step < from + steps) {
    ctx.globalStep = step;
    await callHooks(hooks, 'beforeRun', ctx);
    step++;
    tick?.();
    const values: RunValues = { loss: step, globalStep: step, rows: 4 };
    await callHooks(hooks, 'afterRun', ctx, values);
    if (ctx.stopRequested) break;
  }
  ctx.globalStep = step;
  await callHooks(hooks, 'end', ctx);
  return step;
}

describe('hooks', () => {
  it('StopAtStepHook: numSteps from the start, or a last step', async () => {
    expect(await run([new StopAtStepHook({ numSteps: 3 })], 100, 10)).toBe(13);
    expect(await run([new StopAtStepHook({ lastStep: 5 })], 100, 2)).toBe(5);
    expect(() => new StopAtStepHook({})).toThrow(/exactly one/);
  });

  it('TimeLimitHook stops after its seconds; LoggingHook writes every N steps', async () => {
    let now = 0;
    const lines: string[] = [];
    const steps = await run([new TimeLimitHook(2.5, () => now), new LoggingHook({ everySteps: 2, write: (l) => lines.push(l), now: () => now })], 100, 0, () => { now += 1000; });
    expect(steps).toBe(3);
    expect(lines).toEqual(['step 2  loss 1.500000  1.0 steps/s']);
  });

  it('CheckpointSaverHook saves every N steps or seconds and at the end', async () => {
    const saved: number[] = [];
    await run([new CheckpointSaverHook({ everySteps: 3, save: async (s) => { saved.push(s); } })], 7);
    expect(saved).toEqual([3, 6, 7]);
    saved.length = 0;
    let now = 0;
    await run([new CheckpointSaverHook({ everySecs: 2, now: () => now, save: async (s) => { saved.push(s); } })], 6, 0, () => { now += 1000; });
    expect(saved).toEqual([2, 4, 6]);
  });

  it('SummarySaverHook appends mean scalars as JSON lines', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fc-hooks-'));
    try {
      await run([new SummarySaverHook({ modelDir: dir, everySteps: 2, now: () => 5000 })], 5);
      const lines = (await readFile(join(dir, 'summaries.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
      expect(lines).toEqual([
        { step: 2, wallTime: 5, name: 'loss', value: 1.5 },
        { step: 4, wallTime: 5, name: 'loss', value: 3.5 },
        { step: 5, wallTime: 5, name: 'loss', value: 5 },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
