/**
 * Session-run hooks, as TF's tf.estimator.SessionRunHook, for the estimator's training loop:
 *
 *   begin()                    once, before the first step
 *   beforeRun(ctx)             before each step; ctx.globalStep is the step about to run (0-based count of steps done)
 *   afterRun(ctx, values)      after each step; values.globalStep counts the step just done, values.loss is its loss
 *   end(ctx)                   once, after the last step (not when training fails)
 *
 * Any method may return a promise (awaited). `ctx.requestStop()` ends training after the current step.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { callEach } from '../call-each.ts';

export interface HookContext {
  /** Steps done before this one (TF's global step as the step's run sees it). */
  readonly globalStep: number;
  /** Ends training after this step (the hooks' afterRun of this step still run). */
  requestStop(): void;
  readonly stopRequested: boolean;
}

/** What a training step reports. */
export interface RunValues {
  /** The step's loss (regularization included). */
  loss: number;
  /** Steps done, this one included. */
  globalStep: number;
  /** Rows in the step's batch. */
  rows: number;
  /** Other scalars the train op reported. */
  [name: string]: number;
}

export interface Hook {
  begin?(): void | Promise<void>;
  beforeRun?(ctx: HookContext): void | Promise<void>;
  afterRun?(ctx: HookContext, values: RunValues): void | Promise<void>;
  end?(ctx: HookContext): void | Promise<void>;
}

/** Runs `method` on each hook in order, awaiting the ones that return promises. */
export async function callHooks(hooks: readonly Hook[], method: 'begin'): Promise<void>;
export async function callHooks(hooks: readonly Hook[], method: 'beforeRun' | 'end', ctx: HookContext): Promise<void>;
export async function callHooks(hooks: readonly Hook[], method: 'afterRun', ctx: HookContext, values: RunValues): Promise<void>;
export async function callHooks(hooks: readonly Hook[], method: keyof Hook, ...args: unknown[]): Promise<void> {
  await callEach(hooks, method, args);
}

/** A context whose step the loop advances. */
export class RunContext implements HookContext {
  private stop = false;
  constructor(public globalStep: number) {}
  requestStop(): void {
    this.stop = true;
  }
  get stopRequested(): boolean {
    return this.stop;
  }
}

function positiveInteger(what: string, n: number | undefined): void {
  if (n !== undefined && !(Number.isInteger(n) && n >= 1)) throw new Error(`${what} must be an integer ≥ 1, got ${n}`);
}

/** Stops once the global step reaches `lastStep`, or after `numSteps` more steps from where this training began. */
export class StopAtStepHook implements Hook {
  private readonly numSteps: number | undefined;
  private stopAt: number | undefined;
  constructor(options: { numSteps?: number; lastStep?: number }) {
    if ((options.numSteps === undefined) === (options.lastStep === undefined)) throw new Error('StopAtStepHook: give exactly one of numSteps, lastStep');
    if (options.numSteps !== undefined && !(Number.isInteger(options.numSteps) && options.numSteps >= 0)) throw new Error(`StopAtStepHook: numSteps must be an integer ≥ 0, got ${options.numSteps}`);
    if (options.lastStep !== undefined && !(Number.isInteger(options.lastStep) && options.lastStep >= 0)) throw new Error(`StopAtStepHook: lastStep must be an integer ≥ 0, got ${options.lastStep}`);
    this.numSteps = options.numSteps;
    this.stopAt = options.lastStep;
  }
  beforeRun(ctx: HookContext): void {
    if (this.stopAt === undefined) this.stopAt = ctx.globalStep + this.numSteps!;
  }
  afterRun(ctx: HookContext, values: RunValues): void {
    if (values.globalStep >= this.stopAt!) ctx.requestStop();
  }
  /** The step it stops at (known after the first step when given numSteps). */
  get lastStep(): number | undefined {
    return this.stopAt;
  }
}

/** Stops after `seconds` of wall time since `begin`. */
export class TimeLimitHook implements Hook {
  private started = 0;
  constructor(private readonly seconds: number, private readonly now: () => number = Date.now) {
    if (!(seconds > 0)) throw new Error(`TimeLimitHook: seconds must be > 0, got ${seconds}`);
  }
  begin(): void {
    this.started = this.now();
  }
  afterRun(ctx: HookContext): void {
    if ((this.now() - this.started) / 1000 >= this.seconds) ctx.requestStop();
  }
}

/** Writes one line every `everySteps` steps: step, loss (mean over those steps), steps/s, and any named values. */
export class LoggingHook implements Hook {
  private lossSum = 0;
  private count = 0;
  private last = 0;
  constructor(private readonly options: { everySteps: number; write?: (line: string) => void; now?: () => number }) {
    positiveInteger('LoggingHook: everySteps', options.everySteps);
  }
  begin(): void {
    this.last = (this.options.now ?? Date.now)();
  }
  afterRun(_ctx: HookContext, values: RunValues): void {
    this.lossSum += values.loss;
    this.count++;
    if (values.globalStep % this.options.everySteps !== 0) return;
    const now = (this.options.now ?? Date.now)();
    const rate = this.count / Math.max(1e-9, (now - this.last) / 1000);
    const line = `step ${values.globalStep}  loss ${(this.lossSum / this.count).toFixed(6)}  ${rate.toFixed(1)} steps/s`;
    (this.options.write ?? ((l: string) => process.stderr.write(`${l}\n`)))(line);
    this.lossSum = 0;
    this.count = 0;
    this.last = now;
  }
}

/**
 * Saves a checkpoint every `everySteps` steps or `everySecs` seconds (whichever is given; both:
 * whichever comes first), and at the end of training unless the last step was just saved.
 * `save(globalStep)` does the saving (the estimator passes its own).
 */
export class CheckpointSaverHook implements Hook {
  private lastSavedStep = -1;
  private lastSavedAt = 0;
  private step = 0;
  constructor(private readonly options: { save: (globalStep: number) => Promise<unknown>; everySteps?: number; everySecs?: number; now?: () => number }) {
    positiveInteger('CheckpointSaverHook: everySteps', options.everySteps);
    if (options.everySecs !== undefined && !(options.everySecs > 0)) throw new Error(`CheckpointSaverHook: everySecs must be > 0, got ${options.everySecs}`);
  }
  private now(): number {
    return (this.options.now ?? Date.now)();
  }
  begin(): void {
    this.lastSavedAt = this.now();
  }
  beforeRun(ctx: HookContext): void {
    if (this.lastSavedStep < 0) this.lastSavedStep = ctx.globalStep; // the state training started from is on disk (or initial)
  }
  async afterRun(_ctx: HookContext, values: RunValues): Promise<void> {
    this.step = values.globalStep;
    const { everySteps, everySecs } = this.options;
    const bySteps = everySteps !== undefined && values.globalStep - this.lastSavedStep >= everySteps;
    const bySecs = everySecs !== undefined && (this.now() - this.lastSavedAt) / 1000 >= everySecs;
    if (bySteps || bySecs) await this.saveNow(values.globalStep);
  }
  async end(ctx: HookContext): Promise<void> {
    const step = Math.max(this.step, ctx.globalStep);
    if (step !== this.lastSavedStep) await this.saveNow(step);
  }
  private async saveNow(step: number): Promise<void> {
    await this.options.save(step);
    this.lastSavedStep = step;
    this.lastSavedAt = this.now();
  }
}

/** One scalar summary line of modelDir/summaries.jsonl. */
export interface SummaryRecord {
  step: number;
  /** Seconds since the epoch. */
  wallTime: number;
  name: string;
  value: number;
}

export const SUMMARY_FILE = 'summaries.jsonl';

/** Appends scalars as JSON lines {step, wallTime, name, value} to `modelDir/summaries.jsonl`. */
export async function writeSummaries(modelDir: string, step: number, scalars: Record<string, number>, now = Date.now()): Promise<void> {
  const lines = Object.entries(scalars).map(([name, value]) => JSON.stringify({ step, wallTime: now / 1000, name, value: Number.isFinite(value) ? value : String(value) }));
  if (lines.length === 0) return;
  await mkdir(modelDir, { recursive: true });
  await appendFile(join(modelDir, SUMMARY_FILE), `${lines.join('\n')}\n`);
}

/**
 * Writes the mean of each reported scalar (loss, and any other the train op returns) every
 * `everySteps` steps, and at the end, as `{step, wallTime, name, value}` lines in modelDir/summaries.jsonl.
 */
export class SummarySaverHook implements Hook {
  private sums: Record<string, number> = {};
  private count = 0;
  private step = 0;
  constructor(private readonly options: { modelDir: string; everySteps: number; names?: readonly string[]; now?: () => number }) {
    positiveInteger('SummarySaverHook: everySteps', options.everySteps);
  }
  async afterRun(_ctx: HookContext, values: RunValues): Promise<void> {
    this.step = values.globalStep;
    for (const [k, v] of Object.entries(values)) {
      if (k === 'globalStep' || k === 'rows') continue;
      if (this.options.names !== undefined && !this.options.names.includes(k)) continue;
      this.sums[k] = (this.sums[k] ?? 0) + v;
    }
    this.count++;
    if (values.globalStep % this.options.everySteps === 0) await this.flush();
  }
  async end(): Promise<void> {
    if (this.count > 0) await this.flush();
  }
  private async flush(): Promise<void> {
    const means = Object.fromEntries(Object.entries(this.sums).map(([k, v]) => [k, v / this.count]));
    await writeSummaries(this.options.modelDir, this.step, means, (this.options.now ?? Date.now)());
    this.sums = {};
    this.count = 0;
  }
}

export interface EarlyStoppingOptions {
  /** The metric watched, e.g. 'auc', 'loss'. */
  metric: string;
  /** 'max' (default for everything but loss-like names) or 'min'. */
  mode?: 'max' | 'min';
  /** Evaluations in a row without an improvement of more than minDelta that stop training (default 3). */
  patience?: number;
  minDelta?: number;
  /** Evaluate every this many steps (default 100). */
  everySteps?: number;
  /** Computes the metrics, e.g. `() => estimator.evaluate(evalInputFn)`; default: the step's own values. */
  evaluate?: () => Promise<Record<string, number>> | Record<string, number>;
}

/** Stops training when an evaluation metric has not improved for `patience` evaluations. */
export class EarlyStoppingHook implements Hook {
  readonly mode: 'max' | 'min';
  readonly patience: number;
  readonly minDelta: number;
  readonly everySteps: number;
  /** Best value so far, and its step. */
  best = NaN;
  bestStep = -1;
  /** Evaluations since the best one. */
  wait = 0;
  /** The step at which it requested a stop, or -1. */
  stoppedAt = -1;
  readonly history: { step: number; value: number }[] = [];
  constructor(private readonly options: EarlyStoppingOptions) {
    if (typeof options.metric !== 'string' || options.metric === '') throw new Error('EarlyStoppingHook: metric names the watched metric, e.g. "auc" or "loss"');
    this.mode = options.mode ?? (/loss|error|mae|rmse|mse/i.test(options.metric) ? 'min' : 'max');
    if (this.mode !== 'max' && this.mode !== 'min') throw new Error(`EarlyStoppingHook: mode must be 'max' or 'min', got ${String(this.mode)}`);
    this.patience = options.patience ?? 3;
    this.minDelta = options.minDelta ?? 0;
    this.everySteps = options.everySteps ?? 100;
    if (!(Number.isInteger(this.patience) && this.patience >= 0)) throw new Error(`EarlyStoppingHook: patience must be an integer ≥ 0, got ${this.patience}`);
    if (!(this.minDelta >= 0)) throw new Error(`EarlyStoppingHook: minDelta must be ≥ 0, got ${this.minDelta}`);
    positiveInteger('EarlyStoppingHook: everySteps', this.everySteps);
  }
  async afterRun(ctx: HookContext, values: RunValues): Promise<void> {
    if (values.globalStep % this.everySteps !== 0) return;
    const metrics = this.options.evaluate === undefined ? values : await this.options.evaluate();
    const value = metrics[this.options.metric];
    if (typeof value !== 'number') {
      throw new Error(`EarlyStoppingHook: no metric '${this.options.metric}' among ${Object.keys(metrics).join(', ')}`);
    }
    this.history.push({ step: values.globalStep, value });
    const improved = Number.isNaN(this.best) || (this.mode === 'max' ? value > this.best + this.minDelta : value < this.best - this.minDelta);
    if (improved) {
      this.best = value;
      this.bestStep = values.globalStep;
      this.wait = 0;
      return;
    }
    this.wait++;
    if (this.wait >= this.patience) {
      this.stoppedAt = values.globalStep;
      ctx.requestStop();
    }
  }
}
