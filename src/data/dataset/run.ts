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
import { ShuffleRandom } from './random.ts';
import { rebatch } from './rebatch.ts';
import { shuffleRows } from './shuffle.ts';
import { givenBatches, readFiles, tableBatches } from './sources.ts';
import type { DatasetExample, Pass } from './types.ts';

/** Worker threads a prefetching file map starts when not told: the cores but one (for the trainer), 1 to 4. */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

export function run(node: Node, pass: Pass): AsyncIterable<unknown> {
  switch (node.op) {
    case 'files': return readFiles(node.paths, node.csv);
    case 'table': return tableBatches(node.batches);
    case 'batches': return givenBatches(node.make, node.used);
    case 'map': {
      const workers = node.options.workers;
      if (node.input.op === 'files' && workers !== undefined && (typeof workers !== 'number' || workers >= 2)) return fileMap(node, workers, pass);
      return transformBatches(run(node.input, pass) as AsyncIterable<RecordBatch>, node.spec, node.options, node.label);
    }
    case 'mapFn': return mapFn(run(node.input, pass), node.fn);
    case 'shuffle': {
      const epoch = node.reshuffle ? node.state.iterations++ : 0;
      return shuffleRows(run(node.input, pass) as AsyncIterable<DatasetExample>, node.bufferRows, new ShuffleRandom(node.seed, epoch));
    }
    case 'batch': return rebatch(run(node.input, pass) as AsyncIterable<DatasetExample>, node.size, node.dropRemainder);
    case 'prefetch': {
      const input = node.input;
      if (input.op === 'map' && input.input.op === 'files') {
        const workers = node.workers ?? input.options.workers ?? defaultWorkers();
        return readAhead(fileMap(input, workers, pass), node.k);
      }
      return readAhead(run(input, pass), node.k);
    }
    case 'cache':
      if (node.dir === null) return memoryCache(() => run(node.input, pass), node.store);
      return directoryCache(() => run(node.input, pass) as AsyncIterable<DatasetExample>, node.dir, fingerprint(node.input, node.key));
    case 'repeat': return repeat(node.input, node.count, pass);
    case 'take': return take(run(node.input, pass), node.count);
  }
}

/** A column map over files on worker threads when they are all CSV, else on this thread. */
async function* fileMap(node: Extract<Node, { op: 'map' }>, workers: number | TransformWorkers, pass: Pass): AsyncGenerator<DatasetExample> {
  const source = node.input as Extract<Node, { op: 'files' }>;
  if (!(await allCsv(source.paths, source.csv))) {
    yield* transformBatches(readFiles(source.paths, source.csv), node.spec, node.options, node.label);
    return;
  }
  let pool = workers;
  if (typeof workers === 'number') {
    // One pool per top-level iteration, shared by the repetitions inside it, ended with the iteration.
    let held = pass.resources.get(node) as TransformWorkers | undefined;
    if (held === undefined) {
      held = startTransformWorkers(workers);
      pass.resources.set(node, held);
    }
    pool = held;
  }
  yield* transformOnWorkers(source.paths, source.csv, node.spec, node.options, node.label, pool);
}

async function* mapFn(input: AsyncIterable<unknown>, fn: (x: unknown) => unknown): AsyncGenerator<unknown> {
  for await (const item of input) yield await fn(item);
}

async function* repeat(input: Node, count: number, pass: Pass): AsyncGenerator<unknown> {
  for (let i = 0; i < count; i++) {
    let any = false;
    for await (const item of run(input, pass)) {
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
