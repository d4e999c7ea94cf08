/** The input pipeline: Dataset from files, tables or batches; map, shuffle, batch, prefetch, cache, repeat, take. */
export {
  Dataset, type FilesOptions, type TableOptions, type ShuffleOptions, type BatchOptions, type PrefetchOptions, type CacheOptions,
} from './dataset.ts';
export type { MapOptions } from './nodes.ts';
export type { DatasetExample } from './types.ts';
