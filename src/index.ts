/** feature-columns: TensorFlow-style feature columns compiled into a frozen transform graph over Apache Arrow. */
export * from './spec/index.ts';
export { compile, FeatureGraph, type TransformOptions, type OutputAllocator } from './tensor/feature-graph.ts';
export type { CompileOptions, GraphPlan } from './graph/compile.ts';
export type { LayoutEntry, HashMode, GraphNode } from './graph/nodes.ts';
export { Session, type FetchValue, type FeedValue, type PartialRunHandle } from './tensor/session.ts';
export { concatFeatureBatches, type FeatureBatch, type DenseTensor, type RaggedTensor } from './tensor/feature-batch.ts';
export { embeddingLookup } from './kernels/embedding-lookup.ts';
export {
  readCsv, readArrow, readParquet, openSource, detectFormat, sniffDialect, ReadError, DEFAULT_BATCH_SIZE,
  type CsvOptions, type CsvColumnType, type SourceOptions, type OnError, type ReadStats, type RecordBatchSource,
} from './io/index.ts';
export * from './analyze/index.ts';
/** The bundled training core (layers, optimizers, losses, metrics, Sequential, WideAndDeep), as a namespace: train.Dense, ... */
export * as train from './train/index.ts';
export * from './data/index.ts';
