/**
 * `cache(dir)`: the first complete pass writes its examples to `dir/cache-<key>.arrow` (the Arrow IPC tensor
 * format of openFeatureWriter: built in a temporary file, renamed into place only when the pass ends); later
 * passes, and later Datasets with the same plan, read that file instead of running the plan. The file records
 * the source files' sizes and mtimes: when they changed, the cache is stale and is rebuilt.
 */
import { access, mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { type Data, RecordBatchReader, type RecordBatch, type Schema } from 'apache-arrow';
import type { LayoutEntry } from '../../graph/nodes.ts';
import { META_KEYS } from '../../io/writers/metadata.ts';
import { openFeatureWriter } from '../../io/writers/open.ts';
import type { FeatureWriter } from '../../io/writers/types.ts';
import type { RaggedTensor } from '../../tensor/feature-batch.ts';
import { type Fingerprint, sourceState } from './fingerprint.ts';
import { labelWidth } from './rows.ts';
import type { DatasetExample } from './types.ts';

const KEY = 'feature_columns_cache.key';
const STATE = 'feature_columns_cache.sources';

export function cacheFile(dir: string, print: Fingerprint): string {
  return join(dir, `cache-${print.key}.arrow`);
}

export async function* directoryCache(upstream: () => AsyncIterable<DatasetExample>, dir: string, print: Fingerprint): AsyncGenerator<DatasetExample> {
  const file = cacheFile(dir, print);
  const state = print.files === null ? null : await sourceState(print.files);
  if (await exists(file)) {
    const reader = await openCache(file);
    try {
      const recorded = reader.schema.metadata.get(STATE) ?? '';
      // A source that is gone (state null) leaves the cache as the data; a changed one makes it stale.
      if (state === null || recorded === state) {
        yield* readCache(reader);
        return;
      }
    } finally {
      await reader.close();
    }
  }
  await mkdir(dir, { recursive: true });
  let writer: FeatureWriter | null = null;
  let done = false;
  try {
    for await (const example of upstream()) {
      if (example.features.numRows === 0) continue;
      writer ??= await openWriter(file, example, print, state);
      if (example.labels !== null && labelWidth(example) !== 1) throw new Error('Dataset.cache(dir): only one label per row can be cached');
      await writer.write(example.features, example.labels ?? undefined);
      yield example;
    }
    done = true;
  } finally {
    if (writer !== null) {
      if (done) await writer.close();
      else await writer.abort();
    }
  }
}

async function openWriter(file: string, first: DatasetExample, print: Fingerprint, state: string | null): Promise<FeatureWriter> {
  const { features, labels } = first;
  return openFeatureWriter(file, {
    layout: features.dense.layout, denseWidth: features.dense.shape[1],
    sparse: Object.entries(features.sparse).map(([name, t]) => ({ name, cardinality: t.cardinality, combiner: t.combiner, dimension: t.dimension, weighted: t.weights !== undefined })),
    spec: null,
    label: labels === null ? null : { key: 'label', kind: labels instanceof Int32Array ? 'classes' : 'regression' },
    extra: { [KEY]: print.key, [STATE]: state ?? '' },
  }, 'arrow');
}

interface CacheReader {
  schema: Schema;
  batches: AsyncIterable<RecordBatch>;
  close(): Promise<void>;
}

async function openCache(file: string): Promise<CacheReader> {
  const handle = await open(file, 'r');
  try {
    const reader = await (await RecordBatchReader.from(handle)).open();
    return { schema: reader.schema, batches: reader as AsyncIterable<RecordBatch>, close: () => handle.close() };
  } catch (error) {
    await handle.close();
    throw new Error(`Dataset.cache: cannot read the cache file ${file} (${(error as Error).message}); delete it to rebuild`);
  }
}

async function* readCache(reader: CacheReader): AsyncGenerator<DatasetExample> {
  const meta = reader.schema.metadata;
  const layout = JSON.parse(meta.get(META_KEYS.layout)!) as LayoutEntry[];
  const width = Number(meta.get(META_KEYS.denseWidth));
  const sparseMeta = JSON.parse(meta.get(META_KEYS.sparse)!) as { name: string; cardinality: number; combiner: RaggedTensor['combiner']; dimension: number | null; weighted: boolean }[];
  const labeled = JSON.parse(meta.get(META_KEYS.label) ?? 'null') !== null;
  const names = reader.schema.fields.map((f) => f.name);
  for await (const batch of reader.batches) {
    const rows = batch.numRows, children = batch.data.children;
    const denseData = children[names.indexOf('dense')];
    const denseChild = denseData.children[0];
    const values = (denseChild.values as Float32Array).slice((denseData.offset * width) + denseChild.offset, (denseData.offset + rows) * width + denseChild.offset);
    const sparse: Record<string, RaggedTensor> = {};
    for (const s of sparseMeta) {
      const list = children[names.indexOf(s.name)];
      const { offsets, values: ids } = listValues(list, rows);
      const ragged: RaggedTensor = { ids: ids as Int32Array, offsets, cardinality: s.cardinality, combiner: s.combiner, dimension: s.dimension };
      if (s.weighted) ragged.weights = listValues(children[names.indexOf(`${s.name}.weights`)], rows).values as Float32Array;
      sparse[s.name] = ragged;
    }
    let labels: Float32Array | Int32Array | null = null;
    if (labeled) {
      const data = children[names.indexOf('label')];
      labels = (data.values as Float32Array | Int32Array).slice(data.offset, data.offset + rows);
    }
    yield { features: { numRows: rows, dense: { values, shape: [rows, width], layout }, sparse }, labels };
  }
}

/** A List column's offsets (rebased to 0) and values, copied out of the read buffers. */
function listValues(list: Data, rows: number): { offsets: Int32Array; values: Int32Array | Float32Array } {
  const raw = (list.valueOffsets as Int32Array).subarray(list.offset, list.offset + rows + 1);
  const base = raw[0];
  const offsets = new Int32Array(rows + 1);
  for (let i = 0; i <= rows; i++) offsets[i] = raw[i] - base;
  const child = list.children[0];
  const values = (child.values as Int32Array | Float32Array).slice(child.offset + base, child.offset + raw[rows]);
  return { offsets, values };
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
