import { Worker } from 'node:worker_threads';
import { type ChunkOutcome, type ChunkTask, crashed, type FromWorker, type ToWorker, type TransformInit } from './messages.ts';

/** Chunks posted to one worker ahead of its results, so it never waits for the main thread between chunks. */
const DEPTH = 2;

/** Every worker thread this module started that has not exited yet (for leak checks). */
const live = new Set<Worker>();

/** Worker threads started by transformFiles that are still running (0 after every transform has ended). */
export function liveWorkerCount(): number {
  return live.size;
}

/**
 * The worker's entry: the TypeScript source when this module runs as TypeScript (tsx, vitest), the compiled
 * file otherwise. It is started through a small JavaScript bootstrap that registers tsx when needed.
 */
function workerUrls(): { bootstrap: URL; entry: string } {
  const self = import.meta.url;
  const ext = self.endsWith('.ts') ? '.ts' : '.js';
  return { bootstrap: new URL('./worker-bootstrap.mjs', self), entry: new URL(`./transform-worker${ext}`, self).href };
}

interface Slot {
  worker: Worker;
  /** Tasks posted to this worker, oldest first (a worker answers in order). */
  pending: { task: ChunkTask; resolve: (outcome: ChunkOutcome) => void }[];
}

/**
 * Worker threads that parse and transform chunks, started once and kept for as many transforms as the caller
 * runs (one at a time), so a program that transforms several times pays their start-up (loading
 * apache-arrow and the library in each thread: about 0.3 s, more under TypeScript) once. `close()` ends them.
 * @example
 * const workers = startTransformWorkers(2);
 * try {
 *   for (const file of files) for await (const r of transformFiles({ paths: file, spec, workers })) use(r);
 * } finally {
 *   await workers.close();
 * }
 */
export function startTransformWorkers(size: number): TransformWorkers {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`startTransformWorkers needs a positive integer, got ${size}`);
  return new TransformWorkers(size);
}

/**
 * A fixed set of transform worker threads, started at construction (their start-up overlaps the main
 * thread's reading of the file head). `submit` never rejects: a failed worker resolves its tasks with a
 * `crash` outcome, so no promise is left unhandled when the consumer stops early.
 */
export class TransformWorkers {
  private readonly slots: Slot[] = [];
  private readonly queue: { task: ChunkTask; resolve: (outcome: ChunkOutcome) => void }[] = [];
  private failure: { name: string; message: string; stack?: string } | null = null;
  private terminated = false;
  private busy = false;
  private loaded = 0;
  private readonly loadedWaiters: (() => void)[] = [];

  constructor(readonly size: number) {
    const { bootstrap, entry } = workerUrls();
    for (let i = 0; i < size; i++) {
      const worker = new Worker(bootstrap, { workerData: { entry }, execArgv: [] });
      live.add(worker);
      const slot: Slot = { worker, pending: [] };
      worker.on('message', (message: FromWorker) => this.onMessage(slot, message));
      worker.on('error', (err) => this.fail({ name: err.name, message: `transform worker failed: ${err.message}`, stack: err.stack }));
      worker.on('exit', (code) => {
        live.delete(worker);
        if (!this.terminated) this.fail({ name: 'Error', message: `transform worker exited unexpectedly (code ${code})` });
      });
      this.slots.push(slot);
    }
  }

  /**
   * Starts a transform: sends the plan and spec (workers compile once, then take chunks). Chunks still on the
   * workers from an earlier transform that stopped early finish first; their results go to that transform.
   */
  begin(init: TransformInit): void {
    if (this.terminated) throw new Error('these transform workers were closed');
    if (this.busy) throw new Error('these transform workers are running another transform; run one at a time');
    this.busy = true;
    for (const { worker } of this.slots) worker.postMessage({ type: 'init', init } satisfies ToWorker);
  }

  /** The transform has ended (the workers may still finish chunks it no longer waits for). */
  end(): void {
    this.busy = false;
    this.queue.splice(0).forEach((job) => job.resolve(crashed(job.task, { name: 'Error', message: 'the transform ended' })));
  }

  /** Ends the worker threads. */
  close(): Promise<void> {
    return this.terminate();
  }

  /** Parses and transforms a chunk on the next free worker; the chunk's buffer is transferred. */
  submit(task: ChunkTask): Promise<ChunkOutcome> {
    return new Promise((resolve) => {
      if (this.failure !== null || this.terminated) {
        resolve(crashed(task, this.failure ?? { name: 'Error', message: 'the worker pool was terminated' }));
        return;
      }
      this.queue.push({ task, resolve });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let best: Slot | null = null;
      for (const slot of this.slots) if (slot.pending.length < DEPTH && (best === null || slot.pending.length < best.pending.length)) best = slot;
      if (best === null) return;
      const job = this.queue.shift()!;
      best.pending.push(job);
      const buffer = job.task.buffer;
      best.worker.postMessage({ type: 'chunk', task: job.task } satisfies ToWorker, buffer instanceof ArrayBuffer ? [buffer] : []);
    }
  }

  /** Resolves once every thread has loaded the library (start-up is over); for warming up, and to time start-up. */
  whenLoaded(): Promise<void> {
    if (this.loaded === this.size) return Promise.resolve();
    return new Promise((resolve) => this.loadedWaiters.push(resolve));
  }

  private onMessage(slot: Slot, message: FromWorker): void {
    if (message.type === 'loaded') {
      if (++this.loaded === this.size) this.loadedWaiters.splice(0).forEach((resolve) => resolve());
      return;
    }
    if (message.type === 'failed') {
      this.fail(message.error);
      return;
    }
    const timings = message.outcome.timings;
    if (timings) timings.transfer = performance.timeOrigin + performance.now() - timings.sentAt;
    const job = slot.pending.shift();
    job?.resolve(message.outcome);
    this.dispatch();
  }

  /** A worker failed: every waiting task resolves as crashed, and so will later ones. */
  private fail(error: { name: string; message: string; stack?: string }): void {
    this.failure ??= error;
    this.loadedWaiters.splice(0).forEach((resolve) => resolve());
    for (const slot of this.slots) for (const job of slot.pending.splice(0)) job.resolve(crashed(job.task, this.failure));
    for (const job of this.queue.splice(0)) job.resolve(crashed(job.task, this.failure));
  }

  /** Stops every worker (waiting tasks resolve as crashed); resolves once all have exited. */
  async terminate(): Promise<void> {
    if (this.terminated) return;
    this.terminated = true;
    this.fail({ name: 'Error', message: 'the worker pool was terminated' });
    await Promise.all(this.slots.map(async ({ worker }) => {
      await worker.terminate();
      live.delete(worker);
    }));
  }
}
