/**
 * An input pipeline in the manner of tf.data: a source (files, an Arrow table, given batches), then `map`
 * through feature columns into FeatureBatches with labels, and `shuffle`, `batch`, `cache`, `repeat`,
 * `prefetch`, `take`. A Dataset is an immutable plan: each method returns a new one, and each `for await`
 * runs a fresh pass (so `Model.fit` iterates it once per epoch, and a shuffle reshuffles every pass).
 *
 * @example
 * const train = Dataset.fromFiles(['adult.data.csv'], { label: { key: 'income_bracket', positive: ['>50K'] } })
 *   .map(columns, { sparse: 'all' })       // parse + transform
 *   .prefetch(2)                            // ... on worker threads, ahead of the trainer
 *   .cache('cache/census')                  // first pass writes Arrow IPC; later passes (and runs) read it
 *   .shuffle(10_000, 42)
 *   .batch(256);
 * await model.fit(train, { epochs: 5 });
 */
import { type RecordBatch, Table } from 'apache-arrow';
import type { SourceOptions } from '../../io/open-source.ts';
import type { FeatureColumn } from '../../spec/types.ts';
import { FeatureGraph } from '../../tensor/feature-graph.ts';
import type { LabelOptions } from '../labels.ts';
import type { TransformWorkers } from '../worker-pool.ts';
import type { MapOptions, Node } from './nodes.ts';
import { run } from './run.ts';
import type { DatasetExample } from './types.ts';

export interface FilesOptions {
  /** Reader options (CSV dialect, types, onError, batchSize; Parquet columns; a forced format), as openSource. */
  csv?: SourceOptions;
  /** The label column `map` reads: `{key, positive}` (binary), `{key, vocabulary}` (classes), `{key}` (a number). */
  label?: LabelOptions | null;
}

export interface TableOptions {
  label?: LabelOptions | null;
}

export interface ShuffleOptions {
  /** A new order every pass (TF's reshuffle_each_iteration; default true). false: the same order every pass. */
  reshuffleEachIteration?: boolean;
}

export interface BatchOptions {
  /** Drop a last batch smaller than n (default false). */
  dropRemainder?: boolean;
}

export interface PrefetchOptions {
  /**
   * Over a column map of CSV files: worker threads that read ahead (default: the cores but one, 1 to 4), or
   * a running pool. Elsewhere the read-ahead runs on this thread's event loop and this is ignored. Threads this
   * Dataset starts outlive a pass by a second, so the next pass (fit's next epoch) reuses them, then end.
   */
  workers?: number | TransformWorkers;
}

export interface CacheOptions {
  /** Mixed into the cache file's name; required for a fromBatches source (which has no fingerprint). */
  key?: string;
}

type Batches = Iterable<unknown> | AsyncIterable<unknown>;

export class Dataset<T = DatasetExample> implements AsyncIterable<T> {
  /** Marks an input that can be iterated again (Model.fit streams it once per epoch instead of collecting it). */
  readonly reiterable = true as const;

  private constructor(private readonly node: Node) {
    Object.freeze(this);
  }

  /** Record batches of files or globs (CSV, gzip'd CSV, Arrow IPC, Parquet: what openSource reads), in order. */
  static fromFiles(paths: string | readonly string[], options: FilesOptions = {}): Dataset<RecordBatch> {
    const list = typeof paths === 'string' ? [paths] : [...paths];
    if (list.length === 0) throw new TypeError('Dataset.fromFiles needs at least one path');
    return new Dataset<RecordBatch>({ op: 'files', paths: Object.freeze(list), csv: { ...options.csv }, label: options.label ?? null });
  }

  /** The record batches of an Arrow table (or a list of record batches). */
  static fromTable(table: Table | RecordBatch | readonly RecordBatch[], options: TableOptions = {}): Dataset<RecordBatch> {
    const batches = table instanceof Table ? table.batches : Array.isArray(table) ? [...table] : [table as RecordBatch];
    return new Dataset<RecordBatch>({ op: 'table', batches: Object.freeze(batches), label: options.label ?? null });
  }

  /**
   * Given batches: FeatureBatches (with a `labels` field or not) or `{features, labels}`, as an array or
   * iterable, or a function returning a fresh (async) iterable each pass. A bare iterator runs one pass only.
   */
  static fromBatches(source: Batches | (() => Batches)): Dataset<DatasetExample> {
    // A function makes a fresh iterable per pass; a given iterator can serve one pass only.
    if (typeof source === 'function') return new Dataset<DatasetExample>({ op: 'batches', make: source, used: null });
    return new Dataset<DatasetExample>({ op: 'batches', make: () => source, used: { once: false } });
  }

  /**
   * Transforms record batches through feature columns (compiled against the first batch's schema) or a
   * compiled graph, into `{features, labels}` (labels from `options.label`, else the source's label).
   * Or, given a function, applies it to each element.
   */
  map(this: Dataset<RecordBatch>, spec: FeatureGraph | readonly FeatureColumn[], options?: MapOptions): Dataset<DatasetExample>;
  map<U>(fn: (element: T) => U | Promise<U>): Dataset<U>;
  map(spec: unknown, options: MapOptions = {}): Dataset<unknown> {
    if (typeof spec === 'function') return new Dataset({ op: 'mapFn', input: this.node, fn: spec as (x: unknown) => unknown });
    if (!(spec instanceof FeatureGraph) && !Array.isArray(spec)) throw new TypeError('Dataset.map takes feature columns, a compiled FeatureGraph, or a function');
    const workers = options.workers;
    if (typeof workers === 'number' && !(Number.isInteger(workers) && workers >= 1)) throw new RangeError(`map: workers must be a positive integer, got ${workers}`);
    const inherited = this.node.op === 'files' || this.node.op === 'table' ? this.node.label : null;
    const label = options.label === undefined ? inherited : options.label;
    return new Dataset({ op: 'map', input: this.node, spec: spec instanceof FeatureGraph ? spec : Object.freeze([...spec]), options: { ...options }, label });
  }

  /**
   * TF's shuffle buffer over rows: `bufferRows` rows are held, each incoming row replaces a uniformly drawn one,
   * which goes out. The same seed gives the same orders; every pass draws a new order (unless
   * `reshuffleEachIteration: false`). A buffer as large as the data is a full uniform shuffle; 1 keeps the order.
   */
  shuffle(this: Dataset<DatasetExample>, bufferRows: number, seed = 0, options: ShuffleOptions = {}): Dataset<DatasetExample> {
    if (!(Number.isInteger(bufferRows) && bufferRows >= 1)) throw new RangeError(`shuffle: bufferRows must be an integer ≥ 1, got ${bufferRows}`);
    if (!Number.isInteger(seed)) throw new RangeError(`shuffle: seed must be an integer, got ${seed}`);
    return new Dataset({ op: 'shuffle', input: this.node, bufferRows, seed, reshuffle: options.reshuffleEachIteration ?? true, state: { iterations: 0 } });
  }

  /** Batches of exactly n rows (the last one smaller unless dropRemainder), across input batch boundaries. */
  batch(this: Dataset<DatasetExample>, n: number, options: BatchOptions = {}): Dataset<DatasetExample> {
    if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`batch: n must be an integer ≥ 1, got ${n}`);
    return new Dataset({ op: 'batch', input: this.node, size: n, dropRemainder: options.dropRemainder ?? false });
  }

  /**
   * Keeps k elements ready ahead of the consumer. Directly over `fromFiles(csv).map(columns)`, reading runs
   * here while parsing and transforming run on worker threads (options.workers).
   */
  prefetch(k = 2, options: PrefetchOptions = {}): Dataset<T> {
    if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`prefetch: k must be an integer ≥ 1, got ${k}`);
    const workers = options.workers;
    if (typeof workers === 'number' && !(Number.isInteger(workers) && workers >= 1)) throw new RangeError(`prefetch: workers must be a positive integer, got ${workers}`);
    return new Dataset<T>({ op: 'prefetch', input: this.node, k, workers });
  }

  /**
   * Without `dir`: the first complete pass keeps its elements in memory and later passes replay them.
   * With `dir`: the first complete pass writes them to an Arrow IPC file there (atomically), and any later pass
   * or Dataset with the same plan reads it instead (see fingerprint.ts for what makes a cache stale).
   */
  cache(dir?: string, options: CacheOptions = {}): Dataset<T> {
    if (dir !== undefined && (typeof dir !== 'string' || dir === '')) throw new TypeError('cache: dir must be a directory path');
    return new Dataset<T>({ op: 'cache', input: this.node, dir: dir ?? null, key: options.key ?? null, store: { items: null } });
  }

  /** The elements `count` times over (default: forever); each repetition is a fresh pass of the input. */
  repeat(count = Infinity): Dataset<T> {
    if (!(count === Infinity || (Number.isInteger(count) && count >= 0))) throw new RangeError(`repeat: count must be an integer ≥ 0 or Infinity, got ${count}`);
    return new Dataset<T>({ op: 'repeat', input: this.node, count });
  }

  /** The first `count` elements (batches). */
  take(count: number): Dataset<T> {
    if (!(Number.isInteger(count) && count >= 0)) throw new RangeError(`take: count must be an integer ≥ 0, got ${count}`);
    return new Dataset<T>({ op: 'take', input: this.node, count });
  }

  /** Whether a pass never ends: a `repeat()` forever not cut by a `take` (a statistics pre-pass cannot run over it). */
  get endless(): boolean {
    let limited = false;
    for (let node: Node | null = this.node; node !== null; node = 'input' in node ? node.input : null) {
      if (node.op === 'take') limited = true;
      if (node.op === 'repeat' && node.count === Infinity && !limited) return true;
    }
    return false;
  }

  /** A fresh pass over the elements. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    yield* run(this.node) as AsyncIterable<T>;
  }

  /** Every element of one pass, in order (for tests and small data). */
  async toArray(): Promise<T[]> {
    const out: T[] = [];
    for await (const item of this) out.push(item);
    return out;
  }
}
