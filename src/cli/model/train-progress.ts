import cliProgress from 'cli-progress';
import type { Hook, HookContext, RunValues } from '../../train/hooks/hooks.ts';

/**
 * A training progress bar on stderr: step of total, epoch, loss and the step's metrics (running means over
 * the last 50 steps), samples/s and ETA. Shown only when stderr is a terminal and neither --quiet nor --json
 * was given; otherwise a hook that does nothing.
 */
export class TrainProgress implements Hook {
  private readonly bar: cliProgress.SingleBar | null;
  private readonly recent: Record<string, number[]> = {};
  private rows = 0;
  private readonly started = performance.now();
  private note = '';

  constructor(private readonly totalSteps: number, startStep: number, private readonly stepsPerEpoch: number, enabled: boolean) {
    if (!enabled || !process.stderr.isTTY) {
      this.bar = null;
      return;
    }
    this.bar = new cliProgress.SingleBar({
      format: 'train [{bar}] step {value}/{total} | epoch {epoch} | {metrics} | {sps} samples/s | ETA {eta_formatted}{note}',
      stream: process.stderr, fps: 8, barsize: 20, hideCursor: true, clearOnComplete: true, etaBuffer: 50,
    }, cliProgress.Presets.shades_classic);
    this.bar.start(totalSteps, startStep, this.payload(startStep));
  }

  afterRun(_ctx: HookContext, values: RunValues): void {
    if (this.bar === null) return;
    this.rows += values.rows;
    for (const [k, v] of Object.entries(values)) {
      if (k === 'globalStep' || k === 'rows' || !Number.isFinite(v)) continue;
      const list = (this.recent[k] ??= []);
      list.push(v);
      if (list.length > 50) list.shift();
    }
    this.bar.update(values.globalStep, this.payload(values.globalStep));
  }

  /** A short note after the bar, e.g. the last evaluation. */
  setNote(text: string): void {
    this.note = text === '' ? '' : ` | ${text}`;
  }

  stop(): void {
    this.bar?.stop();
  }

  private payload(step: number): Record<string, string> {
    const seconds = Math.max((performance.now() - this.started) / 1000, 1e-3);
    const metrics = Object.entries(this.recent)
      .map(([k, list]) => `${k} ${(list.reduce((a, b) => a + b, 0) / list.length).toFixed(4)}`).join(' ') || 'loss …';
    return {
      epoch: `${Math.min(Math.floor(step / this.stepsPerEpoch) + 1, Math.ceil(this.totalSteps / this.stepsPerEpoch))}`,
      metrics, sps: Math.round(this.rows / seconds).toLocaleString('en-US'), note: this.note,
    };
  }
}
