/**
 * A transform worker: compiles the spec once (init), then parses and transforms each chunk it is sent and
 * posts the outcome back, its arrays moved into one SharedArrayBuffer (see moveToShared), the chunk's
 * shared buffer handed back for the next read.
 */
import { parentPort } from 'node:worker_threads';
import { ChunkTransformer } from './chunk-transformer.ts';
import { type ChunkOutcome, crashed, type FromWorker, SharedArena, type ToWorker, moveToShared } from './messages.ts';

const port = parentPort!;
let transformer: ChunkTransformer | null = null;

const describe = (err: unknown) => err instanceof Error
  ? { name: err.name, message: err.message, stack: err.stack }
  : { name: 'Error', message: String(err) };

port.postMessage({ type: 'loaded' } satisfies FromWorker);

port.on('message', (message: ToWorker) => {
  if (message.type === 'init') {
    try {
      // The graph writes its outputs into shared memory, which the main thread reads without a copy.
      transformer = new ChunkTransformer({ ...message.init, reuseBuffers: false }, new SharedArena());
    } catch (err) {
      port.postMessage({ type: 'failed', error: describe(err) } satisfies FromWorker);
    }
    return;
  }
  const { task } = message;
  let outcome: ChunkOutcome;
  try {
    if (transformer === null) throw new Error('chunk before init');
    outcome = transformer.process(task);
  } catch (err) {
    outcome = crashed(task, describe(err));
  }
  const t0 = outcome.timings ? performance.now() : 0;
  moveToShared(outcome);
  if (outcome.timings) {
    outcome.timings.transform += performance.now() - t0;
    outcome.timings.sentAt = performance.timeOrigin + performance.now();
  }
  port.postMessage({ type: 'result', outcome } satisfies FromWorker);
});
