/** Files to tensors on worker threads: parse and transform CSV chunks in parallel, results in input order. */
export {
  transformFiles, FileTransform, DEFAULT_CHUNK_BYTES,
  type TransformFilesOptions, type TransformResult, type TransformInfo, type StageProfile, type RejectedRowInfo,
} from './parallel-transform.ts';
export { startTransformWorkers, TransformWorkers, liveWorkerCount } from './worker-pool.ts';
export { FileDataError } from './errors.ts';
export type { LabelOptions, LabelKind } from './labels.ts';
export * from './dataset/index.ts';
