/** Where a Dataset's elements come from: files (any format openSource reads), an Arrow table, or given batches. */
import type { RecordBatch } from 'apache-arrow';
import { openSource, type SourceOptions } from '../../io/open-source.ts';
import { type FeatureBatch, isFeatureBatch } from '../../tensor/feature-batch.ts';
import type { DatasetExample } from './types.ts';

/** Record batches of the files, in order (globs expanded sorted), read on this thread. */
export async function* readFiles(paths: readonly string[], csv: SourceOptions): AsyncGenerator<RecordBatch> {
  yield* openSource([...paths], csv);
}

export async function* tableBatches(batches: readonly RecordBatch[]): AsyncGenerator<RecordBatch> {
  yield* batches;
}

/** A label array as Float32 (or kept Int32); null/undefined stays null. */
export function toLabels(labels: unknown, what: string): Float32Array | Int32Array | null {
  if (labels == null) return null;
  if (labels instanceof Float32Array || labels instanceof Int32Array) return labels;
  if (typeof labels === 'object' && typeof (labels as ArrayLike<number>).length === 'number') return Float32Array.from(labels as ArrayLike<number>);
  throw new TypeError(`${what}: labels must be an array of numbers`);
}

/** Turns a given item (a FeatureBatch, with or without `labels`, or `{features, labels}`) into an example. */
export function toExample(item: unknown, index: number): DatasetExample {
  if (isFeatureBatch(item)) return { features: item, labels: toLabels((item as { labels?: unknown }).labels, `Dataset.fromBatches item ${index}`) };
  if (typeof item === 'object' && item !== null && 'features' in item && isFeatureBatch((item as { features: unknown }).features)) {
    const { features, labels } = item as { features: FeatureBatch; labels?: unknown };
    const out = toLabels(labels, `Dataset.fromBatches item ${index}`);
    if (out !== null && features.numRows > 0 && out.length % features.numRows !== 0) {
      throw new Error(`Dataset.fromBatches item ${index}: ${features.numRows} rows but ${out.length} labels`);
    }
    return { features, labels: out };
  }
  throw new TypeError(`Dataset.fromBatches item ${index}: expected a FeatureBatch or {features, labels}`);
}

/**
 * The given items as examples. `used` tracks a source given as is (not made per pass): when it is a one-shot
 * iterator it can be iterated only once; null when `make` returns a fresh iterable each pass.
 */
export async function* givenBatches(make: () => Iterable<unknown> | AsyncIterable<unknown>, used: { once: boolean } | null): AsyncGenerator<DatasetExample> {
  const source = make();
  const oneShot = used !== null && isIterator(source);
  if (oneShot && used!.once) {
    throw new Error('Dataset.fromBatches: the source is an iterator, already consumed by an earlier pass; ' +
      'pass an array or a function returning a fresh iterable to iterate more than once');
  }
  if (oneShot) used!.once = true;
  let i = 0;
  for await (const item of source as AsyncIterable<unknown>) yield toExample(item, i++);
}

function isIterator(x: unknown): boolean {
  const o = x as { [Symbol.asyncIterator]?: () => unknown; [Symbol.iterator]?: () => unknown; next?: unknown };
  if (typeof o.next !== 'function') return false;
  if (typeof o[Symbol.asyncIterator] === 'function') return o[Symbol.asyncIterator]!() === o;
  if (typeof o[Symbol.iterator] === 'function') return o[Symbol.iterator]!() === o;
  return true;
}
