/**
 * A transform worker: compiles the spec once (init), then parses and transforms each chunk it is sent and
 * posts the outcome back with its arrays (and the chunk's buffer, for reuse) transferred, not copied.
 */
import { parentPort } from 'node:worker_threads';
import { ChunkTransformer } from './chunk-transformer.ts';
import { type ChunkOutcome, type FromWorker, type ToWorker, transferList } from './messages.ts';

const port = parentPort!;
let transformer: ChunkTransformer | null = null;

const describe = (err: unknown) => err instanceof Error
  ? { name: err.name, message: err.message, stack: err.stack }
  : { name: 'Error', message: String(err) };

port.on('message', (message: ToWorker) => {
  if (message.type === 'init') {
    try {
      transformer = new ChunkTransformer(message.init);
      port.postMessage({ type: 'ready' } satisfies FromWorker);
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
    outcome = { index: task.index, lines: 0, rowsIn: 0, rowsOut: 0, rejected: [], batch: null, labels: null, buffer: null, crash: describe(err) };
  }
  if (outcome.timings) outcome.timings.sentAt = performance.timeOrigin + performance.now();
  port.postMessage({ type: 'result', outcome } satisfies FromWorker, transferList(outcome));
});
