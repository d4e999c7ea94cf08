/**
 * Runs a Dataset's plan: each node becomes an async generator over its input's. Where a CSV file source is
 * mapped through columns and the map has workers (or a prefetch above it asks for them), parsing and
 * transforming run on worker threads through transformFiles; otherwise everything runs on this thread.
 */
import { availableParallelism } from 'node:os';
import type { RecordBatch } from 'apache-arrow';
import { startTransformWorkers, type TransformWorkers } from '../worker-pool.ts';
import { directoryCache } from './cache-dir.ts';
import { memoryCache } from './cache-memory.ts';
import { allCsv, transformOnWorkers } from './file-map.ts';
import { fingerprint } from './fingerprint.ts';
import { transformBatches } from './map.ts';
import type { Node } from './nodes.ts';
import { readAhead } from './prefetch.ts';
import { shuffleRandom } from './random.ts';
import { rebatch } from './rebatch.ts';
import { shuffleRows } from './shuffle.ts';
import { givenBatches, readFiles, tableBatches } from './sources.ts';
import type { DatasetExample } from './types.ts';

/** Worker threads a prefetching file map starts when not told: the cores but one (for the trainer), 1 to 4. */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

export function run(node: Node): AsyncIterable<unknown> {
  switch (node.op) {
    case 'files': return readFiles(node.paths, node.csv);
    case 'table': return tableBatches(node.batches);
    case 'batches': return givenBatches(node.make, node.used);
    case 'map': {
      const workers = node.options.workers;
      if (node.input.op === 'files' && workers !== undefined && (typeof workers !== 'number' || workers >= 2)) return fileMap(node, workers);
      return transformBatches(run(node.input) as AsyncIterable<RecordBatch>, node.spec, node.options, node.label);
    }
    case 'mapFn': return mapFn(run(node.input), node.fn);
    case 'shuffle': {
      const epoch = node.reshuffle ? node.state.iterations++ : 0;
      return shuffleRows(run(node.input) as AsyncIterable<DatasetExample>, node.bufferRows, shuffleRandom(node.seed, epoch));
    }
    case 'batch': return rebatch(run(node.input) as AsyncIterable<DatasetExample>, node.size, node.dropRemainder);
    case 'prefetch': {
      const input = node.input;
      if (input.op === 'map' && input.input.op === 'files') {
        const workers = node.workers ?? input.options.workers ?? defaultWorkers();
        return readAhead(fileMap(input, workers), node.k);
      }
      return readAhead(run(input), node.k);
    }
    case 'cache':
      if (node.dir === null) return memoryCache(() => run(node.input), node.store);
      return directoryCache(() => run(node.input) as AsyncIterable<DatasetExample>, node.dir, fingerprint(node.input, node.key));
    case 'repeat': return repeat(node.input, node.count);
    case 'take': return take(run(node.input), node.count);
  }
}

/** A column map over files on worker threads when they are all CSV, else on this thread. */
async function* fileMap(node: Extract<Node, { op: 'map' }>, workers: number | TransformWorkers): AsyncGenerator<DatasetExample> {
  const source = node.input as Extract<Node, { op: 'files' }>;
  if (!(await allCsv(source.paths, source.csv))) {
    yield* transformBatches(readFiles(source.paths, source.csv), node.spec, node.options, node.label);
    return;
  }
  if (typeof workers !== 'number') {
    yield* transformOnWorkers(source.paths, source.csv, node.spec, node.options, node.label, workers);
    return;
  }
  const lease = leasePool(node, workers);
  try {
    yield* transformOnWorkers(source.paths, source.csv, node.spec, node.options, node.label, lease.pool);
  } finally {
    lease.release();
  }
}

/** How long a started pool outlives its last pass, waiting for the next one (the next epoch of fit). */
export const POOL_IDLE_MS = 1000;

interface Held {
  pool: TransformWorkers;
  busy: boolean;
  timer: ReturnType<typeof setTimeout> | null;
}

/** Worker pools a file map started, by node and size: reused by the passes that follow within POOL_IDLE_MS. */
const pools = new WeakMap<object, Map<number, Held>>();

/** The node's idle pool of this size (started if none); a second concurrent pass gets a pool of its own. */
function leasePool(node: object, size: number): { pool: TransformWorkers; release: () => void } {
  let bySize = pools.get(node);
  if (bySize === undefined) pools.set(node, (bySize = new Map()));
  let held = bySize.get(size);
  if (held?.busy) {
    const own = startTransformWorkers(size);
    return { pool: own, release: () => void own.close() };
  }
  if (held === undefined) bySize.set(size, (held = { pool: startTransformWorkers(size), busy: false, timer: null }));
  if (held.timer !== null) clearTimeout(held.timer);
  held.timer = null;
  held.busy = true;
  const h = held;
  return {
    pool: h.pool,
    release: () => {
      h.busy = false;
      // The threads keep the process alive until this fires, so an unref'd timer still ends them.
      h.timer = setTimeout(() => {
        if (bySize!.get(size) === h) bySize!.delete(size);
        void h.pool.close();
      }, POOL_IDLE_MS);
      h.timer.unref();
    },
  };
}

async function* mapFn(input: AsyncIterable<unknown>, fn: (x: unknown) => unknown): AsyncGenerator<unknown> {
  for await (const item of input) yield await fn(item);
}

async function* repeat(input: Node, count: number): AsyncGenerator<unknown> {
  for (let i = 0; i < count; i++) {
    let any = false;
    for await (const item of run(input)) {
      any = true;
      yield item;
    }
    if (!any) return; // an empty input repeated forever is still empty
  }
}

async function* take(input: AsyncIterable<unknown>, count: number): AsyncGenerator<unknown> {
  if (count <= 0) return;
  let n = 0;
  for await (const item of input) {
    yield item;
    if (++n >= count) return;
  }
}
