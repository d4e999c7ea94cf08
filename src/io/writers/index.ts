/** Tensor file writers: Arrow IPC, safetensors and JSON lines, streamed batch by batch, written atomically. */
export { formatFromPath, type OutputFormat } from './format.ts';
export { openFeatureWriter } from './open.ts';
export { WriteError } from './errors.ts';
export { META_KEYS } from './metadata.ts';
export type { FeatureWriteResult, FeatureWriter, FeatureWriterMeta, LabelMeta, SparseMeta } from './types.ts';
