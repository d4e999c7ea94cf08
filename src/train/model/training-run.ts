/**
 * What one `fit` call keeps across its steps, whether its batches come from memory or from a stream:
 * the backend, loss and metrics, the running mean loss, the per-phase profile, and the batch callbacks.
 */
import type { Backend } from '../backend/backend.ts';
import type { Loss } from '../losses.ts';
import { Mean, type Metric } from '../metrics/metric.ts';
import { type BatchLogs, type Callback, type Logs, type StepProfile, notify } from './callbacks.ts';

export class TrainingRun {
  readonly meanLoss = new Mean('loss');
  readonly profile: StepProfile | null;
  private readonly batchLogs: BatchLogs = { loss: 0, size: 0, step: 0 };
  private readonly batchListeners: Callback[];

  constructor(readonly backend: Backend, readonly loss: Loss, readonly metrics: readonly Metric[], callbacks: readonly Callback[], profile: boolean) {
    this.batchListeners = callbacks.filter((c) => c.onBatchEnd !== undefined);
    this.profile = profile ? { steps: 0, gather: 0, forward: 0, loss: 0, backward: 0, update: 0, metrics: 0 } : null;
  }

  /** A timestamp when profiling, else 0 (no timer calls). */
  clock(): number {
    return this.profile === null ? 0 : performance.now();
  }

  /** Adds one step's phase times, from the timestamps between its phases (t6 is taken here). */
  record(t0: number, t1: number, t2: number, t3: number, t4: number, t5: number): void {
    const p = this.profile;
    if (p === null) return;
    const t6 = this.clock();
    p.steps++;
    p.gather += t1 - t0;
    p.forward += t2 - t1;
    p.loss += t3 - t2;
    p.backward += t4 - t3;
    p.update += t5 - t4;
    p.metrics += t6 - t5;
  }

  startEpoch(): void {
    this.meanLoss.reset();
    for (const m of this.metrics) m.reset();
  }

  /** The epoch's mean loss and metrics. */
  epochLogs(): Logs {
    const logs: Logs = { loss: this.meanLoss.result() };
    for (const m of this.metrics) logs[m.name] = m.result();
    return logs;
  }

  async batchEnd(batch: number, loss: number, rows: number, step: number): Promise<void> {
    if (this.batchListeners.length === 0) return;
    this.batchLogs.loss = loss;
    this.batchLogs.size = rows;
    this.batchLogs.step = step;
    await notify(this.batchListeners, 'onBatchEnd', batch, this.batchLogs);
  }
}
