/**
 * What a directory cache is keyed by: a description of the plan under it (source paths or table contents,
 * options, spec as TensorFlow JSON, label, shuffle seeds...) hashed into the cache file's name, and the
 * state of the source files (size, mtime) recorded inside it. A changed plan is another file; a changed
 * source file makes the cache stale (rebuilt); a source that is gone leaves the cache as the data.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Data } from 'apache-arrow';
import { expandPaths } from '../../io/expand-paths.ts';
import { toConfig } from '../../spec/config.ts';
import { FeatureGraph } from '../../tensor/feature-graph.ts';
import type { Node } from './nodes.ts';

export interface Fingerprint {
  key: string;
  /** Source files and their size and mtime; null when the plan reads no files. */
  files: string[] | null;
}

export function fingerprint(node: Node, userKey: string | null): Fingerprint {
  const hash = createHash('sha256');
  hash.update('feature-columns dataset cache v1\n');
  if (userKey !== null) hash.update(`key ${userKey}\n`);
  const files = describe(node, hash, userKey !== null);
  return { key: hash.digest('hex').slice(0, 20), files };
}

/** The current state of the source files, or null when they cannot be listed (gone: the cache stands). */
export async function sourceState(patterns: string[]): Promise<string | null> {
  try {
    const files = await expandPaths(patterns);
    if (files.length === 0) return null;
    const parts = [];
    for (const file of files) {
      const s = await stat(file);
      parts.push(`${resolve(file)}\t${s.size}\t${Math.round(s.mtimeMs)}`);
    }
    return parts.join('\n');
  } catch {
    return null;
  }
}

function describe(node: Node, hash: ReturnType<typeof createHash>, keyed: boolean): string[] | null {
  const line = (value: unknown) => hash.update(`${JSON.stringify(value)}\n`);
  switch (node.op) {
    case 'files':
      line({ op: 'files', paths: node.paths.map((p) => resolve(p)), csv: node.csv, label: node.label });
      return node.paths.map((p) => resolve(p));
    case 'table':
      line({ op: 'table', label: node.label, schema: node.batches[0]?.schema.fields.map((f) => `${f.name}:${f.type}`) ?? [] });
      for (const batch of node.batches) hashData(batch.data, hash);
      return null;
    case 'batches':
      if (!keyed) throw new Error('Dataset.cache(dir): a Dataset.fromBatches source has no fingerprint; give one: cache(dir, {key: "..."})');
      line({ op: 'batches' });
      return null;
    case 'map': {
      const graph = node.spec instanceof FeatureGraph ? node.spec : null;
      line({ op: 'map', spec: toConfig(graph === null ? node.spec as never : graph.plan.columns), hash: graph?.plan.hash ?? node.options.hash ?? 'xxh64',
        sparse: node.options.sparse ?? 'default', label: node.label });
      break;
    }
    case 'mapFn':
      line({ op: 'mapFn', fn: node.fn.toString() });
      break;
    case 'shuffle':
      line({ op: 'shuffle', bufferRows: node.bufferRows, seed: node.seed, reshuffle: node.reshuffle });
      break;
    case 'batch':
      line({ op: 'batch', size: node.size, dropRemainder: node.dropRemainder });
      break;
    case 'prefetch':
      break; // does not change the elements
    case 'cache':
      break;
    case 'repeat':
      line({ op: 'repeat', count: node.count });
      break;
    case 'take':
      line({ op: 'take', count: node.count });
      break;
  }
  return describe(node.input, hash, keyed);
}

function hashData(data: Data, hash: ReturnType<typeof createHash>): void {
  hash.update(`${data.length}:${data.offset}:${data.nullCount}\n`);
  for (const buffer of [data.values, data.valueOffsets, data.nullBitmap, data.typeIds]) {
    if (buffer) hash.update(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength));
  }
  for (const child of data.children) hashData(child, hash);
  if (data.dictionary) for (const d of data.dictionary.data) hashData(d, hash);
}
